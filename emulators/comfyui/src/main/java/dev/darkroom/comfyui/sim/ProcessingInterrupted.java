package dev.darkroom.comfyui.sim;

/** ComfyUI's {@code InterruptProcessingException}: the running prompt ends as interrupted. */
final class ProcessingInterrupted extends RuntimeException {

  ProcessingInterrupted() {
    super("Processing interrupted", null, false, false);
  }
}
