package dev.darkroom.core.usecase;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobStore;
import java.time.Clock;
import java.util.Optional;

/**
 * A runner takes a job for itself. Dispatched (or, when draining, queued) jobs move to running in
 * one transaction, so no job ever runs in two tasks: whoever loses the race gets nothing.
 *
 * <p>A job already running under the claimant's own execution is taken again as a new attempt:
 * Cloud Run retries a task only after its previous attempt has ended, and an execution's tasks
 * never share job ids, so that earlier attempt is dead. Its late events are then stale.
 */
public final class ClaimJob {
  private final JobStore jobs;
  private final Clock clock;

  public ClaimJob(JobStore jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  /** The claimed job, or empty if it is not there or not claimable any more. */
  public Optional<Job> claim(String jobId, String executionName) {
    Optional<Job> claimed = Optional.ofNullable(jobs.update(jobId, current -> {
      if (current.isEmpty()) {
        return Outcome.keep(null);
      }
      Job job = current.get();
      if (job.status() == JobStatus.RUNNING && executionName.equals(job.executionName())) {
        Job retried = job.requeued(clock.instant()).claimedBy(executionName, clock.instant());
        return Outcome.write(retried, retried);
      }
      if (job.status() != JobStatus.DISPATCHED && job.status() != JobStatus.QUEUED) {
        return Outcome.keep(null);
      }
      Job running = job.claimedBy(executionName, clock.instant());
      return Outcome.write(running, running);
    }));
    claimed.ifPresent(JobLatency::reached);
    return claimed;
  }
}
