package dev.darkroom.core.job;

/**
 * Why a job failed, in ComfyUI's terms where ComfyUI gave one ({@code exception_type},
 * {@code exception_message}, the failing node).
 */
public record JobError(String type, String message, String nodeId) {

  /**
   * The {@code exception_type} of a job stopped at its time limit: ComfyUI names an error by its
   * exception's type, and this one is Darkroom's.
   */
  public static final String TIME_LIMIT_EXCEEDED = "JobTimeLimitExceeded";

  public static JobError of(String type, String message) {
    return new JobError(type, message, null);
  }

  /**
   * A job whose prompt ran past its time limit and was interrupted; {@code nodeId} is the node
   * that was running, or null if none is known.
   */
  public static JobError interruptedAtTimeLimit(long maxRunSeconds, String nodeId) {
    return new JobError(TIME_LIMIT_EXCEEDED, "Prompt ran longer than the job's time limit of " + maxRunSeconds
        + " s (max_run_seconds) and was interrupted.", nodeId);
  }

  /**
   * A job whose task stopped (no heartbeat) after its time limit had passed: it is not run again.
   */
  public static JobError lostPastTimeLimit(long maxRunSeconds) {
    return new JobError(TIME_LIMIT_EXCEEDED, "The job's task stopped responding and its time limit of "
        + maxRunSeconds + " s (max_run_seconds) has passed, so it is not retried.", null);
  }
}
