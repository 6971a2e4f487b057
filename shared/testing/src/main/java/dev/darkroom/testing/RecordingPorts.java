package dev.darkroom.testing;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.Ledger;
import dev.darkroom.core.port.NotificationPublisher;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Fakes of the outbound ports that remember what they were given, for assertions. */
public final class RecordingPorts {
  private RecordingPorts() {}

  public static final class Queue implements JobQueue {
    public final List<JobSubmitted> published = new CopyOnWriteArrayList<>();

    @Override
    public void publish(JobSubmitted message) {
      published.add(message);
    }
  }

  public static final class Events implements JobEventPublisher {
    public final List<JobEvent> published = new CopyOnWriteArrayList<>();

    @Override
    public void publish(JobEvent event) {
      published.add(event);
    }
  }

  public static final class Notifications implements NotificationPublisher {
    public final List<JobNotification> published = new CopyOnWriteArrayList<>();

    @Override
    public void publish(JobNotification notification) {
      published.add(notification);
    }
  }

  /** Keeps the newest state per job, never going backwards, as {@link Ledger} promises. */
  public static final class InMemoryLedger implements Ledger, dev.darkroom.core.port.Usage {
    public final Map<String, Job> rows = new ConcurrentHashMap<>();
    public final AtomicInteger writes = new AtomicInteger();

    @Override
    public void record(Job job) {
      writes.incrementAndGet();
      rows.merge(job.id(), job, (old, incoming) -> incoming.supersedes(old) ? incoming : old);
    }

    @Override
    public double gpuSecondsSince(String userId, java.time.Instant since) {
      return rows.values().stream().filter(job -> job.userId().equals(userId) && !job.createdAt().isBefore(since))
          .mapToDouble(Job::gpuSeconds).sum();
    }
  }

  /** Launches nothing; answers with scripted failures first, then execution names. */
  public static final class Launcher implements JobLauncher, dev.darkroom.core.port.ExecutionStatus {
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
    public synchronized Launcher failNext(Supplier<RuntimeException> failure) {
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
}
