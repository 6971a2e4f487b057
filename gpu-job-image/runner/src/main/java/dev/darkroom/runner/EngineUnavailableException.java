package dev.darkroom.runner;

/**
 * The engine cannot be reached, or lost the prompt (e.g. ComfyUI restarted and forgot its queue).
 * Nothing is known about how the prompt ended, so no terminal event can honestly be reported; a
 * retry of the task, on a fresh engine, could help.
 */
public class EngineUnavailableException extends Exception {
  public EngineUnavailableException(String message) {
    super(message);
  }

  public EngineUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
