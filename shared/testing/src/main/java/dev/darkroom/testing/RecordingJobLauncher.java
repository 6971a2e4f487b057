package dev.darkroom.testing;

import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.LaunchedExecutions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Launches nothing; answers with scripted failures first, then execution names. Lists the
 * executions it "started" that have not ended, as Cloud Run lists a job's executions.
 */
public final class RecordingJobLauncher implements JobLauncher, dev.darkroom.core.port.ExecutionStatus,
    LaunchedExecutions {
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
  /** Failures thrown after the execution was created: a {@code runJob} that timed out or lost its answer. */
  private final Deque<Supplier<RuntimeException>> failuresAfterCreating = new ArrayDeque<>();
  /** Every execution created, by name, in creation order. */
  private final Map<String, Launch> created = new java.util.LinkedHashMap<>();
  /** Executions {@link #cancel}led, in order. */
  public final List<String> cancelled = new CopyOnWriteArrayList<>();
  /** When each execution is created. */
  public volatile Supplier<java.time.Instant> now = () -> java.time.Instant.EPOCH;
  private final AtomicInteger executions = new AtomicInteger();
  /** Runs inside {@link #launch}, as a task that starts at once would: e.g. a runner's claim. */
  public volatile java.util.function.Consumer<List<String>> duringLaunch = ids -> { };

  /** The next launch throws what {@code failure} makes. */
  public synchronized RecordingJobLauncher failNext(Supplier<RuntimeException> failure) {
    failures.add(failure);
    return this;
  }

  /**
   * The next launch creates its execution (listed by {@link #unfinished}, not in {@link #launched})
   * and then throws what {@code failure} makes, as a {@code runJob} whose answer never came.
   */
  public synchronized RecordingJobLauncher createThenFailNext(Supplier<RuntimeException> failure) {
    failuresAfterCreating.add(failure);
    return this;
  }

  @Override
  public synchronized List<Launch> unfinished() {
    return created.values().stream().filter(launch -> state(launch.executionName()) == State.ACTIVE).toList();
  }

  @Override
  public synchronized void cancel(String executionName) {
    if (created.containsKey(executionName) && state(executionName) == State.ACTIVE) {
      states.put(executionName, State.ENDED);
      cancelled.add(executionName);
    }
  }

  @Override
  public synchronized String launch(List<String> jobIds, dev.darkroom.core.port.GpuPool.Lease slot) {
    Supplier<RuntimeException> failure = failures.poll();
    if (failure != null) {
      throw failure.get();
    }
    // Shaped like Cloud Run's: the runner knows only the last segment (CLOUD_RUN_EXECUTION).
    String name = "projects/p/locations/us-central1/jobs/gpu/executions/exec-" + executions.incrementAndGet();
    created.put(name, new Launch(name, slot, jobIds, now.get()));
    Supplier<RuntimeException> lostAnswer = failuresAfterCreating.poll();
    if (lostAnswer != null) {
      throw lostAnswer.get();
    }
    launched.add(List.copyOf(jobIds));
    slots.add(slot);
    duringLaunch.accept(jobIds);
    return name;
  }
}
