package dev.darkroom.testing;

import dev.darkroom.core.port.JobLauncher;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Launches nothing; answers with scripted failures first, then execution names. */
public final class RecordingJobLauncher implements JobLauncher, dev.darkroom.core.port.ExecutionStatus {
  /** What {@link #state} answers per execution name; executions not in it are active. */
  public final Map<String, State> states = new ConcurrentHashMap<>();

  @Override
  public State state(String executionName) {
    return states.getOrDefault(executionName, State.ACTIVE);
  }

  public final List<List<String>> launched = new CopyOnWriteArrayList<>();
  /** The GPU slot each launch was given, in launch order. */
  public final List<dev.darkroom.core.port.GpuPool.Lease> slots = new CopyOnWriteArrayList<>();
  private final Deque<Supplier<RuntimeException>> failures = new ArrayDeque<>();
  private final AtomicInteger executions = new AtomicInteger();
  /** Runs inside {@link #launch}, as a task that starts at once would: e.g. a runner's claim. */
  public volatile java.util.function.Consumer<List<String>> duringLaunch = ids -> { };

  /** The next launch throws what {@code failure} makes. */
  public synchronized RecordingJobLauncher failNext(Supplier<RuntimeException> failure) {
    failures.add(failure);
    return this;
  }

  @Override
  public synchronized String launch(List<String> jobIds, dev.darkroom.core.port.GpuPool.Lease slot) {
    Supplier<RuntimeException> failure = failures.poll();
    if (failure != null) {
      throw failure.get();
    }
    launched.add(List.copyOf(jobIds));
    slots.add(slot);
    duringLaunch.accept(jobIds);
    // Shaped like Cloud Run's: the runner knows only the last segment (CLOUD_RUN_EXECUTION).
    return "projects/p/locations/us-central1/jobs/gpu/executions/exec-" + executions.incrementAndGet();
  }
}
