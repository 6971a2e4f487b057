package dev.darkroom.runner;

import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.core.warm.TypicalJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A draining task's waits under the {@link KeepWarm} policy: whether to wait on (asked again every
 * {@link KeepWarm#DECIDE_EVERY}, the last answer kept in between), and the idle time it spends,
 * counted against the day's budget as it goes. Each new answer is logged with its reason and the
 * budget ({@code warmDecision}, {@code warmWanted}, {@code idleSecondsToday}, {@code idleBudgetSeconds}),
 * and each idle stretch counted with {@code idleSeconds}: Terraform's log metrics read them.
 * A signal that cannot be read counts as a reason to leave: a task that cannot tell should not
 * spend GPU time on a guess.
 */
final class WarmWait {
  private static final Logger log = LoggerFactory.getLogger(WarmWait.class);

  private final KeepWarm policy;
  private final GpuPool pool;
  private final JobStore jobs;
  private final Clock clock;
  private final TypicalJob typicalJob = new TypicalJob();
  private KeepWarm.Decision decision;
  private Instant decidedAt;
  /** Idle time up to here is counted; null while the task is not waiting. */
  private Instant countedUntil;

  /**
   * @param pool the GPU pool read for its usage; with none (a task launched without a slot) the
   *     task counts itself as the only one
   */
  WarmWait(KeepWarm policy, GpuPool pool, JobStore jobs, Clock clock) {
    this.policy = policy;
    this.pool = pool;
    this.jobs = jobs;
    this.clock = clock;
  }

  /** The GPU pool this task reads (all its slots), or null for a task launched without a slot. */
  GpuPool pool() {
    return pool;
  }

  /** A job held the task for {@code took}: it sizes the load arrivals put on warm tasks. */
  void ran(Duration took) {
    typicalJob.ran(took);
  }

  /** The task has nothing to run since {@code idleSince}: true if it waits on, false if it leaves. */
  boolean staysWaiting(Instant idleSince) {
    Instant now = clock.instant();
    if (countedUntil == null) {
      countedUntil = idleSince;
    }
    if (decision == null || !now.isBefore(decidedAt.plus(KeepWarm.DECIDE_EVERY))) {
      count(now, true);
      KeepWarm.Decision previous = decision;
      decision = decide(now, Duration.between(idleSince, now));
      decidedAt = now;
      if (previous == null || previous.stay() != decision.stay() || previous.reason() != decision.reason()
          || previous.warmWanted() != decision.warmWanted()) {
        log.atInfo().addKeyValue("warmDecision", decision.reason().label())
            .addKeyValue("warmWanted", decision.warmWanted())
            .addKeyValue("idleSecondsToday", Math.round(decision.idleSpentToday()))
            .addKeyValue("idleBudgetSeconds", Math.round(decision.idleBudget()))
            .log("keep-warm: {} ({}; {} task(s) wanted warm; {} of {} idle GPU-seconds spent today)",
                decision.stay() ? "waiting on" : "leaving", decision.reason().label(), decision.warmWanted(),
                Math.round(decision.idleSpentToday()), Math.round(decision.idleBudget()));
      }
    }
    return decision.stay();
  }

  /** The task stopped waiting (it claimed a job, or it leaves): its idle time so far is counted. */
  void stoppedWaiting() {
    if (countedUntil != null) {
      count(clock.instant(), false);
    }
    decision = null;
  }

  private KeepWarm.Decision decide(Instant now, Duration idleFor) {
    try {
      GpuPool.Usage usage = pool != null ? pool.usage(now) : new GpuPool.Usage(1, 1, 1);
      return policy.decide(new KeepWarm.Situation(now, idleFor, usage, jobs.count(JobStatus.QUEUED),
          typicalJob.mean()));
    } catch (RuntimeException e) {
      log.warn("keep-warm: could not read what the policy needs ({}); leaving", e.toString());
      return new KeepWarm.Decision(false, KeepWarm.Reason.NOT_NEEDED, 0, 0, 0, policy.settings().idleBudgetSecondsPerDay());
    }
  }

  private void count(Instant now, boolean stillWaiting) {
    Duration idle = Duration.between(countedUntil, now);
    countedUntil = stillWaiting ? now : null;
    if (idle.isNegative() || idle.isZero()) {
      return;
    }
    log.atInfo().addKeyValue("idleSeconds", idle.toMillis() / 1000.0).log("idle for {} s", idle.toMillis() / 1000.0);
    try {
      policy.spentIdle(now, idle);
    } catch (RuntimeException e) {
      log.warn("keep-warm: could not count {} idle seconds against the budget: {}", idle.toMillis() / 1000.0,
          e.toString());
    }
  }
}
