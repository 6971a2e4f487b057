package dev.darkroom.cli;

/** Ends the run with a message for the user (never a stack trace) and one of {@link ExitCodes}. */
final class CliFailure extends RuntimeException {
  private final int exitCode;

  private CliFailure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  static CliFailure badInput(String message) {
    return new CliFailure(ExitCodes.BAD_INPUT, message, null);
  }

  static CliFailure jobFailed(String message) {
    return new CliFailure(ExitCodes.JOB_FAILED, message, null);
  }

  static CliFailure unavailable(String message, Throwable cause) {
    return new CliFailure(ExitCodes.UNAVAILABLE, message, cause);
  }

  int exitCode() {
    return exitCode;
  }
}
