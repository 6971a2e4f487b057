package dev.darkroom.core.usecase;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.limits.GpuQuota;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.Ledger;
import dev.darkroom.core.warm.WarmTarget;
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
 *   <li>A job whose user has used their tier's monthly GPU time ({@link GpuQuota}) fails with
 *       {@code gpu_quota_exceeded}, through job-events like every end, and nothing is launched:
 *       the submit check alone lets through every prompt sent before the first of them is billed.
 *       It fails rather than waits: it could only run next month, and its client hears now (the
 *       error shows in {@code /history} and {@code /ws} as an execution error). When the ledger
 *       cannot be read the check lets the job through, as submit's does, and logs it.
 *   <li>If tasks sit idle waiting for work and they are at least as many as the queued jobs, nothing
 *       is launched: an idle task claims the job at its next look, within seconds, with the
 *       engine already warm. A cold start would cost more and finish later.
 *   <li>Otherwise a slot is reserved. With none free the job stays queued: every running task
 *       drains the queue before it exits (see the runner), and the reconciler re-publishes
 *       queued jobs as slots free. A job whose user already runs as many jobs as their tier
 *       allows stays queued too ({@link FairShare}); a task finishing one of them takes it.
 *   <li>Under the keep-warm policy ({@link WarmTarget}), a job younger than
 *       {@link #WARM_TAKE_WITHIN} also stays queued when the pool already holds the tasks the
 *       policy wants and they, busy or idle, are at least as many as the queued jobs: a warm task
 *       takes it when it finishes its job (warm tasks look every half second), where a launch
 *       would bill a whole cold start for a prompt served a few seconds later. Its message is
 *       delivered again ({@link LeftForWarmTasksException}); a job still queued then and older
 *       than the bound is launched.
 *   <li>The job is claimed (queued → dispatched) before anything is launched, by the transaction
 *       that read it for the steps above, so a duplicated or redelivered message never launches twice; the execution is launched
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
  /**
   * Submit publishes a new job's message while it creates the job ({@link SubmitPrompt}), so the
   * message can arrive first. Dispatch reads such a job again after these waits (2 s in all: a
   * create takes milliseconds, its slow tail a second), before it lets Pub/Sub redeliver.
   */
  static final List<Duration> NOT_STORED_YET_WAITS =
      List.of(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMillis(750), Duration.ofSeconds(1));
  /**
   * A message younger than this whose job is not stored is redelivered rather than dropped: its
   * create may still land. An older one names a create that failed (its submitter got an error).
   * Dropping one whose job did land loses nothing: the reconciler republishes a queued job that
   * no message moved.
   */
  public static final Duration NOT_STORED_YET_GRACE = Duration.ofMinutes(2);
  /**
   * How long after its submission a job may be left to busy warm tasks rather than launched for:
   * about a cold start (40 s in the dispatch simulation, under a minute in the cloud), so that
   * past it a launch is no slower than waiting on. Its message is delivered again after Pub/Sub's
   * backoff (the job-submitted subscription's minimum is 10 s, doubling: terraform/scripts/
   * attach-dead-letters.sh), and the first delivery past the bound launches a job still queued.
   * So the worst extra wait is this bound plus one backoff: deliveries about 0, 10 and 30 s after
   * the first, launched at about 30 s after submission, under 50 s if the first delivery came late.
   * Those deliveries are at most two (three with a flat 10 s backoff) of the five before the
   * message is dead-lettered, leaving the others to launch retries.
   */
  public static final Duration WARM_TAKE_WITHIN = Duration.ofSeconds(30);

  public enum Result {
    /** An execution was started for the job. */
    LAUNCHED,
    /** The job was no longer queued on this attempt: someone else took it, or it ended. */
    NOT_QUEUED,
    /** No job with that id: the message can never succeed. */
    UNKNOWN_JOB,
    /** Idle tasks can take every queued job: the job stays queued for them. */
    LEFT_FOR_IDLE_TASK,
    /**
     * The pool holds the tasks the keep-warm policy wants, at least as many as the queued jobs, and
     * the job is younger than {@link #WARM_TAKE_WITHIN}: it stays queued for a warm task finishing
     * its job. Its message is to be delivered again ({@link LeftForWarmTasksException}).
     */
    LEFT_FOR_WARM_TASKS,
    /** The pool is full or the platform refused for lack of capacity: the job stays queued. */
    NO_CAPACITY,
    /** Its user has used their tier's GPU time for the month: the job is failed ({@link GpuQuota}). */
    OVER_QUOTA,
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
  private final GpuQuota quota;
  private final FailureVerdict verdict;
  private final Ledger ledger;
  private final Clock clock;
  private final Pause pause;
  private final WarmTarget warmTarget;

  /** Waits between reads of a job not stored yet; tests replace the sleep. */
  @FunctionalInterface
  interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  private static final Pause SLEEP = duration -> Thread.sleep(duration.toMillis());

  /** Without a GPU quota: what the simulation and single-user stacks use. */
  public DispatchJobs(JobStore jobs, JobLauncher launcher, GpuPool pool, FairShare.Limits limits, Ledger ledger,
      Clock clock) {
    this(jobs, launcher, pool, limits, ledger, clock, SLEEP);
  }

  DispatchJobs(JobStore jobs, JobLauncher launcher, GpuPool pool, FairShare.Limits limits, Ledger ledger,
      Clock clock, Pause pause) {
    this(jobs, launcher, pool, limits, GpuQuota.none(), NO_VERDICT, ledger, clock, pause, WarmTarget.NONE);
  }

  /** Without a GPU quota, counting on the warm tasks {@code warmTarget} keeps up: the simulation's. */
  public DispatchJobs(JobStore jobs, JobLauncher launcher, GpuPool pool, FairShare.Limits limits, Ledger ledger,
      Clock clock, WarmTarget warmTarget) {
    this(jobs, launcher, pool, limits, GpuQuota.none(), NO_VERDICT, ledger, clock, SLEEP, warmTarget);
  }

  private static final JobEventPublisher NO_VERDICT = event -> {
    throw new IllegalStateException("no quota, no verdict: " + event);
  };

  /**
   * @param quota the users' monthly GPU time, checked before a slot is reserved
   * @param events where a job refused for its user's quota is failed (job-events)
   */
  public DispatchJobs(JobStore jobs, JobLauncher launcher, GpuPool pool, FairShare.Limits limits, GpuQuota quota,
      JobEventPublisher events, Ledger ledger, Clock clock) {
    this(jobs, launcher, pool, limits, quota, events, ledger, clock, WarmTarget.NONE);
  }

  /**
   * @param warmTarget how many tasks the keep-warm policy keeps up ({@code KeepWarm.target()}), so
   *     that a job they will take is not launched for; {@link WarmTarget#NONE} without the policy
   */
  public DispatchJobs(JobStore jobs, JobLauncher launcher, GpuPool pool, FairShare.Limits limits, GpuQuota quota,
      JobEventPublisher events, Ledger ledger, Clock clock, WarmTarget warmTarget) {
    this(jobs, launcher, pool, limits, quota, events, ledger, clock, SLEEP, warmTarget);
  }

  private DispatchJobs(JobStore jobs, JobLauncher launcher, GpuPool pool, FairShare.Limits limits, GpuQuota quota,
      JobEventPublisher events, Ledger ledger, Clock clock, Pause pause, WarmTarget warmTarget) {
    this.pause = pause;
    this.warmTarget = warmTarget;
    this.jobs = jobs;
    this.launcher = launcher;
    this.pool = pool;
    this.fairShare = new FairShare(jobs, limits);
    this.quota = quota;
    this.verdict = new FailureVerdict(events, clock, "dispatch");
    this.ledger = ledger;
    this.clock = clock;
  }

  /**
   * Dispatches the job of a message published at {@code publishedAt}, waiting for a job that is not
   * stored yet ({@link #NOT_STORED_YET_WAITS}). Throws {@link JobNotStoredYetException} if it is
   * still missing while the message is younger than {@link #NOT_STORED_YET_GRACE}, so that Pub/Sub
   * redelivers; an older message of an unknown job is {@link Result#UNKNOWN_JOB}. Throws
   * {@link LeftForWarmTasksException} for a job left to warm tasks, so that Pub/Sub delivers it
   * again after its backoff, when a job still queued past {@link #WARM_TAKE_WITHIN} is launched
   * and one a warm task took is {@link Result#NOT_QUEUED}.
   */
  public Result dispatch(JobSubmitted message, Instant publishedAt) {
    Result result = dispatchStored(message, publishedAt);
    if (result == Result.LEFT_FOR_WARM_TASKS) {
      throw new LeftForWarmTasksException(message);
    }
    return result;
  }

  private Result dispatchStored(JobSubmitted message, Instant publishedAt) {
    Result result = dispatch(message);
    for (Duration wait : NOT_STORED_YET_WAITS) {
      if (result != Result.UNKNOWN_JOB || !young(publishedAt)) {
        return result;
      }
      try {
        pause.pause(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JobNotStoredYetException(message, e);
      }
      result = dispatch(message);
    }
    if (result == Result.UNKNOWN_JOB && young(publishedAt)) {
      throw new JobNotStoredYetException(message, null);
    }
    return result;
  }

  private boolean young(Instant publishedAt) {
    return publishedAt != null && clock.instant().isBefore(publishedAt.plus(NOT_STORED_YET_GRACE));
  }

  /** A young message whose job is not stored yet: the message is to be delivered again. */
  public static final class JobNotStoredYetException extends RuntimeException {
    JobNotStoredYetException(JobSubmitted message, Throwable cause) {
      super("job " + message.jobId() + " is not stored yet; its message is to be delivered again", cause);
    }
  }

  /**
   * A job left to warm tasks ({@link Result#LEFT_FOR_WARM_TASKS}): its message is to be delivered
   * again, a delayed second look, so that a job no warm task took in time is launched rather than
   * left to the reconciler's republishing minutes later.
   */
  public static final class LeftForWarmTasksException extends RuntimeException {
    LeftForWarmTasksException(JobSubmitted message) {
      super("job " + message.jobId() + " stays queued for warm tasks; its message is to be delivered again, and"
          + " launches if the job is still queued " + WARM_TAKE_WITHIN.toSeconds() + " s after its submission");
    }
  }

  /**
   * Dispatches the job. Throws when the launch failed for a reason that may pass (the job is
   * queued again first), so that the message is redelivered and the launch retried.
   *
   * <p>The job is read once before the launch, by the transaction that claims it; the slots once,
   * by the reservation, which is decided on that same read ({@link Claim}).
   */
  public Result dispatch(JobSubmitted message) {
    Claim claim = new Claim(message, clock.instant());
    Result claimed;
    try {
      claimed = jobs.update(message.jobId(), claim);
    } catch (RuntimeException e) {
      claim.releaseSlot();
      throw e;
    }
    if (claimed == Result.OVER_QUOTA) {
      GpuQuota.Exceeded exceeded = claim.overQuota.orElseThrow();
      verdict.fail(claim.refused, JobError.of("gpu_quota_exceeded", exceeded.message()));
      return claimed;
    }
    if (claimed != Result.LAUNCHED) {
      claim.releaseSlot();
      return claimed;
    }
    GpuPool.Lease slot = claim.slot.orElseThrow();
    String execution;
    try {
      execution = launcher.launch(List.of(message.jobId()), slot);
    } catch (CapacityExhaustedException e) {
      log.warn("no capacity for job {}: {}", message.jobId(), e.getMessage());
      requeue(message);
      pool.release(slot);
      return Result.NO_CAPACITY;
    } catch (RuntimeException e) {
      requeue(message);
      pool.release(slot);
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

  /**
   * The claim, decided inside the job's transaction on the job it read: a job no longer queued is
   * left alone; otherwise a slot is reserved, the reservation deciding on the slots it read whether
   * a launch is worth it ({@link #refusal}); with a slot the job moves to dispatched.
   *
   * <p>The transaction may run the decision again (it retries under contention), so the slot is
   * reserved at most once per dispatch and its lease kept for the retry; whatever the final
   * decision, {@link #dispatch} releases a slot that ends up not launched.
   */
  private final class Claim implements JobChange<Result> {
    private final JobSubmitted message;
    private final Instant now;
    /** Null until the reservation was tried. */
    private Optional<GpuPool.Lease> slot;
    /** Why the reservation was not wanted, or null. */
    private Result refusal;
    /** Null until the quota was read. */
    private Optional<GpuQuota.Exceeded> overQuota;
    /** The job as read when it was refused for its quota. */
    private Job refused;

    Claim(JobSubmitted message, Instant now) {
      this.message = message;
      this.now = now;
    }

    @Override
    public Outcome<Result> decide(Optional<Job> current) {
      if (current.isEmpty()) {
        return Outcome.keep(Result.UNKNOWN_JOB);
      }
      Job job = current.get();
      if (!isQueued(job, message)) {
        return Outcome.keep(Result.NOT_QUEUED);
      }
      if (overQuota == null) {
        overQuota = overQuota(job);
      }
      if (overQuota.isPresent()) {
        refused = job;
        return Outcome.keep(Result.OVER_QUOTA);
      }
      if (slot == null) {
        slot = pool.reserve(now, now.plus(START_LEASE), usage -> (refusal = refusal(job, usage, now)) == null);
      }
      if (slot.isEmpty()) {
        if (refusal == null) {
          log.info("job {}: all {} GPU slots held; it stays queued for a draining task", job.id(), pool.cap());
        }
        return Outcome.keep(refusal == null ? Result.NO_CAPACITY : refusal);
      }
      return Outcome.write(job.withStatus(JobStatus.DISPATCHED, clock.instant()), Result.LAUNCHED);
    }

    void releaseSlot() {
      if (slot != null) {
        slot.ifPresent(pool::release);
      }
    }
  }

  /** The user's month is used up; a ledger that cannot be read lets the job through. */
  private Optional<GpuQuota.Exceeded> overQuota(Job job) {
    try {
      Optional<GpuQuota.Exceeded> exceeded = quota.exceeded(job.userId(), job.tier());
      exceeded.ifPresent(e -> log.info("job {}: user {} is over their GPU quota: {}", job.id(), job.userId(), e.message()));
      return exceeded;
    } catch (RuntimeException e) {
      log.warn("job {}: GPU quota of user {} not checked, the ledger is unreachable: {}", job.id(), job.userId(),
          e.toString());
      return Optional.empty();
    }
  }

  /** Why a launch is not worth a slot given the pool's {@code usage}, or null if it is. Cheapest look first. */
  private Result refusal(Job job, GpuPool.Usage usage, Instant now) {
    // One read of the queue serves both checks that need it: as far as the idle tasks without the
    // policy (today's read), as far as all the tasks up with it.
    QueueLength queue = new QueueLength(warmTarget == WarmTarget.NONE ? usage.idle() : usage.held());
    if (usage.idle() > 0 && queue.atMost(usage.idle())) {
      log.info("job {}: {} idle task(s) can take the queue; nothing launched", job.id(), usage.idle());
      return Result.LEFT_FOR_IDLE_TASK;
    }
    // Under a burst most messages end here, at a full pool.
    if (usage.free() == 0) {
      log.info("job {}: all {} GPU slots held; it stays queued for a draining task", job.id(), usage.cap());
      return Result.NO_CAPACITY;
    }
    if (fairShare.atLimit(job)) {
      log.info("job {}: user {} has as many jobs running as tier {} allows; it stays queued", job.id(),
          job.userId(), job.tier());
      return Result.USER_AT_LIMIT;
    }
    if (leftForWarmTasks(job, usage, now, queue)) {
      return Result.LEFT_FOR_WARM_TASKS;
    }
    return null;
  }

  /**
   * Whether warm tasks will take the job soon enough: it is younger than {@link #WARM_TAKE_WITHIN},
   * the pool holds at least the tasks the policy wants (a launch would add one beyond them), and
   * those tasks, busy or idle, are at least as many as the queued jobs (each takes one as it
   * finishes). Without the policy ({@link WarmTarget#NONE}) nothing is read.
   */
  private boolean leftForWarmTasks(Job job, GpuPool.Usage usage, Instant now, QueueLength queue) {
    if (job.createdAt() == null || !now.isBefore(job.createdAt().plus(WARM_TAKE_WITHIN)) || usage.held() == 0) {
      return false;
    }
    int wanted = warmTarget.wanted(now, usage);
    if (wanted <= 0 || usage.held() < wanted || !queue.atMost(usage.held())) {
      return false;
    }
    log.info("job {}: {} task(s) up, the keep-warm policy wants {}, and they can take the queue: left for them,"
        + " looked at again after Pub/Sub's backoff, launched if still queued {} s after submission", job.id(),
        usage.held(), wanted, WARM_TAKE_WITHIN.toSeconds());
    return true;
  }

  /**
   * How many jobs are queued, as far as {@code readUpTo}: one read of up to {@code readUpTo + 1}
   * queued jobs, made at the first question, answers {@link #atMost} for every n up to it.
   */
  private final class QueueLength {
    private final int readUpTo;
    private List<Job> read;

    QueueLength(int readUpTo) {
      this.readUpTo = readUpTo;
    }

    boolean atMost(int n) {
      if (n > readUpTo) {
        throw new IllegalArgumentException("the queue is read up to " + readUpTo + " jobs, not " + n);
      }
      if (read == null) {
        read = jobs.queued(readUpTo + 1);
      }
      return read.size() <= n;
    }
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
