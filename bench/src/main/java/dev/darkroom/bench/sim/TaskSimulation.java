package dev.darkroom.bench.sim;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.usecase.DispatchJobs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GPU work as Darkroom runs it: {@link DispatchJobs} launches one execution per submitted job
 * through a launcher that refuses past {@code cap} live instances (the job stays queued); each task
 * boots, claims its job ({@code ClaimJob}), runs it, then drains queued jobs of the fingerprint it
 * has loaded as the runner does ({@code Runner.drain}: a look every 2 s, at most 5 per look, until
 * {@code drainIdle} passes with nothing, no claim past the claim deadline).
 *
 * <p>When a task exits, queued jobs are offered to dispatch again, oldest first, until it refuses
 * for capacity: what the reconciler's "queued but not dispatched" pass will do (it does not exist
 * yet; here it runs the moment an instance frees, which is the best it can do).
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
   * @param takeOtherFingerprints the variant: a draining task that finds none of its fingerprint
   *     claims the oldest queued job of any other, paying that model's load instead of a cold start
   * @param leaveForIdleTasks the second variant: dispatch launches nothing for a job while more
   *     tasks sit idle draining than there are other queued jobs; an idle task claims it at its next
   *     look (at most 2 s), so it needs {@code takeOtherFingerprints}
   */
  record Settings(String policy, int cap, long drainIdleMillis, boolean takeOtherFingerprints,
      boolean leaveForIdleTasks) {
    Settings {
      if (leaveForIdleTasks && !takeOtherFingerprints) {
        throw new IllegalArgumentException("leaving work for idle tasks needs them to take any fingerprint");
      }
    }

    Settings(String policy, int cap, long drainIdleMillis, boolean takeOtherFingerprints) {
      this(policy, cap, drainIdleMillis, takeOtherFingerprints, false);
    }
  }

  private final class Task {
    final String name;
    final long launchedAt;
    final List<String> share;
    String loadedFingerprint;
    long idleSince;
    /** Between looks that found nothing to drain. */
    boolean idle;

    Task(String name, List<String> share) {
      this.name = name;
      this.launchedAt = core.clock.now();
      this.share = List.copyOf(share);
    }
  }

  private final Settings settings;
  private final CostModel cost;
  private final Trace trace;
  private final SimCore core;
  private final DispatchJobs dispatch;
  private final Map<String, Task> live = new LinkedHashMap<>();
  private int launched;
  private long billedMillis;

  TaskSimulation(Settings settings, CostModel cost, Trace trace) {
    this.settings = settings;
    this.cost = cost;
    this.trace = trace;
    this.core = new SimCore(trace);
    this.dispatch = new DispatchJobs(core.jobs, this::launch, core.ledger, core.clock);
    core.submitArrivals(trace, message -> core.events.after(cost.dispatchDelayMillis(), () -> {
      if (!leftForAnIdleTask()) {
        dispatch.dispatch(message);
      }
    }));
  }

  private boolean leftForAnIdleTask() {
    if (!settings.leaveForIdleTasks()) {
      return false;
    }
    long idleTasks = live.values().stream().filter(task -> task.idle).count();
    return idleTasks > 0 && idleTasks >= core.queuedInOrder().size();
  }

  SimResult run() {
    core.events.runAll();
    core.checkAllSucceeded(trace);
    return new SimResult(settings.policy(), core.dones.size(), launched, billedMillis,
        List.copyOf(core.waits), List.copyOf(core.dones));
  }

  /** The simulated Cloud Run: an execution of one task, refused past the GPU cap. */
  private String launch(List<String> jobIds) {
    if (live.size() >= settings.cap()) {
      throw new JobLauncher.CapacityExhaustedException(
          "all " + settings.cap() + " GPU instances are busy", null);
    }
    Task task = new Task("exec-" + (++launched), jobIds);
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
    task.idle = false;
    long now = core.clock.now();
    if (settings.drainIdleMillis() == 0 || task.loadedFingerprint == null
        || now > task.launchedAt + CLAIM_WINDOW_MILLIS) {
      exit(task);
      return;
    }
    List<Job> candidates = new ArrayList<>(core.jobs.queuedWithFingerprint(task.loadedFingerprint, DRAIN_BATCH));
    if (settings.takeOtherFingerprints()) {
      candidates.addAll(core.queuedInOrder().stream().limit(DRAIN_BATCH).toList());
    }
    for (Job candidate : candidates) {
      Optional<Job> claimed = core.claim.claim(candidate.id(), task.name);
      if (claimed.isPresent()) {
        run(task, claimed.get(), () -> startDrain(task));
        return;
      }
    }
    long idle = now - task.idleSince;
    if (idle >= settings.drainIdleMillis()) {
      exit(task);
      return;
    }
    task.idle = true;
    core.events.after(Math.min(DRAIN_POLL_MILLIS, settings.drainIdleMillis() - idle), () -> drainLook(task));
  }

  private void exit(Task task) {
    billedMillis += core.clock.now() - task.launchedAt;
    live.remove(task.name);
    core.events.after(cost.dispatchDelayMillis(), this::redispatchQueued);
  }

  /** The reconciler's pass: offer queued jobs to dispatch, oldest first, until it runs out of GPUs. */
  private void redispatchQueued() {
    for (Job job : core.queuedInOrder()) {
      if (dispatch.dispatch(core.messageFor(job)) == DispatchJobs.Result.NO_CAPACITY) {
        return;
      }
    }
  }
}
