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
    Boolean alive = jobs.update(jobId, current -> {
      if (current.isEmpty() || !isThisRun(current.get(), executionName, attempt)) {
        return Outcome.keep(false);
      }
      return Outcome.write(current.get().withHeartbeat(clock.instant()), true);
    });
    return alive;
  }

  /** Whether {@code job} is still the running attempt that {@code executionName} claimed. */
  public static boolean isThisRun(Job job, String executionName, int attempt) {
    return job.status() == JobStatus.RUNNING && job.attempt() == attempt && job.isRunBy(executionName);
  }
}
