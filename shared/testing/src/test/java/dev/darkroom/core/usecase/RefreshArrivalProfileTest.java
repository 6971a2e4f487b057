package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.ArrivalHistory;
import dev.darkroom.core.traffic.ArrivalProfile;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryWarmSignals;
import dev.darkroom.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The reconciler's hourly refresh of the usual traffic, from the in-memory ledger into the in-memory signals. */
class RefreshArrivalProfileTest {
  /** A Monday, 10:00:30 UTC: hour 10 of the week. */
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:30Z");

  private final ManualClock clock = new ManualClock(NOW);
  private final InMemoryLedger ledger = new InMemoryLedger();
  private final InMemoryWarmSignals signals = new InMemoryWarmSignals();
  private final RefreshArrivalProfile refresh = new RefreshArrivalProfile(signals, ledger, clock);

  private void created(Instant at, JobStatus status, double gpuSeconds) {
    Job job = Job.queued(UUID.randomUUID().toString(), "alice", 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, at);
    ledger.record(status == JobStatus.QUEUED ? job
        : job.afterEvent(status, 3, null, List.of(), null, gpuSeconds, at.plusSeconds(10)));
  }

  @Test
  void withNoProfileItBuildsOneFromTheLedgersMinutesSinceTheFirstJob() {
    // Yesterday, Sunday 10:00 to 11:00 UTC: two prompts a minute.
    Instant yesterday = NOW.minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    for (int minute = 0; minute < 60; minute++) {
      created(yesterday.plusSeconds(60L * minute), JobStatus.SUCCEEDED, 6);
      created(yesterday.plusSeconds(60L * minute + 30), JobStatus.FAILED, 100);
    }
    created(NOW.minus(Duration.ofHours(2)), JobStatus.SUCCEEDED, 10);

    assertThat(refresh.refresh()).isTrue();

    ArrivalProfile profile = signals.profile().orElseThrow();
    Instant until = NOW.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    long[] perMinute = ledger.createdPerMinute(until.minus(ArrivalProfile.HISTORY), until).orElseThrow().perMinute();
    assertThat(perMinute).hasSize(24 * 60);
    assertThat(profile).isEqualTo(ArrivalProfile.fromMinuteCounts(yesterday, perMinute, NOW, 370 / 61.0));
    assertThat(profile.typicalJobSeconds()).as("the mean of the succeeded ones: 60 of 6 s and one of 10 s")
        .isCloseTo(370 / 61.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(profile.rateAt(yesterday)).hasValueSatisfying(rate -> assertThat(rate).isEqualTo(2 / 60.0));
    assertThat(profile.rateAt(yesterday.plus(Duration.ofHours(1)))).as("quiet after it").hasValue(0.0);
    assertThat(profile.rateAt(yesterday.minus(Duration.ofHours(1)))).as("before the first job: not history").isEmpty();
    assertThat(profile.rateAt(NOW)).as("the hour under way: not history yet").isEmpty();
  }

  @Test
  void theMinuteUnderWayIsNotCounted() {
    created(NOW.minusSeconds(5), JobStatus.SUCCEEDED, 3);

    refresh.refresh();

    assertThat(signals.profile().orElseThrow()).isEqualTo(ArrivalProfile.empty(NOW));
  }

  @Test
  void withNoJobAtAllItSavesAnEmptyProfile() {
    created(NOW.minus(ArrivalProfile.HISTORY).minus(Duration.ofHours(1)), JobStatus.SUCCEEDED, 3);

    assertThat(refresh.refresh()).isTrue();

    assertThat(signals.profile()).contains(ArrivalProfile.empty(NOW));
  }

  @Test
  void aProfileYoungerThanAnHourIsKeptAndAnOlderOneReplaced() {
    ArrivalProfile saved = ArrivalProfile.empty(NOW.minus(ArrivalProfile.REFRESH_EVERY).plusSeconds(1));
    signals.saveProfile(saved);
    created(NOW.minus(Duration.ofDays(1)), JobStatus.SUCCEEDED, 3);

    assertThat(refresh.refresh()).isFalse();
    assertThat(signals.profile()).contains(saved);

    clock.advance(Duration.ofSeconds(1));
    assertThat(refresh.refresh()).isTrue();
    assertThat(signals.profile().orElseThrow().computedAt()).isEqualTo(clock.instant());
    assertThat(signals.profile().orElseThrow().typicalJobSeconds()).isEqualTo(3.0);
  }

  @Test
  void aLedgerThatCannotBeReadIsLoggedAndTriedAgainNextTick() {
    boolean[] down = {true};
    ArrivalHistory flaky = new ArrivalHistory() {
      @Override
      public Optional<MinuteCounts> createdPerMinute(Instant from, Instant until) {
        if (down[0]) {
          throw new IllegalStateException("Cloud SQL unreachable (injected)");
        }
        return ledger.createdPerMinute(from, until);
      }

      @Override
      public double meanSucceededGpuSeconds(Instant from, Instant until) {
        return ledger.meanSucceededGpuSeconds(from, until);
      }
    };
    RefreshArrivalProfile refreshing = new RefreshArrivalProfile(signals, flaky, clock);

    assertThat(refreshing.refresh()).isFalse();
    assertThat(signals.profile()).isEmpty();

    down[0] = false;
    clock.advance(Duration.ofMinutes(1));
    assertThat(refreshing.refresh()).isTrue();
    assertThat(signals.profile()).isPresent();
  }
}
