package dev.darkroom.functions.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.usecase.ReconcileJobs;
import dev.darkroom.gcp.Env;
import dev.darkroom.testing.EventarcEvents;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.InMemoryPendingNotifications;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import dev.darkroom.core.warm.KeepWarm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileFunctionTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobQueue queue = new RecordingJobQueue();
  private final InMemoryPendingNotifications pending = new InMemoryPendingNotifications();
  private final List<dev.darkroom.core.event.JobNotification> republished = new java.util.ArrayList<>();

  private ReconcileFunction function(JobQueue queue) {
    return new ReconcileFunction(() -> new dev.darkroom.core.usecase.ReconcileTick(new ReconcileJobs(jobs, queue,
        new RecordingJobEventPublisher(), new dev.darkroom.testing.InMemoryGpuPool(2),
        execution -> dev.darkroom.core.port.ExecutionStatus.State.ACTIVE, new dev.darkroom.testing.RecordingJobLauncher(),
        clock, ReconcileJobs.Policy.defaults(),
        dev.darkroom.core.usecase.FairShare.Limits.none()),
        new dev.darkroom.core.usecase.RepublishDueNotifications(pending, republished::add, clock)));
  }

  private static byte[] tick() {
    return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void eachTickSweepsOnce() {
    Job job = Job.queued("j1", "alice", 1, JsonNodeFactory.instance.objectNode(), null, null, clock.instant());
    jobs.update("j1", current -> Outcome.write(job, null));
    clock.advance(Duration.ofMinutes(5));

    function(queue).accept(EventarcEvents.messagePublished("reconcile-ticks", tick()));

    assertThat(queue.published).containsExactly(new JobSubmitted("j1", "alice", 1));
    assertThat(jobs.get("j1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void eachTickRepublishesTheNotificationsWhoseRetryIsDueOnce() {
    var later = new dev.darkroom.core.event.JobNotification("n-later", "j2", "bob", "failed", clock.instant());
    var due = new dev.darkroom.core.event.JobNotification("n-due", "j1", "alice", "succeeded", clock.instant());
    pending.claim(due, clock.instant(), Duration.ZERO);
    pending.claim(later, clock.instant(), Duration.ofHours(1));
    clock.advance(Duration.ofSeconds(1));

    function(queue).accept(EventarcEvents.messagePublished("reconcile-ticks", tick()));
    function(queue).accept(EventarcEvents.messagePublished("reconcile-ticks", tick()));

    assertThat(republished).containsExactly(due);
  }

  @Test
  void aFailedSweepThrowsSoTheTickIsRedelivered() {
    Job job = Job.queued("j1", "alice", 1, JsonNodeFactory.instance.objectNode(), null, null, clock.instant());
    jobs.update("j1", current -> Outcome.write(job, null));
    clock.advance(Duration.ofMinutes(5));
    JobQueue down = message -> {
      throw new IllegalStateException("Pub/Sub unavailable (injected)");
    };

    assertThatThrownBy(() -> function(down).accept(EventarcEvents.messagePublished("reconcile-ticks", tick())))
        .hasMessageContaining("unavailable");
  }

  @Test
  void limitsComeFromTheEnvironmentAndBadOnesAreRefused() {
    ReconcileJobs.Policy policy = ReconcileConfig.policy(new Env(Map.of(
        "RECONCILE_LOST_AFTER_SECONDS", "45", "RECONCILE_MAX_ATTEMPTS", "5")));
    assertThat(policy.lostAfter()).isEqualTo(Duration.ofSeconds(45));
    assertThat(policy.maxAttempts()).isEqualTo(5);
    assertThat(policy.dispatchTimeout()).isEqualTo(ReconcileJobs.Policy.defaults().dispatchTimeout());
    assertThatThrownBy(() -> ReconcileConfig.policy(new Env(Map.of("RECONCILE_LOST_AFTER_SECONDS", "0"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("RECONCILE_LOST_AFTER_SECONDS");
  }

  private static Map<String, String> deployed(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("GOOGLE_CLOUD_PROJECT", "darkroom-dev",
        "DATABASE_URL", "jdbc:postgresql://127.0.0.1/ledger", "GPU_JOB_NAME",
        "projects/darkroom-dev/locations/us-central1/jobs/gpu"));
    env.putAll(extra);
    return env;
  }

  @Test
  void theKeepWarmPolicyIsOnWhenTheDeploymentGivesItABudgetOrASchedule() {
    assertThat(ReconcileConfig.from(new Env(deployed(Map.of()))).keepWarmIfSet()).as("off by default").isEmpty();

    var settings = ReconcileConfig.from(new Env(deployed(Map.of("WARM_IDLE_BUDGET_SECONDS", "86400",
        "WARM_SCHEDULE", "2 warm 09:00-18:00 Mon-Fri Europe/Paris")))).keepWarmIfSet().orElseThrow();
    assertThat(settings.idleBudgetSecondsPerDay()).isEqualTo(86400);
    assertThat(settings.schedule().pinnedAt(Instant.parse("2026-12-07T10:00:00Z"))).as("a Monday, 11:00 in Paris")
        .isEqualTo(2);
    assertThat(settings.grace()).as("the policy's default grace").isEqualTo(KeepWarm.DEFAULT_GRACE);

    assertThat(ReconcileConfig.from(new Env(deployed(Map.of("WARM_IDLE_BUDGET_SECONDS", "0", "WARM_GRACE_SECONDS",
        "30")))).keepWarmIfSet().orElseThrow().grace()).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> ReconcileConfig.from(new Env(deployed(Map.of("WARM_IDLE_BUDGET_SECONDS", "lots")))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("WARM_IDLE_BUDGET_SECONDS");
  }
}
