package dev.darkroom.core.usecase;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a queued job into GPU work, within the {@link GpuPool}'s cap.
 * <ol>
 *   <li>A job that is no longer queued (for this attempt) is left alone: duplicates and
 *       redeliveries end here.
 *   <li>If tasks sit idle waiting for work and they are at least as many as the queued jobs, nothing
 *       is launched: an idle task claims the job at its next look, within seconds, with the
 *       engine already warm. A cold start would cost more and finish later.
 *   <li>Otherwise a slot is reserved. With none free the job stays queued: every running task
 *       drains the queue before it exits (see the runner), and the reconciler re-publishes
 *       queued jobs as slots free. A job whose user already runs as many jobs as their tier
 *       allows stays queued too ({@link FairShare}); a task finishing one of them takes it.
 *   <li>The job is claimed (queued → dispatched, in one transaction) before anything is launched,
 *       so a duplicated or redelivered message never launches twice; the execution is launched
 *       with the job and the slot's lease in its environment.
 *   <li>A quota refusal ({@code RESOURCE_EXHAUSTED}) puts the job back to queued and frees the
 *       slot; any other launch failure does the same and throws, so that Pub/Sub redelivers.
 * </ol>
 */
public final class DispatchJobs {
  private static final Logger log = LoggerFactory.getLogger(DispatchJobs.class);
  /**
   * How long a reserved slot stays held for an execution whose task has not started yet; the task
   * renews it from its first moment. Generous next to a cold start (under a minute), so that a slow
   * start is not counted out; a launch that never starts frees its slot after this.
   */
  public static final Duration START_LEASE = Duration.ofMinutes(10);

  public enum Result {
    /** An execution was started for the job. */
    LAUNCHED,
    /** The job was no longer queued on this attempt: someone else took it, or it ended. */
    NOT_QUEUED,
    /** No job with that id: the message can never succeed. */
    UNKNOWN_JOB,
    /** Idle tasks can take every queued job: the job stays queued for them. */
    LEFT_FOR_IDLE_TASK,
    /** The pool is full or the platform refused for lack of capacity: the job stays queued. */
    NO_CAPACITY,
    /**
     * Its user has as many jobs running as their tier allows: it stays queued, and a task finishing
     * one of them takes it ({@link FairShare}).
     */
    USER_AT_LIMIT
  }

  private final JobStore jobs;
  private final JobLauncher launcher;
  private final GpuPool pool;
  private final FairShare fairShare;
  private final Ledger ledger;
  private final Clock clock;

  public DispatchJobs(JobStore jobs, JobLauncher launcher, GpuPool pool, FairShare.Limits limits, Ledger ledger,
      Clock clock) {
    this.jobs = jobs;
    this.launcher = launcher;
    this.pool = pool;
    this.fairShare = new FairShare(jobs, limits);
    this.ledger = ledger;
    this.clock = clock;
  }

  /**
   * Dispatches the job. Throws when the launch failed for a reason that may pass (the job is
   * queued again first), so that the message is redelivered and the launch retried.
   */
  public Result dispatch(JobSubmitted message) {
    Optional<Job> seen = jobs.get(message.jobId());
    if (seen.isEmpty()) {
      return Result.UNKNOWN_JOB;
    }
    if (!isQueued(seen.get(), message)) {
      return Result.NOT_QUEUED;
    }
    // Cheapest look first: under a burst most messages end at a full pool.
    Instant now = clock.instant();
    GpuPool.Usage usage = pool.usage(now);
    if (usage.idle() > 0 && jobs.queued(usage.idle() + 1).size() <= usage.idle()) {
      log.info("job {}: {} idle task(s) can take the queue; nothing launched", message.jobId(), usage.idle());
      return Result.LEFT_FOR_IDLE_TASK;
    }
    if (usage.free() == 0) {
      log.info("job {}: all {} GPU slots held; it stays queued for a draining task", message.jobId(), usage.cap());
      return Result.NO_CAPACITY;
    }
    if (fairShare.atLimit(seen.get())) {
      log.info("job {}: user {} has as many jobs running as tier {} allows; it stays queued", message.jobId(),
          seen.get().userId(), seen.get().tier());
      return Result.USER_AT_LIMIT;
    }
    Optional<GpuPool.Lease> slot = pool.reserve(now, now.plus(START_LEASE));
    if (slot.isEmpty()) {
      log.info("job {}: all {} GPU slots held; it stays queued for a draining task", message.jobId(), usage.cap());
      return Result.NO_CAPACITY;
    }
    Result claim = jobs.update(message.jobId(), current -> {
      if (current.isEmpty()) {
        return Outcome.keep(Result.UNKNOWN_JOB);
      }
      Job job = current.get();
      if (!isQueued(job, message)) {
        return Outcome.keep(Result.NOT_QUEUED);
      }
      return Outcome.write(job.withStatus(JobStatus.DISPATCHED, clock.instant()), Result.LAUNCHED);
    });
    if (claim != Result.LAUNCHED) {
      pool.release(slot.get());
      return claim;
    }
    String execution;
    try {
      execution = launcher.launch(List.of(message.jobId()), slot.get());
    } catch (CapacityExhaustedException e) {
      log.warn("no capacity for job {}: {}", message.jobId(), e.getMessage());
      requeue(message);
      pool.release(slot.get());
      return Result.NO_CAPACITY;
    } catch (RuntimeException e) {
      requeue(message);
      pool.release(slot.get());
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
    if (recorded.status() == JobStatus.DISPATCHED) {
      JobLatency.reached(recorded);
    }
    return Result.LAUNCHED;
  }

  private static boolean isQueued(Job job, JobSubmitted message) {
    return job.status() == JobStatus.QUEUED && job.attempt() == message.attempt();
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
