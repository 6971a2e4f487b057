package dev.darkroom.core.usecase;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobStore;
import java.time.Clock;

/**
 * A runner's heartbeat: it stamps {@code heartbeatAt} on the job it is running, so that the
 * reconciler can tell a live run from a lost task. The stamp is written only while the job is
 * still this execution's running attempt; when it is not (reconciled as lost and requeued,
 * cancelled and ended, handed to another task), the runner learns that it must stop, so that the
 * job never runs in two places.
 */
public final class KeepJobAlive {
  private final JobStore jobs;
  private final Clock clock;

  public KeepJobAlive(JobStore jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  /** @return true if the heartbeat was recorded; false if the job is no longer this run's */
  public boolean beat(String jobId, String executionName, int attempt) {
    return stamp(jobId, executionName, attempt, false);
  }

  /**
   * The runner is about to publish this run's end: stamped before the terminal event leaves, so the
   * reconciler does not call the job lost while the event waits in Pub/Sub for job-events (a backlog
   * can take longer than {@code lostAfter}). A runner that dies between this stamp and the publish
   * leaves the job silent for the reconciler's grace for reported ends, then it is lost as usual.
   *
   * @return true if stamped; false if the job is no longer this run's
   */
  public boolean ending(String jobId, String executionName, int attempt) {
    return stamp(jobId, executionName, attempt, true);
  }

  /** A heartbeat, and with {@code ending} the start of the end, written only while it is this run. */
  private boolean stamp(String jobId, String executionName, int attempt, boolean ending) {
    return jobs.update(jobId, current -> {
      if (current.isEmpty() || !isThisRun(current.get(), executionName, attempt)) {
        return Outcome.keep(false);
      }
      Job beat = current.get().withHeartbeat(clock.instant());
      return Outcome.write(ending ? beat.toBuilder().endingAt(clock.instant()).build() : beat, true);
    });
  }

  /** Whether {@code job} is still the running attempt that {@code executionName} claimed. */
  public static boolean isThisRun(Job job, String executionName, int attempt) {
    return job.status() == JobStatus.RUNNING && job.attempt() == attempt && job.isRunBy(executionName);
  }
}
