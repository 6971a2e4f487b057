package dev.darkroom.bench.sim;

import dev.darkroom.core.job.Job;
import java.util.List;
import java.util.Optional;

/**
 * An always-on pool of {@code size} warm GPU instances, billed from the start of the trace until
 * the later of its end and the last image. Jobs are taken first in, first out; of the idle
 * instances, one that already has the job's models loaded is preferred, else the lowest-numbered
 * one, which pays the model load. Instances start with no model loaded.
 */
final class PoolSimulation {
  private final int size;
  private final Trace trace;
  private final SimCore core;
  private final String[] loaded;
  private final boolean[] busy;

  PoolSimulation(int size, CostModel cost, Trace trace) {
    this.size = size;
    this.trace = trace;
    this.core = new SimCore(trace, cost);
    this.loaded = new String[size];
    this.busy = new boolean[size];
    core.submitArrivals(trace, message -> core.events.after(cost.dispatchDelayMillis(), this::assign));
  }

  SimResult run() {
    core.events.runAll();
    core.checkAllSucceeded(trace);
    long end = Math.max(trace.durationMillis(), core.clock.now());
    return new SimResult("always-on pool", core.dones.size(), size, end * size, end * size - core.busyMillis,
        List.copyOf(core.waits), List.copyOf(core.dones), core.modelLoads, core.modelLoadMillis);
  }

  private void assign() {
    while (true) {
      List<Job> queued = core.queuedInOrder();
      if (queued.isEmpty()) {
        return;
      }
      Job head = queued.get(0);
      int instance = idleInstanceFor(head.fingerprint());
      if (instance < 0) {
        return;
      }
      Optional<Job> claimed = core.claim.claim(head.id(), "pool-" + instance);
      if (claimed.isEmpty()) {
        throw new IllegalStateException("a queued job could not be claimed: " + head.id());
      }
      busy[instance] = true;
      String before = loaded[instance];
      loaded[instance] = head.fingerprint();
      core.runClaimed(claimed.get(), before, () -> {
        busy[instance] = false;
        assign();
      });
    }
  }

  private int idleInstanceFor(String fingerprint) {
    int any = -1;
    for (int i = 0; i < size; i++) {
      if (!busy[i]) {
        if (fingerprint.equals(loaded[i])) {
          return i;
        }
        if (any < 0) {
          any = i;
        }
      }
    }
    return any;
  }
}
