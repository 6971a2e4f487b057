package dev.darkroom.comfyui.sim;

/** A node raised: reported as {@code execution_error} with ComfyUI's exception type and message. */
final class NodeFailure extends RuntimeException {

  private final String exceptionType;

  NodeFailure(String exceptionType, String message) {
    super(message, null, false, false);
    this.exceptionType = exceptionType;
  }

  String exceptionType() {
    return exceptionType;
  }
}
