package dev.darkroom.core.usecase;

import dev.darkroom.core.job.PromptIds;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.Ledger;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * ComfyUI's two ways to stop work, on one user's jobs: {@code POST /queue {"delete"}} cancels a
 * pending job at once; {@code POST /interrupt} cancels a pending one too, but can only ask for a
 * running one to stop ({@link Job#cancelRequested}): the runner executing it owns the engine and
 * acts on the request (issue 6). Every status change goes through {@link JobStatus#canMoveTo} and
 * is recorded in the ledger; another user's job is left alone, as if it did not exist.
 */
public final class CancelJobs {
  /** Queued for dispatch or handed to a GPU execution that has not claimed it yet. */
  public static final Set<JobStatus> PENDING = EnumSet.of(JobStatus.QUEUED, JobStatus.DISPATCHED);
  /** A runner holds it ({@code LOST} is being retried, so it still counts as running). */
  public static final Set<JobStatus> RUNNING = EnumSet.of(JobStatus.RUNNING, JobStatus.LOST);

  public enum Result {
    CANCELLED,
    INTERRUPT_REQUESTED,
    UNCHANGED
  }

  private final JobStore jobs;
  private final Ledger ledger;
  private final Clock clock;

  public CancelJobs(JobStore jobs, Ledger ledger, Clock clock) {
    this.jobs = jobs;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** {@code POST /queue {"delete": [id]}}: only a pending job of this user is cancelled. */
  public Result cancelPending(String userId, String jobId) {
    return change(userId, jobId, false);
  }

  /** {@code POST /interrupt {"prompt_id"}}: a pending job is cancelled, a running one asked to stop. */
  public Result interrupt(String userId, String jobId) {
    return change(userId, jobId, true);
  }

  /** @param jobId the id the caller knows the job by ({@link PromptIds#storeIdsOf}), or its store id */
  private Result change(String userId, String jobId, boolean interruptRunning) {
    for (String stored : PromptIds.isValid(jobId) ? PromptIds.storeIdsOf(userId, jobId) : List.of(jobId)) {
      Optional<Result> result = changeOwn(userId, stored, interruptRunning);
      if (result.isPresent()) {
        return result.get();
      }
    }
    return Result.UNCHANGED;
  }

  /** Empty if the job stored as {@code storedId} is not {@code userId}'s (or does not exist). */
  private Optional<Result> changeOwn(String userId, String storedId, boolean interruptRunning) {
    Job[] written = new Job[1];
    Optional<Result> result = jobs.update(storedId, current -> {
      Optional<Job> own = current.filter(job -> job.userId().equals(userId));
      if (own.isEmpty()) {
        return Outcome.keep(Optional.<Result>empty());
      }
      Job job = own.get();
      if (PENDING.contains(job.status()) && job.status().canMoveTo(JobStatus.CANCELLED)) {
        // ComfyUI forgets a prompt deleted before it ran: it never reaches history. The job and
        // its ledger row stay; it is only hidden from the ComfyUI history view.
        written[0] = job.withStatus(JobStatus.CANCELLED, clock.instant()).hiddenFromHistory(clock.instant());
        return Outcome.write(written[0], Optional.of(Result.CANCELLED));
      }
      if (interruptRunning && RUNNING.contains(job.status()) && !job.cancelRequested()) {
        written[0] = job.withCancelRequested(clock.instant());
        return Outcome.write(written[0], Optional.of(Result.INTERRUPT_REQUESTED));
      }
      return Outcome.keep(Optional.of(Result.UNCHANGED));
    });
    if (result.equals(Optional.of(Result.CANCELLED))) {
      ledger.record(written[0]);
    }
    return result;
  }
}
