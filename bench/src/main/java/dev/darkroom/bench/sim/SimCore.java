package dev.darkroom.bench.sim;

import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.usecase.ApplyJobEvent;
import dev.darkroom.core.usecase.ClaimJob;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryWarmSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Darkroom's own use cases over the in-memory store, on the virtual clock: every state change in
 * the simulation goes through them, so the simulation follows the transition table the services do.
 */
final class SimCore {
  static final String USER = "sim-user";

  final VirtualClock clock = new VirtualClock();
  final EventQueue events = new EventQueue(clock);
  final InMemoryJobStore jobs = new InMemoryJobStore();
  final InMemoryLedger ledger = new InMemoryLedger();
  final ClaimJob claim = new ClaimJob(jobs, clock);
  final ApplyJobEvent apply = new ApplyJobEvent(jobs, ledger, notification -> { }, clock);
  private final Map<String, Workflow> byFingerprint;

  final List<Long> waits = new ArrayList<>();
  final List<Long> dones = new ArrayList<>();
  private final CostModel cost;
  /** Model loads paid, and the GPU time they took. */
  int modelLoads;
  long modelLoadMillis;
  /** Every prompt's submission, as the keep-warm policy reads them (the services count jobs created). */
  final InMemoryWarmSignals warmSignals = new InMemoryWarmSignals();
  /** Time GPUs spent on jobs (model loads included), summed. */
  long busyMillis;

  SimCore(Trace trace, CostModel cost) {
    this.cost = cost;
    byFingerprint = trace.arrivals().stream().map(Trace.Arrival::workflow).distinct()
        .collect(Collectors.toMap(Workflow::fingerprint, Function.identity(), (a, b) -> {
          throw new IllegalArgumentException("two workflows share a fingerprint: " + a + ", " + b);
        }));
  }

  /**
   * Schedules every arrival of the trace as a {@code POST /prompt}.
   *
   * @param queue where {@link SubmitPrompt} hands a queued job (dispatch, or the pool)
   */
  void submitArrivals(Trace trace, JobQueue queue) {
    SubmitPrompt submit = new SubmitPrompt(jobs, queue,
        new PromptPolicy(new InMemoryNodeCatalogStore(), new InMemoryOutputStore(), clock), clock);
    List<Trace.Arrival> arrivals = trace.arrivals();
    for (int i = 0; i < arrivals.size(); i++) {
      Trace.Arrival arrival = arrivals.get(i);
      String id = String.format("job-%06d", i);
      double number = i;
      events.at(arrival.atMillis(), () -> {
        warmSignals.arrived(clock.instant());
        SubmitPrompt.Result result = submit.submit(new SubmitPrompt.Request(
            USER, arrival.workflow().prompt(), id, number, false, null, null));
        if (!(result instanceof SubmitPrompt.Result.Accepted)) {
          throw new IllegalStateException("prompt refused: " + result);
        }
      });
    }
  }

  Workflow workflowOf(Job job) {
    return byFingerprint.get(job.fingerprint());
  }

  /** Every queued job, in ComfyUI's queue order (lowest number first): the store's own query. */
  List<Job> queuedInOrder() {
    return jobs.queued(Integer.MAX_VALUE);
  }

  JobSubmitted messageFor(Job job) {
    return new JobSubmitted(job.id(), job.userId(), job.attempt());
  }

  /**
   * Runs a claimed job on a GPU that has {@code loadedFingerprint} in memory: the started event
   * now, the model load if it differs, the image, then the succeeded event and {@code then}.
   */
  void runClaimed(Job job, String loadedFingerprint, Runnable then) {
    long started = clock.now();
    long submitted = VirtualClock.millisOf(job.createdAt());
    waits.add(started - submitted);
    applied(new JobEvent.Started(job.id(), job.attempt(), 1, clock.instant(), job.executionName()));
    Workflow workflow = workflowOf(job);
    long load = job.fingerprint().equals(loadedFingerprint) ? 0 : cost.modelLoadMillis(workflow);
    if (load > 0) {
      modelLoads++;
      modelLoadMillis += load;
    }
    long duration = load + workflow.imageMillis();
    busyMillis += duration;
    events.after(duration, () -> {
      applied(new JobEvent.Succeeded(job.id(), job.attempt(), 2, clock.instant(), List.of(),
          (clock.now() - started) / 1000.0));
      dones.add(clock.now() - submitted);
      then.run();
    });
  }

  private void applied(JobEvent event) {
    ApplyJobEvent.Result result = apply.apply(event);
    if (result != ApplyJobEvent.Result.APPLIED) {
      throw new IllegalStateException(event + ": " + result);
    }
  }

  /** Every job of the trace ended as succeeded: the simulation lost nothing. */
  void checkAllSucceeded(Trace trace) {
    long succeeded = jobs.all().stream().filter(job -> job.status() == JobStatus.SUCCEEDED).count();
    if (succeeded != trace.arrivals().size() || dones.size() != succeeded) {
      throw new IllegalStateException(trace.name() + ": " + succeeded + " of " + trace.arrivals().size()
          + " jobs succeeded");
    }
  }
}
