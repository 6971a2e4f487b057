package dev.darkroom.core.usecase;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.JobStore;
import java.time.Clock;

/**
 * A runner gives back a job it will not finish (SIGTERM, its task deadline): the job goes back to
 * the queue as a new attempt and to dispatch again, instead of waiting as {@code running} for the
 * reconciler. Only jobs of the runner's own execution are given back, so a late or confused runner
 * cannot take work away from another.
 */
public final class HandBackJob {
  private final JobStore jobs;
  private final JobQueue queue;
  private final Clock clock;

  /**
   * No ledger here: the runner, which calls this, holds no database credentials. The ledger
   * catches up with the next attempt's events, through the job-events function.
   */
  public HandBackJob(JobStore jobs, JobQueue queue, Clock clock) {
    this.jobs = jobs;
    this.queue = queue;
    this.clock = clock;
  }

  /** @return true if the job was handed back; false if it was not this execution's to give */
  public boolean handBack(String jobId, String executionName) {
    Job requeued = jobs.update(jobId, current -> {
      if (current.isEmpty()) {
        return Outcome.keep(null);
      }
      Job job = current.get();
      // A dispatched job may not have its execution recorded yet when its task starts; the ids a
      // runner gives back came from its own launch, so that job is this execution's too.
      boolean mine = job.status() == JobStatus.RUNNING
          ? job.isRunBy(executionName)
          : job.status() == JobStatus.DISPATCHED
              && (job.executionName() == null || job.isRunBy(executionName));
      if (!mine) {
        return Outcome.keep(null);
      }
      // Its runner is alive until now: the attempt is billed until now, not its last heartbeat.
      Job back = job.withHeartbeat(clock.instant()).requeued(clock.instant());
      return Outcome.write(back, back);
    });
    if (requeued == null) {
      return false;
    }
    queue.publish(new JobSubmitted(requeued.id(), requeued.userId(), requeued.attempt()));
    return true;
  }
}
