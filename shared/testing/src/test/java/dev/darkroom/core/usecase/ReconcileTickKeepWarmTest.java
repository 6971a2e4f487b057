package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.ArrivalHistory;
import dev.darkroom.core.port.ExecutionStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.warm.WarmTarget;
import dev.darkroom.testing.InMemoryGpuPool;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryPendingNotifications;
import dev.darkroom.testing.InMemoryWarmSignals;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobLauncher;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A reconcile tick under the keep-warm policy: the sweeps first, then the profile and the warm set, which never fail it. */
class ReconcileTickKeepWarmTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobQueue queue = new RecordingJobQueue();
  private final InMemoryGpuPool pool = new InMemoryGpuPool(3);
  private final RecordingJobLauncher launcher = new RecordingJobLauncher();
  private final InMemoryWarmSignals signals = new InMemoryWarmSignals();

  private static final ArrivalHistory LEDGER_DOWN = new ArrivalHistory() {
    @Override
    public Optional<MinuteCounts> createdPerMinute(Instant from, Instant until) {
      throw new IllegalStateException("Cloud SQL unreachable (injected)");
    }

    @Override
    public double meanSucceededGpuSeconds(Instant from, Instant until) {
      throw new IllegalStateException("Cloud SQL unreachable (injected)");
    }
  };

  private ReconcileTick tick(JobQueue republishTo, ArrivalHistory ledger, WarmTarget target) {
    return new ReconcileTick(new ReconcileJobs(jobs, republishTo, new RecordingJobEventPublisher(), pool,
        execution -> ExecutionStatus.State.ACTIVE, launcher, clock, ReconcileJobs.Policy.defaults(),
        FairShare.Limits.none()),
        new RepublishDueNotifications(new InMemoryPendingNotifications(), notification -> { }, clock))
        .keepingWarm(new RefreshArrivalProfile(signals, ledger, clock),
            new TopUpWarmTasks(target, pool, jobs, launcher, clock));
  }

  @Test
  void aLedgerThatCannotBeReadNeitherFailsTheTickNorStopsTheTopUp() {
    ReconcileTick.Report report = tick(queue, LEDGER_DOWN, (now, usage) -> 2).run();

    assertThat(report.profileRefreshed()).isFalse();
    assertThat(report.warmLaunched()).isEqualTo(2);
    assertThat(launcher.launched).containsExactly(List.of(), List.of());
    assertThat(signals.profile()).isEmpty();
  }

  @Test
  void theSweepRunsFirstAndAStaleQueuedJobKeepsTheWarmSetFromGrowing() {
    Job job = Job.queued("j1", "alice", 1, JsonNodeFactory.instance.objectNode(), null, null, clock.instant());
    jobs.update("j1", current -> Outcome.write(job, null));
    clock.advance(Duration.ofMinutes(5));

    ReconcileTick.Report report = tick(queue, new dev.darkroom.testing.InMemoryLedger(), (now, usage) -> 2).run();

    assertThat(queue.published).containsExactly(new JobSubmitted("j1", "alice", 1));
    assertThat(report.profileRefreshed()).isTrue();
    assertThat(report.warmLaunched()).as("the queued job comes first").isZero();
    assertThat(launcher.launched).isEmpty();
  }

  @Test
  void aFailedSweepFailsTheTickBeforeAnythingIsLaunched() {
    Job job = Job.queued("j1", "alice", 1, JsonNodeFactory.instance.objectNode(), null, null, clock.instant());
    jobs.update("j1", current -> Outcome.write(job, null));
    clock.advance(Duration.ofMinutes(5));
    JobQueue down = message -> {
      throw new IllegalStateException("Pub/Sub unavailable (injected)");
    };

    assertThatThrownBy(() -> tick(down, new dev.darkroom.testing.InMemoryLedger(), (now, usage) -> 2).run())
        .hasMessageContaining("Pub/Sub unavailable");
    assertThat(launcher.launched).isEmpty();
    assertThat(signals.profile()).isEmpty();
  }
}
