package dev.darkroom.core.usecase;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.Ledger;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a queued job into GPU work. The job is claimed (queued → dispatched, in one transaction)
 * before anything is launched, so a duplicated or redelivered message never launches twice.
 */
public final class DispatchJobs {
  private static final Logger log = LoggerFactory.getLogger(DispatchJobs.class);

  public enum Result {
    /** An execution was started for the job. */
    LAUNCHED,
    /** The job was no longer queued on this attempt: someone else took it, or it ended. */
    NOT_QUEUED,
    /** No job with that id: the message can never succeed. */
    UNKNOWN_JOB,
    /** The platform refused for lack of capacity; the job is queued again for a later pass. */
    NO_CAPACITY
  }

  private final JobStore jobs;
  private final JobLauncher launcher;
  private final Ledger ledger;
  private final Clock clock;

  public DispatchJobs(JobStore jobs, JobLauncher launcher, Ledger ledger, Clock clock) {
    this.jobs = jobs;
    this.launcher = launcher;
    this.ledger = ledger;
    this.clock = clock;
  }

  /**
   * Dispatches the job. Throws when the launch failed for a reason that may pass (the job is
   * queued again first), so that the message is redelivered and the launch retried.
   */
  public Result dispatch(JobSubmitted message) {
    Result claim = jobs.update(message.jobId(), current -> {
      if (current.isEmpty()) {
        return Outcome.keep(Result.UNKNOWN_JOB);
      }
      Job job = current.get();
      if (job.status() != JobStatus.QUEUED || job.attempt() != message.attempt()) {
        return Outcome.keep(Result.NOT_QUEUED);
      }
      return Outcome.write(job.withStatus(JobStatus.DISPATCHED, clock.instant()), Result.LAUNCHED);
    });
    if (claim != Result.LAUNCHED) {
      return claim;
    }
    String execution;
    try {
      execution = launcher.launch(List.of(message.jobId()));
    } catch (CapacityExhaustedException e) {
      log.warn("no capacity for job {}: {}", message.jobId(), e.getMessage());
      requeue(message);
      return Result.NO_CAPACITY;
    } catch (RuntimeException e) {
      requeue(message);
      throw e;
    }
    Job recorded = jobs.update(message.jobId(), current -> {
      Job job = current.orElseThrow();
      // The runner may already have claimed it; then its own started event names the execution.
      if (job.status() == JobStatus.DISPATCHED && job.attempt() == message.attempt()) {
        Job withExecution = job.withExecution(execution, clock.instant());
        return Outcome.write(withExecution, withExecution);
      }
      return Outcome.keep(job);
    });
    ledger.record(recorded);
    return Result.LAUNCHED;
  }

  private void requeue(JobSubmitted message) {
    jobs.update(message.jobId(), current -> {
      Job job = current.orElseThrow();
      if (job.status() == JobStatus.DISPATCHED && job.attempt() == message.attempt()
          && job.executionName() == null) {
        return Outcome.write(job.withStatus(JobStatus.QUEUED, clock.instant()), null);
      }
      return Outcome.keep(null);
    });
  }
}
