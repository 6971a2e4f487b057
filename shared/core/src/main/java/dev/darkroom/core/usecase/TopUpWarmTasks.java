package dev.darkroom.core.usecase;

import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.warm.WarmTarget;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's top-up of the warm set, each tick: while nothing is queued and the GPU pool
 * holds fewer tasks than the keep-warm policy wants up ({@link WarmTarget}), it launches executions
 * with no job, one per missing task, each holding a slot it reserved as dispatch does. Such a task
 * starts its engine and waits for work under the policy (the runner's drain), so the next prompt
 * finds it warm instead of paying a cold start.
 *
 * <p>Queued work comes first: with a job queued, dispatch and the reconciler's re-publishing launch
 * for it, and a jobless launch would only take a slot from it. Each slot is reserved on the pool's
 * own read ({@link GpuPool#reserve(Instant, Instant, java.util.function.Predicate)}) while that read
 * holds fewer than wanted, and the pool is read again once it is taken: a read made before a
 * concurrent tick took its slot (Firestore's pool reads, then takes) would let both launch, so a
 * slot beyond the wanted count is given back before anything is launched. A duplicated or
 * concurrent tick never launches beyond the wanted count, nor beyond the cap (KeepWarmIT saw two
 * ticks launch two tasks for one before this).
 */
public final class TopUpWarmTasks {
  private static final Logger log = LoggerFactory.getLogger(TopUpWarmTasks.class);

  private final WarmTarget target;
  private final GpuPool pool;
  private final JobStore jobs;
  private final JobLauncher launcher;
  private final Clock clock;

  public TopUpWarmTasks(WarmTarget target, GpuPool pool, JobStore jobs, JobLauncher launcher, Clock clock) {
    this.target = target;
    this.pool = pool;
    this.jobs = jobs;
    this.launcher = launcher;
    this.clock = clock;
  }

  /**
   * Launches the missing warm tasks. A failed launch gives its slot back and is logged; the next
   * tick tries again. Throws only if the pool or the jobs cannot be read.
   *
   * @return how many executions were launched
   */
  public int topUp() {
    if (target == WarmTarget.NONE) {
      return 0;
    }
    Instant now = clock.instant();
    if (!jobs.queued(1).isEmpty()) {
      return 0;
    }
    GpuPool.Usage usage = pool.usage(now);
    int wanted = Math.min(target.wanted(now, usage), usage.cap());
    int missing = wanted - usage.held();
    if (missing <= 0) {
      return 0;
    }
    log.info("warm top-up: launching {} task(s) ({} wanted, {} held)", missing, wanted, usage.held());
    int launched = 0;
    for (int i = 0; i < missing; i++) {
      Optional<GpuPool.Lease> slot =
          pool.reserve(now, now.plus(DispatchJobs.START_LEASE), held -> held.held() < wanted);
      if (slot.isEmpty()) {
        log.info("warm top-up: the pool holds {} wanted task(s) already (another launch took the slot)", wanted);
        break;
      }
      // The pool may test the count on a read made before another tick took its slot (Firestore's
      // does: it reads the slots, then takes one). Read again now that ours is taken: beyond the
      // wanted count, give it back. Two ticks racing may both give theirs back; the next tick launches.
      if (pool.usage(clock.instant()).held() > wanted) {
        pool.release(slot.get());
        log.info("warm top-up: another tick took a slot at the same time; {} wanted, slot given back", wanted);
        break;
      }
      try {
        String execution = launcher.launch(List.of(), slot.get());
        // warmTopUp: what terraform's warm-top-ups log metric counts (monitoring.tf).
        log.atInfo().addKeyValue("warmTopUp", "launched")
            .log("warm top-up: launched {} holding slot {}", execution, slot.get().slot());
        launched++;
      } catch (CapacityExhaustedException e) {
        pool.release(slot.get());
        log.warn("warm top-up: no GPU capacity, the slot is given back: {}", e.getMessage());
        break;
      } catch (RuntimeException e) {
        pool.release(slot.get());
        log.warn("warm top-up: a launch failed, the slot is given back; the next tick tries again: {}", e.toString());
      }
    }
    return launched;
  }
}
