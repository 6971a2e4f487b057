package dev.darkroom.bench.sim;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.usecase.DispatchJobs;
import dev.darkroom.core.usecase.DrainOrder;
import dev.darkroom.core.usecase.FairShare;
import dev.darkroom.testing.InMemoryGpuPool;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GPU work as Darkroom runs it, on the services' own code: {@link DispatchJobs} with a
 * {@link GpuPool} of {@code cap} slots (an in-memory one; the services use Firestore's) launches an
 * execution of one task per job it dispatches, or leaves the job queued when the pool is full or
 * idle tasks can take the whole queue. Each task boots for the cold start, claims its job
 * ({@code ClaimJob}), runs it, then drains the queue as the runner does: {@link DrainOrder} (jobs
 * needing its loaded models first, else the oldest of any), a look every 2 s, at most 5 per look,
 * its slot marked idle between looks, until {@code drainIdle} passes with nothing (and one last look
 * once no longer counted idle), no claim past the claim deadline. Exiting, it gives its slot back.
 *
 * <p>When a task exits, queued jobs are offered to dispatch again, oldest first, until it leaves
 * one queued: the reconciler's re-publishing of queued jobs, run the moment a slot frees (the best a
 * reconciler can do; the real one runs every minute and only after a job is 2 min stale, so this
 * flatters the one-execution-per-prompt policy most, whose tasks never drain).
 *
 * <p>With {@code drainIdle} zero this is one execution per prompt on the same code.
 */
final class TaskSimulation {
  static final long DRAIN_POLL_MILLIS = 2_000;
  static final int DRAIN_BATCH = 5;
  /** Task timeout 3600 s less the runner's 600 s deadline margin. */
  static final long CLAIM_WINDOW_MILLIS = (3_600 - 600) * 1_000L;

  /**
   * @param drainIdleMillis how long a task waits for more work before it exits (the runner's
   *     {@code DRAIN_IDLE_SECONDS}); zero: it exits after its own job
   */
  record Settings(String policy, int cap, long drainIdleMillis) {}

  private final class Task {
    final String name;
    final long launchedAt;
    final List<String> share;
    final GpuPool.Lease slot;
    String loadedFingerprint;
    long idleSince;

    Task(String name, List<String> share, GpuPool.Lease slot) {
      this.name = name;
      this.launchedAt = core.clock.now();
      this.share = List.copyOf(share);
      this.slot = slot;
    }
  }

  private final Settings settings;
  private final CostModel cost;
  private final Trace trace;
  private final SimCore core;
  private final DispatchJobs dispatch;
  private final InMemoryGpuPool pool;
  private final DrainOrder drainOrder;
  private final Map<String, Task> live = new LinkedHashMap<>();
  private int launched;
  private long billedMillis;

  TaskSimulation(Settings settings, CostModel cost, Trace trace) {
    this.settings = settings;
    this.cost = cost;
    this.trace = trace;
    this.core = new SimCore(trace, cost);
    this.pool = new InMemoryGpuPool(settings.cap());
    this.dispatch = new DispatchJobs(core.jobs, this::launch, pool, FairShare.Limits.none(), core.ledger, core.clock);
    this.drainOrder = new DrainOrder(core.jobs, new FairShare(core.jobs, FairShare.Limits.none()));
    core.submitArrivals(trace, message -> core.events.after(cost.dispatchDelayMillis(), () -> dispatch.dispatch(message)));
  }

  SimResult run() {
    core.events.runAll();
    core.checkAllSucceeded(trace);
    return new SimResult(settings.policy(), core.dones.size(), launched, billedMillis,
        List.copyOf(core.waits), List.copyOf(core.dones), core.modelLoads, core.modelLoadMillis);
  }

  /** The simulated Cloud Run: an execution of one task; the pool keeps launches within the quota. */
  private String launch(List<String> jobIds, GpuPool.Lease slot) {
    if (live.size() >= settings.cap()) {
      throw new JobLauncher.CapacityExhaustedException(
          "all " + settings.cap() + " GPU instances are busy: the pool let too many through", null);
    }
    Task task = new Task("exec-" + (++launched), jobIds, slot);
    live.put(task.name, task);
    core.events.after(cost.coldStartMillis(), () -> runShare(task, 0));
    return "projects/sim/locations/us-central1/jobs/gpu/executions/" + task.name;
  }

  private void runShare(Task task, int index) {
    if (index >= task.share.size()) {
      startDrain(task);
      return;
    }
    Optional<Job> claimed = core.claim.claim(task.share.get(index), task.name);
    if (claimed.isEmpty()) {
      runShare(task, index + 1);
      return;
    }
    run(task, claimed.get(), () -> runShare(task, index + 1));
  }

  private void run(Task task, Job job, Runnable then) {
    String loaded = task.loadedFingerprint;
    task.loadedFingerprint = job.fingerprint();
    core.runClaimed(job, loaded, then);
  }

  private void startDrain(Task task) {
    task.idleSince = core.clock.now();
    drainLook(task);
  }

  private void drainLook(Task task) {
    drainLook(task, false);
  }

  private void drainLook(Task task, boolean lastLook) {
    long now = core.clock.now();
    if (settings.drainIdleMillis() == 0 || task.loadedFingerprint == null
        || now > task.launchedAt + CLAIM_WINDOW_MILLIS) {
      exit(task);
      return;
    }
    for (Job candidate : drainOrder.next(task.loadedFingerprint, DRAIN_BATCH)) {
      Optional<Job> claimed = core.claim.claim(candidate.id(), task.name);
      if (claimed.isPresent()) {
        mark(task, false);
        run(task, claimed.get(), () -> startDrain(task));
        return;
      }
    }
    long idle = now - task.idleSince;
    if (lastLook) {
      exit(task);
    } else if (idle >= settings.drainIdleMillis()) {
      mark(task, false);
      drainLook(task, true);
    } else {
      mark(task, true);
      core.events.after(Math.min(DRAIN_POLL_MILLIS, settings.drainIdleMillis() - idle), () -> drainLook(task));
    }
  }

  /** The task's slot lease, renewed as {@code TaskSlot} does; leases never run out here (no crashes). */
  private void mark(Task task, boolean idle) {
    pool.renew(task.slot, idle, core.clock.instant().plus(Duration.ofDays(365)));
  }

  private void exit(Task task) {
    billedMillis += core.clock.now() - task.launchedAt;
    live.remove(task.name);
    pool.release(task.slot);
    core.events.after(cost.dispatchDelayMillis(), this::redispatchQueued);
  }

  /**
   * The reconciler's pass: offer queued jobs to dispatch, oldest first, until it leaves one queued
   * (the pool is full, or idle tasks will take them).
   */
  private void redispatchQueued() {
    for (Job job : core.queuedInOrder()) {
      if (dispatch.dispatch(core.messageFor(job)) != DispatchJobs.Result.LAUNCHED) {
        return;
      }
    }
  }
}
