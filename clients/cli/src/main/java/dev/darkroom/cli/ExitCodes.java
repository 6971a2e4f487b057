package dev.darkroom.cli;

/**
 * What {@code darkroom run} exits with, so that scripts can tell a failed job from a mistake in
 * the command and from a Darkroom that could not be reached (README, "Command-line client").
 */
public final class ExitCodes {
  /** The job succeeded and every output was downloaded. */
  public static final int SUCCEEDED = 0;
  /** The job ran and did not succeed: failed, cancelled or timed out (its error is printed). */
  public static final int JOB_FAILED = 1;
  /**
   * What was given is wrong: an option, the workflow file, a {@code --set}, a workflow Darkroom
   * refuses as invalid (ComfyUI's 400), or a credential it does not accept (401, 403).
   */
  public static final int BAD_INPUT = 2;
  /**
   * Darkroom could not be reached, or could not take the job now: no connection, a 5xx, a limit
   * (429, 402), or an event stream that kept breaking.
   */
  public static final int UNAVAILABLE = 3;
  /** A bug in this client: the message and stack trace are printed. */
  public static final int INTERNAL_ERROR = 70;
  /** Ctrl-C: the job was asked to cancel first (the shell's convention, 128 + SIGINT). */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}
}
