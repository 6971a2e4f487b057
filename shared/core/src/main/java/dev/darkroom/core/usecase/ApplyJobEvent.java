package dev.darkroom.core.usecase;

import dev.darkroom.core.event.EventDecision;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobEventRules;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.limits.GpuQuota;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.Ledger;
import dev.darkroom.core.port.NotificationPublisher;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a runner's event to the job: the state change on the live document (checked by
 * {@link JobEventRules} inside one transaction), then the ledger (not for progress, which the ledger
 * does not keep), then, for a terminal status, a notification; an end that used up its user's
 * monthly GPU time fails their queued jobs ({@link #failQueuedPastQuota}). A redelivered copy of the last applied event re-runs the ledger and notification
 * steps, because the first delivery may have crashed between them; both are idempotent.
 */
public final class ApplyJobEvent {
  private static final Logger log = LoggerFactory.getLogger(ApplyJobEvent.class);

  public enum Result {
    APPLIED,
    DUPLICATE,
    STALE,
    UNKNOWN_JOB
  }

  private final JobStore jobs;
  private final Ledger ledger;
  private final Object[] stripes = newStripes(64);
  private final NotificationPublisher notifications;
  private final GpuQuota quota;
  private final Clock clock;

  /** Without a GPU quota: no user's queued jobs are failed for it. */
  public ApplyJobEvent(
      JobStore jobs, Ledger ledger, NotificationPublisher notifications, Clock clock) {
    this(jobs, ledger, notifications, GpuQuota.none(), clock);
  }

  /** @param quota the users' monthly GPU time, read after an end is billed */
  public ApplyJobEvent(
      JobStore jobs, Ledger ledger, NotificationPublisher notifications, GpuQuota quota, Clock clock) {
    this.jobs = jobs;
    this.ledger = ledger;
    this.notifications = notifications;
    this.quota = quota;
    this.clock = clock;
  }

  public Result apply(JobEvent event) {
    Applied applied = applyOne(event);
    if (applied.job() != null && applied.job().status().isTerminal() && applied.job().billedGpuSeconds() > 0) {
      failQueuedPastQuota(applied.job());
    }
    return applied.result();
  }

  /** What applying one event did, and the job as it now stands (null when unknown or stale). */
  private record Applied(Result result, Job job) {}

  private Applied applyOne(JobEvent event) {
    EventDecision decision;
    JobStatus[] before = new JobStatus[1];
    // One job's events arrive in bursts (a node starts, a step, an output, the end) and all change
    // one document: taken one at a time within this instance, their transactions do not contend.
    synchronized (stripes[Math.floorMod(event.jobId().hashCode(), stripes.length)]) {
      decision = jobs.update(event.jobId(), current -> {
        if (current.isEmpty()) {
          return Outcome.keep(null);
        }
        before[0] = current.get().status();
        EventDecision d = JobEventRules.decide(current.get(), event, clock.instant());
        return d instanceof EventDecision.Apply apply ? Outcome.write(apply.next(), d) : Outcome.keep(d);
      });
    }
    if (decision == null) {
      log.warn("event {} for unknown job {}", event.eventId(), event.jobId());
      return new Applied(Result.UNKNOWN_JOB, null);
    }
    if (decision instanceof EventDecision.Stale stale) {
      log.info("event {} ignored: {}", event.eventId(), stale.reason());
      return new Applied(Result.STALE, null);
    }
    Job job = decision instanceof EventDecision.Apply apply
        ? apply.next()
        : ((EventDecision.Duplicate) decision).current();
    // Progress is not ledger data (status, outputs, GPU-seconds are), and it is most of the events:
    // the row follows from the job's other events.
    if (decision instanceof EventDecision.Apply && job.status() != before[0]) {
      JobLatency.reached(job);
    }
    if (!(event instanceof JobEvent.Progressed)) {
      ledger.record(job);
    }
    if (job.status().isTerminal()) {
      notifications.publish(notificationFor(job));
    }
    return new Applied(decision instanceof EventDecision.Apply ? Result.APPLIED : Result.DUPLICATE, job);
  }

  /**
   * A job's end was billed: if that used up its user's month ({@link GpuQuota}), their jobs still
   * queued fail now ({@code gpu_quota_exceeded}), each as the reconciler's verdict would (a runner
   * that claimed one meanwhile wins), so that no draining task claims them: runners cannot read the
   * ledger. Dispatch checks the jobs submitted after this. A redelivered end runs this again;
   * a ledger that cannot be read skips it (logged), as dispatch's check does.
   */
  private void failQueuedPastQuota(Job ended) {
    Optional<GpuQuota.Exceeded> exceeded;
    try {
      exceeded = quota.exceeded(ended.userId(), ended.tier());
    } catch (RuntimeException e) {
      log.warn("GPU quota of user {} not checked after job {}, the ledger is unreachable: {}", ended.userId(),
          ended.id(), e.toString());
      return;
    }
    if (exceeded.isEmpty()) {
      return;
    }
    JobError error = JobError.of("gpu_quota_exceeded", exceeded.get().message());
    List<Job> queued;
    int rounds = 0;
    do {
      queued = jobs.listForUser(ended.userId(), EnumSet.of(JobStatus.QUEUED), QUOTA_BATCH);
      for (Job job : queued) {
        log.info("job {}: user {} is over their GPU quota; failed while queued", job.id(), job.userId());
        applyOne(new JobEvent.Failed(job.id(), job.attempt(), JobEvent.RECONCILER_SEQUENCE, clock.instant(), error,
            job.gpuSeconds()));
      }
    } while (queued.size() == QUOTA_BATCH && ++rounds < QUOTA_ROUNDS);
  }

  /** Queued jobs of an over-quota user read at once, and how many such reads one end makes at most. */
  private static final int QUOTA_BATCH = 100;
  private static final int QUOTA_ROUNDS = 10;

  private static Object[] newStripes(int count) {
    Object[] locks = new Object[count];
    for (int i = 0; i < count; i++) {
      locks[i] = new Object();
    }
    return locks;
  }

  /**
   * One notification per job and terminal status: its id is the same on every redelivery. It
   * names the job by the id its owner knows ({@link Job#promptId}).
   */
  static JobNotification notificationFor(Job job) {
    return new JobNotification(
        job.id() + "/" + job.attempt() + "/" + job.status().wireName(),
        job.promptId(), job.userId(), job.status().wireName(), job.updatedAt());
  }
}
