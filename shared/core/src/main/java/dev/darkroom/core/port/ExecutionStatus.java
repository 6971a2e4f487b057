package dev.darkroom.core.port;

/** What the platform says of a GPU job execution (Cloud Run's Executions API in the cloud). */
public interface ExecutionStatus {

  enum State {
    /** Pending or running: its task may still claim its jobs. */
    ACTIVE,
    /** Finished (succeeded, failed or cancelled): it will claim nothing more. */
    ENDED,
    /** The platform does not know it (deleted, or never created). */
    MISSING
  }

  /** The state of {@code executionName}, as {@link JobLauncher#launch} returned it. */
  State state(String executionName);
}
