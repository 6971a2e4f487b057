package dev.darkroom.bench.sim;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.usecase.DispatchJobs;
import dev.darkroom.core.usecase.DrainOrder;
import dev.darkroom.core.usecase.FairShare;
import dev.darkroom.core.usecase.ModelAffinity;
import dev.darkroom.core.usecase.RefreshArrivalProfile;
import dev.darkroom.core.usecase.TopUpWarmTasks;
import dev.darkroom.core.traffic.ArrivalProfile;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.core.warm.TypicalJob;
import dev.darkroom.core.warm.WarmTarget;
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
  record Settings(String policy, int cap, long drainIdleMillis, KeepWarm.Settings keepWarm) {
    Settings(String policy, int cap, long drainIdleMillis) {
      this(policy, cap, drainIdleMillis, null);
    }
  }

  private final class Task {
    final String name;
    final long launchedAt;
    final List<String> share;
    final GpuPool.Lease slot;
    String loadedFingerprint;
    long idleSince;
    /** While idle: idle time up to here is counted (in the result and the policy's budget); -1 when not idle. */
    long idleCountedUntil = -1;
    KeepWarm.Decision decision;
    long decidedAt;
    final TypicalJob typicalJob = new TypicalJob();

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
  private final DrainOrder warmDrainOrder;
  private final Map<String, Task> live = new LinkedHashMap<>();
  private final KeepWarm keepWarm;
  private final WarmTarget warmTarget;
  /** Under the policy: a warm task leaves a job to an idle task that has its models loaded. */
  private final ModelAffinity affinity;
  private int launched;
  private long billedMillis;
  private long idleMillis;

  TaskSimulation(Settings settings, CostModel cost, Trace trace) {
    this.settings = settings;
    this.cost = cost;
    this.trace = trace;
    this.core = new SimCore(trace, cost);
    this.pool = new InMemoryGpuPool(settings.cap());
    this.keepWarm = settings.keepWarm() == null ? null : new KeepWarm(settings.keepWarm(), core.warmSignals);
    this.warmTarget = keepWarm == null ? WarmTarget.NONE : keepWarm.target();
    this.dispatch = new DispatchJobs(core.jobs, this::launch, pool, FairShare.Limits.none(), core.ledger, core.clock,
        warmTarget);
    this.affinity = keepWarm == null ? null : new ModelAffinity(pool, core.clock);
    this.drainOrder = new DrainOrder(core.jobs, new FairShare(core.jobs, FairShare.Limits.none()));
    this.warmDrainOrder = DrainOrder.takingDispatched(core.jobs, new FairShare(core.jobs, FairShare.Limits.none()),
        core.clock);
    core.submitArrivals(trace, message -> core.events.after(cost.dispatchDelayMillis(), () -> deliver(message, 0)));
  }

  /** Pub/Sub's redelivery backoff for the job-submitted subscription: 10 s, doubling. */
  static final long REDELIVERY_BACKOFF_MILLIS = 10_000;

  /**
   * One delivery of a job-submitted message to dispatch: a job left to warm tasks comes back after
   * the subscription's backoff (the function answers with an error), as it does in the cloud.
   */
  private void deliver(JobSubmitted message, int attempt) {
    if (dispatch.dispatch(message) == DispatchJobs.Result.LEFT_FOR_WARM_TASKS) {
      core.events.after(REDELIVERY_BACKOFF_MILLIS << attempt, () -> deliver(message, attempt + 1));
    }
  }

  /** Days of history before the trace: the ledger the reconciler's hourly refresh reads. */
  static final int HISTORY_DAYS = (int) ArrivalProfile.HISTORY.toDays();
  /** Another seed than any trace's own arrivals. */
  static final long HISTORY_SEED = 1_007;

  /**
   * The reconciler's tick, every minute as Cloud Scheduler sends it: the usual traffic refreshed
   * from the ledger when an hour old ({@link RefreshArrivalProfile}), then the warm set topped up
   * ({@link TopUpWarmTasks}), the services' own use cases.
   */
  private void reconcileTick(RefreshArrivalProfile refresh, TopUpWarmTasks topUp) {
    if (refresh != null) {
      refresh.refresh();
    }
    topUp.topUp();
    if (core.clock.now() < trace.durationMillis()) {
      core.events.after(RECONCILE_EVERY_MILLIS, () -> reconcileTick(refresh, topUp));
    }
  }

  static final long RECONCILE_EVERY_MILLIS = 60_000;

  SimResult run() {
    if (keepWarm != null) {
      RefreshArrivalProfile refresh = null;
      if (trace.usualRate() != null) {
        SimHistory history = new SimHistory(core.ledger, trace, HISTORY_DAYS, HISTORY_SEED);
        // The hour before the trace is in the jobs collection too, where the policy counts arrivals.
        history.replayLastMinutes(60, core.warmSignals::arrived);
        refresh = new RefreshArrivalProfile(core.warmSignals, history, core.clock);
      }
      TopUpWarmTasks topUp = new TopUpWarmTasks(warmTarget, pool, core.jobs, this::launch, core.clock);
      // The first tick comes with the trace's start.
      RefreshArrivalProfile hourly = refresh;
      core.events.after(0, () -> reconcileTick(hourly, topUp));
    }
    core.events.runAll();
    core.checkAllSucceeded(trace);
    return new SimResult(settings.policy(), core.dones.size(), launched, billedMillis, idleMillis,
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
    long start = core.clock.now();
    core.runClaimed(job, loaded, () -> {
      task.typicalJob.ran(Duration.ofMillis(core.clock.now() - start));
      then.run();
    });
  }

  private void startDrain(Task task) {
    task.idleSince = core.clock.now();
    task.idleCountedUntil = task.idleSince;
    task.decision = null;
    if (keepWarm != null) {
      warmLook(task);
    } else {
      drainLook(task);
    }
  }

  /**
   * The drain as the runner does it under the keep-warm policy: a look every
   * {@link KeepWarm#WARM_POLL}; with nothing to claim, the policy's decision (asked again every
   * {@link KeepWarm#DECIDE_EVERY}) says whether to wait on or to leave, after one last look.
   */
  private void warmLook(Task task) {
    long now = core.clock.now();
    // A task whose job a warm task took has nothing loaded, but its engine is up: it may stay warm too.
    if (now > task.launchedAt + KeepWarm.staggered(Duration.ofMillis(CLAIM_WINDOW_MILLIS), task.name).toMillis()) {
      exit(task);
      return;
    }
    if (claimDrainable(task)) {
      return;
    }
    if (task.decision == null || now - task.decidedAt >= KeepWarm.DECIDE_EVERY.toMillis()) {
      countIdle(task, true);
      task.decision = keepWarm.decide(new KeepWarm.Situation(core.clock.instant(),
          Duration.ofMillis(now - task.idleSince), pool.usage(core.clock.instant()),
          core.jobs.count(JobStatus.QUEUED), task.typicalJob.mean()));
      task.decidedAt = now;
    }
    if (!task.decision.stay()) {
      mark(task, false);
      if (!claimDrainable(task)) {
        exit(task);
      }
      return;
    }
    mark(task, true);
    core.events.after(KeepWarm.WARM_POLL.toMillis(), () -> warmLook(task));
  }

  /** Claims and runs the first drainable job, if any: true if it did. */
  private boolean claimDrainable(Task task) {
    DrainOrder order = keepWarm != null ? warmDrainOrder : drainOrder;
    List<Job> candidates = order.next(task.loadedFingerprint, DRAIN_BATCH);
    if (affinity != null) {
      candidates = affinity.toTry(task.loadedFingerprint, task.slot, candidates);
    }
    for (Job candidate : candidates) {
      Optional<Job> claimed = core.claim.claim(candidate.id(), task.name);
      if (claimed.isPresent()) {
        countIdle(task, false);
        mark(task, false);
        run(task, claimed.get(), () -> startDrain(task));
        return true;
      }
    }
    return false;
  }

  /**
   * Idle time since it was last counted goes to the result and, under the policy, to its budget;
   * {@code stillIdle} says whether the task goes on waiting.
   */
  private void countIdle(Task task, boolean stillIdle) {
    long now = core.clock.now();
    if (task.idleCountedUntil >= 0 && now > task.idleCountedUntil) {
      idleMillis += now - task.idleCountedUntil;
      if (keepWarm != null) {
        keepWarm.spentIdle(core.clock.instant(), Duration.ofMillis(now - task.idleCountedUntil));
      }
    }
    task.idleCountedUntil = stillIdle ? now : -1;
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
    if (claimDrainable(task)) {
      return;
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
    // Under the policy the runner says which models it has loaded (TaskSlot), for ModelAffinity.
    pool.renew(task.slot, idle, keepWarm != null ? task.loadedFingerprint : null,
        core.clock.instant().plus(Duration.ofDays(365)));
  }

  private void exit(Task task) {
    countIdle(task, false);
    billedMillis += core.clock.now() - task.launchedAt;
    live.remove(task.name);
    pool.leave(task.slot, core.clock.instant());
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
