package dev.darkroom.core.usecase;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobStore;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a message that Pub/Sub dead-lettered after its function failed on every delivery, so
 * that the job it was about ends with a reason instead of waiting for a sweep that may never end
 * it. Nothing here writes a job: an end is a {@link FailureVerdict} on job-events (the one path
 * that writes terminal states, ledger rows and notifications), or the dead event itself applied
 * through {@link ApplyJobEvent}, that same path. Both are idempotent: a second copy of a dead
 * letter finds the job ended and does nothing, and a verdict that races another is a duplicate
 * under {@link dev.darkroom.core.event.JobEventRules} (same attempt, same sequence, same status).
 *
 * <ul>
 *   <li><b>{@link JobSubmitted}</b>: dispatch threw on every delivery (launches kept failing). If
 *       the job is still waiting for that launch on the message's attempt (queued, or dispatched
 *       with no execution recorded), it fails with {@code dispatch_failed}. A job that moved on
 *       (claimed, running, ended, another attempt, an execution recorded) is left alone: someone
 *       else has it.
 *   <li><b>{@link JobEvent}, terminal</b>: job-events threw on every delivery (its stores were down,
 *       typically). The event is applied once more through {@link ApplyJobEvent}: the runner's own
 *       outcome is the best end the job can have. If that still throws, this throws and the dead
 *       letter is retried. If the rules refuse it (stale), the job is looked at again: ended,
 *       another attempt or running means someone else ends it (a running job's runner, or the
 *       reconciler's heartbeat sweep once that runner is gone; the rules refuse a verdict against a
 *       running job anyway). Otherwise (queued, dispatched or lost on the event's attempt) the
 *       attempt's runner has reported its end, which cannot be recorded, and nothing else would
 *       end it without running the job again: it fails with {@code event_undeliverable}.
 *   <li><b>{@link JobEvent}, not terminal</b> (started, progress, output): dropped. Applying a
 *       stale progress report now could only move a job backwards or say nothing new, a terminal
 *       event carries every output, and a job whose runner is gone is the reconciler's to find.
 * </ul>
 */
public final class SettleDeadLetters {
  private static final Logger log = LoggerFactory.getLogger(SettleDeadLetters.class);

  public enum Result {
    /** A verdict ({@code dispatch_failed} or {@code event_undeliverable}) was published. */
    FAILED,
    /** The dead terminal event was applied (or found applied) this time. */
    REPLAYED,
    /** The job moved on or ended: nothing to do. */
    MOVED_ON,
    /** A started or progress event: dropped. */
    DROPPED,
    UNKNOWN_JOB,
    /** No job id: can never be settled. */
    MALFORMED
  }

  private final JobStore jobs;
  private final ApplyJobEvent apply;
  private final FailureVerdict verdict;

  /**
   * @param apply the use case job-events runs, so that a replayed event takes the one path
   * @param events where verdicts go: the job-events topic
   */
  public SettleDeadLetters(JobStore jobs, ApplyJobEvent apply, JobEventPublisher events, Clock clock) {
    this.jobs = jobs;
    this.apply = apply;
    this.verdict = new FailureVerdict(events, clock, "the dead-letter settler");
  }

  /** @param deliveries how many deliveries failed (Pub/Sub's count), or 0 if unknown */
  public Result settle(JobSubmitted message, int deliveries) {
    if (isBlank(message.jobId())) {
      return malformed("job-submitted dead letter");
    }
    Optional<Job> found = jobs.get(message.jobId());
    if (found.isEmpty()) {
      log.warn("dead-lettered job-submitted message for unknown job {}", message.jobId());
      return Result.UNKNOWN_JOB;
    }
    Job job = found.get();
    boolean waitingForLaunch = job.status() == JobStatus.QUEUED
        || job.status() == JobStatus.DISPATCHED && job.executionName() == null;
    if (job.attempt() != message.attempt() || !waitingForLaunch) {
      log.info("dead-lettered job-submitted message of job {} (attempt {}): moved on, {} on attempt {}",
          job.id(), message.attempt(), job.status().wireName(), job.attempt());
      return Result.MOVED_ON;
    }
    verdict.fail(job, JobError.of("dispatch_failed",
        "dispatch failed on " + deliveries(deliveries) + " of its job-submitted message: no GPU job was launched"));
    return Result.FAILED;
  }

  /** @param deliveries how many deliveries failed (Pub/Sub's count), or 0 if unknown */
  public Result settle(JobEvent event, int deliveries) {
    if (isBlank(event.jobId())) {
      return malformed("job-events dead letter");
    }
    JobStatus reported = event.targetStatus();
    if (!reported.isTerminal()) {
      log.info("dead-lettered event {} ({}) dropped: not an end, and too late to matter", event.eventId(),
          reported.wireName());
      return Result.DROPPED;
    }
    ApplyJobEvent.Result replay = apply.apply(event);
    if (replay == ApplyJobEvent.Result.APPLIED || replay == ApplyJobEvent.Result.DUPLICATE) {
      log.info("dead-lettered event {} applied on replay: job {} {}", event.eventId(), event.jobId(), reported.wireName());
      return Result.REPLAYED;
    }
    Optional<Job> found = jobs.get(event.jobId());
    if (replay == ApplyJobEvent.Result.UNKNOWN_JOB || found.isEmpty()) {
      return Result.UNKNOWN_JOB;
    }
    Job job = found.get();
    if (job.status().isTerminal() || job.status() == JobStatus.RUNNING || job.attempt() != event.attempt()) {
      log.info("dead-lettered event {}: job {} moved on, {} on attempt {}", event.eventId(), job.id(),
          job.status().wireName(), job.attempt());
      return Result.MOVED_ON;
    }
    verdict.fail(job, JobError.of("event_undeliverable", "the runner reported " + reported.wireName()
        + " (event " + event.eventId() + "), but job-events failed on " + deliveries(deliveries)
        + " and the job, " + job.status().wireName() + ", can no longer take it"));
    return Result.FAILED;
  }

  private static String deliveries(int count) {
    return count > 0 ? "all " + count + " deliveries" : "every delivery";
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static Result malformed(String what) {
    log.warn("acknowledging malformed {}: no job id", what);
    return Result.MALFORMED;
  }
}
