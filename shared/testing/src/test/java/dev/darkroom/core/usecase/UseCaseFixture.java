package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PromptVerdict;
import dev.darkroom.testing.InMemoryGpuPool;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobLauncher;
import dev.darkroom.testing.RecordingJobQueue;
import dev.darkroom.testing.RecordingNotificationPublisher;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** The use cases wired to fakes, on a clock that moves only when a test moves it. */
final class UseCaseFixture {
  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  final ManualClock clock = new ManualClock(NOW);
  final InMemoryJobStore jobs = new InMemoryJobStore();
  final RecordingJobQueue queue = new RecordingJobQueue();
  final InMemoryLedger ledger = new InMemoryLedger();
  final RecordingJobLauncher launcher = new RecordingJobLauncher();
  final RecordingNotificationPublisher notifications = new RecordingNotificationPublisher();
  private final AtomicInteger ids = new AtomicInteger();

  final SubmitPrompt submit = new SubmitPrompt(jobs, queue, (prompt, targets, user) -> PromptVerdict.accepted(prompt), clock,
      () -> "job-" + ids.incrementAndGet());
  final InMemoryGpuPool pool = new InMemoryGpuPool(2);
  final FairShare.Limits limits = FairShare.Limits.parse("free=1", Integer.MAX_VALUE);
  final DispatchJobs dispatch = new DispatchJobs(jobs, launcher, pool, limits, ledger, clock);
  final ClaimJob claim = new ClaimJob(jobs, clock);
  final ApplyJobEvent apply = new ApplyJobEvent(jobs, ledger, notifications, clock);
  final RecordingJobEventPublisher events = new RecordingJobEventPublisher();
  final ReconcileJobs reconcile = new ReconcileJobs(jobs, queue, events, pool, launcher, launcher, clock,
      ReconcileJobs.Policy.defaults(), limits);

  static ObjectNode prompt() {
    try {
      return (ObjectNode) new ObjectMapper().readTree(
          "{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}}");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  SubmitPrompt.Request request(String user, String promptId) {
    return new SubmitPrompt.Request(user, prompt(), promptId, null, false, "client-1", null);
  }
}
