package dev.darkroom.core.usecase;

import dev.darkroom.core.event.EventDecision;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobEventRules;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.Ledger;
import dev.darkroom.core.port.NotificationPublisher;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a runner's event to the job: the state change on the live document (checked by
 * {@link JobEventRules} inside one transaction), then the ledger (not for progress, which the ledger
 * does not keep), then, for a terminal status, a notification. A redelivered copy of the last applied event re-runs the ledger and notification
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
  private final Clock clock;

  public ApplyJobEvent(
      JobStore jobs, Ledger ledger, NotificationPublisher notifications, Clock clock) {
    this.jobs = jobs;
    this.ledger = ledger;
    this.notifications = notifications;
    this.clock = clock;
  }

  public Result apply(JobEvent event) {
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
      return Result.UNKNOWN_JOB;
    }
    if (decision instanceof EventDecision.Stale stale) {
      log.info("event {} ignored: {}", event.eventId(), stale.reason());
      return Result.STALE;
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
    return decision instanceof EventDecision.Apply ? Result.APPLIED : Result.DUPLICATE;
  }

  private static Object[] newStripes(int count) {
    Object[] locks = new Object[count];
    for (int i = 0; i < count; i++) {
      locks[i] = new Object();
    }
    return locks;
  }

  /** One notification per job and terminal status: its id is the same on every redelivery. */
  static JobNotification notificationFor(Job job) {
    return new JobNotification(
        job.id() + "/" + job.attempt() + "/" + job.status().wireName(),
        job.id(), job.userId(), job.status().wireName(), job.updatedAt());
  }
}
