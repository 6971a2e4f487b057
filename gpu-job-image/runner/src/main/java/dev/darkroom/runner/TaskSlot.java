package dev.darkroom.runner;

import dev.darkroom.core.port.GpuPool;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This task's slot in the {@link GpuPool}, which dispatch reserved for it: renewed every
 * {@code renewEvery} for three times that, so a task that dies frees its slot within about three
 * heartbeats; marked idle while the task waits for work, so that dispatch leaves queued jobs to
 * it rather than launching; given back when the task exits, kept when it exits for a retry. A
 * task launched without a slot (by hand, or by an older dispatch) keeps {@link #NONE}. A failed renewal is logged and retried at
 * the next beat: the job the task runs matters more than the count.
 *
 * <p>Under the keep-warm policy each renewal also says which models the task has loaded
 * ({@link #loaded}), so that another idle task leaves a job of those models to this one
 * ({@code ModelAffinity}).
 */
class TaskSlot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskSlot.class);

  /** No slot: every call does nothing. */
  static final TaskSlot NONE = new TaskSlot();

  private final GpuPool pool;
  private final GpuPool.Lease lease;
  private final Clock clock;
  private final Duration leaseFor;
  private final ScheduledExecutorService beats;
  private boolean idle;
  private boolean closed;
  /** Said in each renewal; null: none (or not said, without the keep-warm policy). */
  private String loadedFingerprint;

  private TaskSlot() {
    this.pool = null;
    this.lease = null;
    this.clock = null;
    this.leaseFor = null;
    this.beats = null;
  }

  private TaskSlot(GpuPool pool, GpuPool.Lease lease, Clock clock, Duration renewEvery) {
    this.pool = pool;
    this.lease = lease;
    this.clock = clock;
    this.leaseFor = renewEvery.multipliedBy(3);
    this.beats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "gpu-slot");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Takes over {@code lease} at once (the task has started) and keeps renewing it. */
  static TaskSlot hold(GpuPool pool, GpuPool.Lease lease, Clock clock, Duration renewEvery) {
    TaskSlot slot = new TaskSlot(pool, lease, clock, renewEvery);
    slot.renew();
    slot.beats.scheduleWithFixedDelay(slot::renew, renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
    log.info("holding GPU slot {}", lease.slot());
    return slot;
  }

  /** The lease this task holds; null for {@link #NONE}. */
  GpuPool.Lease lease() {
    return lease;
  }

  /**
   * The task has loaded the models of {@code fingerprint} (its job's): the next renewals say so,
   * the first of them when the task next waits for work ({@link #idle}).
   */
  void loaded(String fingerprint) {
    synchronized (this) {
      loadedFingerprint = fingerprint;
    }
  }

  /** The task runs a job, or is about to stop looking for one: not counted as idle. */
  void busy() {
    mark(false);
  }

  /** The task waits for queued work: dispatch may leave jobs to it. */
  void idle() {
    mark(true);
  }

  private void mark(boolean nowIdle) {
    if (pool == null) {
      return;
    }
    synchronized (this) {
      if (closed || idle == nowIdle) {
        return;
      }
      idle = nowIdle;
    }
    renew();
  }

  private void renew() {
    boolean asIdle;
    String withLoaded;
    synchronized (this) {
      if (closed) {
        return;
      }
      asIdle = idle;
      withLoaded = loadedFingerprint;
    }
    try {
      if (!pool.renew(lease, asIdle, withLoaded, clock.instant().plus(leaseFor))) {
        log.warn("GPU slot {} is no longer this task's (its lease ran out); running on uncounted", lease.slot());
      }
    } catch (RuntimeException e) {
      log.warn("could not renew GPU slot {}: {}", lease.slot(), e.toString());
    }
  }

  /**
   * The task exits for Cloud Run to retry it: stops renewing and keeps the slot. The retried
   * attempt has the same lease in its environment and renews it at its start; if no attempt is
   * left, the lease runs out within three renewal periods.
   */
  void keepForRetry() {
    if (stopRenewing()) {
      log.info("keeping GPU slot {} for the task's retry", lease.slot());
    }
  }

  /**
   * Gives the slot back as the task exits ({@link GpuPool#leave}): the reconciler, which may still
   * list this execution as running for a moment, does not count it again.
   */
  @Override
  public void close() {
    if (!stopRenewing()) {
      return;
    }
    try {
      pool.leave(lease, clock.instant());
      log.info("gave back GPU slot {}", lease.slot());
    } catch (RuntimeException e) {
      log.warn("could not give back GPU slot {} (its lease runs out by itself): {}", lease.slot(), e.toString());
    }
  }

  /** Stops the renewals, once: false for {@link #NONE} and when they were stopped already. */
  private boolean stopRenewing() {
    if (pool == null) {
      return false;
    }
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
    }
    beats.shutdownNow();
    return true;
  }
}
