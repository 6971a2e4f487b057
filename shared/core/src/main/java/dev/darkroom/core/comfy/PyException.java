package dev.darkroom.core.comfy;

/**
 * A Python exception that ComfyUI's validator would have raised (KeyError, IndexError, TypeError…).
 * ComfyUI reports these verbatim ({@code str(ex)} and the exception's type name), so we model them
 * instead of inventing our own messages.
 */
final class PyException extends RuntimeException {

  private final String pythonType;

  PyException(String pythonType, String message) {
    super(message, null, false, false);
    this.pythonType = pythonType;
  }

  String pythonType() {
    return pythonType;
  }

  static PyException keyError(String repr) {
    return new PyException("KeyError", repr);
  }

  static PyException typeError(String message) {
    return new PyException("TypeError", message);
  }
}
