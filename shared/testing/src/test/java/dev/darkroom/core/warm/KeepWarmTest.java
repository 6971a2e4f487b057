package dev.darkroom.core.warm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.traffic.ArrivalProfile;
import dev.darkroom.testing.InMemoryWarmSignals;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class KeepWarmTest {
  private static final Instant NOON = Instant.parse("2026-12-08T12:00:00Z");
  private static final Duration JOB = Duration.ofSeconds(10);
  private static final Duration GRACE = Duration.ofSeconds(60);

  private final InMemoryWarmSignals signals = new InMemoryWarmSignals();

  private KeepWarm policy(double budget, String schedule) {
    return new KeepWarm(KeepWarm.Settings.of(budget, WarmSchedule.parse(schedule), GRACE), signals);
  }

  private static KeepWarm.Situation alone(Duration idleFor) {
    return new KeepWarm.Situation(NOON, idleFor, new GpuPool.Usage(10, 1, 1), 0, JOB);
  }

  private void arrivals(int count, Duration over) {
    for (int i = 0; i < count; i++) {
      signals.arrived(NOON.minus(over).plus(over.dividedBy(count).multipliedBy(i)));
    }
  }

  @Test
  void theRateEstimateCountsOnlyTheRecentWindow() {
    arrivals(90, Duration.ofMinutes(15)); // 0.1 prompt/s
    signals.arrived(NOON.minus(Duration.ofHours(1)));
    KeepWarm.Decision decision = policy(86_400, "").decide(alone(Duration.ofMinutes(5)));
    assertThat(decision.arrivalsPerSecond()).isEqualTo(0.1);
    assertThat(decision.stay()).isTrue();
    assertThat(decision.reason()).isEqualTo(KeepWarm.Reason.TRAFFIC);
  }

  @Test
  void moreTrafficWantsMoreWarmTasks() {
    assertThat(KeepWarm.warmFor(0, 10, 200, 10)).isZero();
    int quiet = KeepWarm.warmFor(0.01, 10, 200, 10);
    int steady = KeepWarm.warmFor(0.1, 10, 200, 10);
    int busy = KeepWarm.warmFor(0.5, 10, 200, 10);
    assertThat(quiet).isEqualTo(1);
    assertThat(steady).isGreaterThan(quiet);
    assertThat(busy).isGreaterThan(steady);
    // A dearer spared wait (a lower price in seconds) buys fewer.
    assertThat(KeepWarm.warmFor(0.1, 10, 20, 10)).isLessThan(steady);
  }

  @Test
  void neverMoreThanThePoolsCap() {
    assertThat(KeepWarm.warmFor(5, 20, 10_000, 4)).isEqualTo(4);
    arrivals(4_500, Duration.ofMinutes(15)); // 5 prompts a second
    KeepWarm.Decision decision = policy(86_400, "").decide(
        new KeepWarm.Situation(NOON, GRACE.multipliedBy(2), new GpuPool.Usage(3, 3, 1), 0, JOB));
    assertThat(decision.warmWanted()).isEqualTo(3);
    assertThat(decision.stay()).isTrue();
  }

  @Test
  void aQuietSpellKeepsOneTaskWhileAnyPromptCameWithinTheQuietWindow() {
    signals.arrived(NOON.minus(Duration.ofMinutes(10)));
    assertThat(policy(86_400, "").decide(alone(Duration.ofMinutes(10))).stay()).isTrue();
    KeepWarm.Decision second = policy(86_400, "").decide(
        new KeepWarm.Situation(NOON, Duration.ofMinutes(10), new GpuPool.Usage(10, 2, 2), 0, JOB));
    assertThat(second.stay()).isFalse();
    assertThat(second.reason()).isEqualTo(KeepWarm.Reason.NOT_NEEDED);
  }

  @Test
  void withNoTrafficATaskStaysOnlyForTheGrace() {
    assertThat(policy(86_400, "").decide(alone(Duration.ofSeconds(59))).reason()).isEqualTo(KeepWarm.Reason.GRACE);
    KeepWarm.Decision after = policy(86_400, "").decide(alone(Duration.ofSeconds(60)));
    assertThat(after.stay()).isFalse();
    assertThat(after.reason()).isEqualTo(KeepWarm.Reason.NOT_NEEDED);
  }

  @Test
  void aSpentBudgetSendsTasksAwayEvenWithTrafficAndInTheGrace() {
    arrivals(12, Duration.ofMinutes(2));
    KeepWarm policy = policy(100, "");
    policy.spentIdle(NOON.minusSeconds(5), Duration.ofSeconds(60));
    assertThat(policy.decide(alone(Duration.ofSeconds(1))).stay()).isTrue();
    policy.spentIdle(NOON.minusSeconds(1), Duration.ofSeconds(40));
    KeepWarm.Decision decision = policy.decide(alone(Duration.ofSeconds(1)));
    assertThat(decision.stay()).isFalse();
    assertThat(decision.reason()).isEqualTo(KeepWarm.Reason.BUDGET_SPENT);
    assertThat(decision.idleSpentToday()).isEqualTo(100);
  }

  @Test
  void theBudgetIsPerUtcDay() {
    KeepWarm policy = policy(100, "");
    policy.spentIdle(Instant.parse("2026-12-07T23:59:00Z"), Duration.ofSeconds(100));
    assertThat(signals.idleSecondsOn(LocalDate.parse("2026-12-07"))).isEqualTo(100);
    assertThat(policy.decide(alone(Duration.ofSeconds(1))).reason()).isEqualTo(KeepWarm.Reason.GRACE);
  }

  @Test
  void queuedWorkGetsTheSlotFirstEvenFromAPinnedTask() {
    arrivals(12, Duration.ofMinutes(2));
    KeepWarm.Decision decision = policy(86_400, "2 warm 00:00-23:59 daily").decide(
        new KeepWarm.Situation(NOON, Duration.ofSeconds(1), new GpuPool.Usage(2, 2, 1), 3, JOB));
    assertThat(decision.stay()).isFalse();
    assertThat(decision.reason()).isEqualTo(KeepWarm.Reason.QUEUED_WORK_NEEDS_THE_SLOT);
    // With a free slot, dispatch can launch for the queue: the warm task may stay.
    assertThat(policy(86_400, "2 warm 00:00-23:59 daily").decide(
        new KeepWarm.Situation(NOON, Duration.ofSeconds(1), new GpuPool.Usage(3, 2, 1), 3, JOB)).stay()).isTrue();
  }

  @Test
  void aPinnedScheduleHoldsItsTasksWithoutTrafficAndPastTheBudget() {
    KeepWarm policy = policy(0, "2 warm 09:00-18:00 Mon-Fri Europe/Paris");
    KeepWarm.Decision second = policy.decide(
        new KeepWarm.Situation(NOON, Duration.ofHours(1), new GpuPool.Usage(10, 2, 2), 0, JOB));
    assertThat(second.stay()).isTrue();
    assertThat(second.reason()).isEqualTo(KeepWarm.Reason.PINNED);
    KeepWarm.Decision third = policy.decide(
        new KeepWarm.Situation(NOON, Duration.ofHours(1), new GpuPool.Usage(10, 3, 3), 0, JOB));
    assertThat(third.stay()).isFalse();
    assertThat(third.reason()).isEqualTo(KeepWarm.Reason.BUDGET_SPENT);
    // 19:00 in Paris: the window is over.
    KeepWarm.Decision evening = policy.decide(new KeepWarm.Situation(Instant.parse("2026-12-08T18:00:00Z"),
        Duration.ofHours(1), new GpuPool.Usage(10, 1, 1), 0, JOB));
    assertThat(evening.stay()).isFalse();
  }
  @Test
  void wantedIsWhatTheTrafficAsksWhileTheBudgetLastsAndThePinnedCountAfter() {
    arrivals(90, Duration.ofMinutes(15)); // 0.1 prompt/s of 10 s jobs
    GpuPool.Usage oneUp = new GpuPool.Usage(10, 1, 1);
    KeepWarm open = policy(86_400, "");
    int forTraffic = open.wanted(NOON, oneUp, JOB);
    assertThat(forTraffic).isEqualTo(KeepWarm.warmFor(0.1, 10, KeepWarm.DEFAULT_SECONDS_PER_WAIT_SPARED, 10))
        .isGreaterThan(1);
    assertThat(open.wanted(NOON, new GpuPool.Usage(2, 1, 1), JOB)).isEqualTo(2);

    signals.addIdleSeconds(NOON, 86_400);
    assertThat(open.wanted(NOON, oneUp, JOB)).isZero();
    assertThat(policy(86_400, "3 warm 09:00-18:00 Mon-Sun UTC").wanted(NOON, oneUp, JOB)).isEqualTo(3);
  }

  @Test
  void wantedKeepsOneThroughAQuietSpellAndNoneAfterIt() {
    signals.arrived(NOON.minus(Duration.ofMinutes(10)));
    KeepWarm open = policy(86_400, "");
    GpuPool.Usage none = new GpuPool.Usage(10, 0, 0);
    assertThat(open.wanted(NOON, none, JOB)).isEqualTo(1);
    assertThat(open.wanted(NOON.plus(Duration.ofMinutes(11)), none, JOB)).isZero();
  }

  @Test
  void aBurstInTheRecentMinutesCountsAsBusyMinutesNotAsItsPrompts() {
    arrivals(15, Duration.ofMinutes(15)); // one a minute
    for (int i = 0; i < 120; i++) { // and a minute of 2 a second, five minutes ago
      signals.arrived(NOON.minus(Duration.ofMinutes(5)).plusMillis(500L * i));
    }
    double rate = policy(86_400, "").decide(alone(Duration.ofMinutes(5))).arrivalsPerSecond();
    assertThat(rate).as("one a minute, the burst minute clipped").isLessThan(2.0 / 60).isGreaterThanOrEqualTo(1.0 / 60);
  }

  @Test
  void theUsualTrafficSizesTheWarmSetBeforeItsPromptsArrive() {
    // Four weeks of 0.1 prompt/s from 09:00 on weekdays, nothing before; today nothing yet at 08:59.
    signals.saveProfile(usualTraffic(0.1));
    Instant beforeNine = Instant.parse("2026-12-08T08:59:00Z"); // a Tuesday
    KeepWarm open = policy(86_400, "");
    GpuPool.Usage none = new GpuPool.Usage(10, 0, 0);
    assertThat(open.wanted(beforeNine, none, JOB)).as("the next two minutes are in the busy hour")
        .isEqualTo(KeepWarm.warmFor(0.1, 10, KeepWarm.DEFAULT_SECONDS_PER_WAIT_SPARED, 10));
    assertThat(open.wanted(Instant.parse("2026-12-08T08:30:00Z"), none, JOB)).as("a quiet hour, as usual").isZero();
  }

  @Test
  void aDayThatContradictsTheUsualTrafficIsTakenAsItComes() {
    signals.saveProfile(usualTraffic(0.1));
    Instant tenOClock = Instant.parse("2026-12-08T10:00:00Z");
    GpuPool.Usage none = new GpuPool.Usage(10, 0, 0);
    // An hour into the busy hours and not one prompt: a holiday. 180 were expected over 30 minutes.
    assertThat(policy(86_400, "").wanted(tenOClock, none, JOB)).isZero();
    // A few prompts, fewer than usual but not improbably so for Poisson traffic: the usual holds.
    for (int i = 0; i < 150; i++) {
      signals.arrived(tenOClock.minus(Duration.ofMinutes(30)).plusSeconds(12L * i));
    }
    assertThat(policy(86_400, "").wanted(tenOClock, none, JOB)).isGreaterThan(1);
  }

  @Test
  void theFleetsTypicalJobFromTheLedgerSizesEveryTasksDecisionAlike() {
    signals.saveProfile(new ArrivalProfile(NOON, flat(0.1), 2.0)); // 2 s jobs, measured
    arrivals(90, Duration.ofMinutes(15));
    KeepWarm.Decision decision = policy(86_400, "").decide(new KeepWarm.Situation(NOON, Duration.ofMinutes(5),
        new GpuPool.Usage(10, 1, 1), 0, Duration.ofSeconds(40))); // this task ran only 40 s jobs
    assertThat(decision.warmWanted()).isEqualTo(KeepWarm.warmFor(0.1, 2, KeepWarm.DEFAULT_SECONDS_PER_WAIT_SPARED, 10));
  }

  @Test
  void staggeredClaimWindowsLoseAtMostATenthAndAlwaysTheSameForATask() {
    Duration window = Duration.ofMinutes(50);
    java.util.Set<Duration> seen = new java.util.HashSet<>();
    for (int i = 0; i < 20; i++) {
      Duration cut = KeepWarm.staggered(window, "exec-" + i);
      assertThat(cut).isLessThanOrEqualTo(window).isGreaterThanOrEqualTo(Duration.ofMinutes(45));
      assertThat(KeepWarm.staggered(window, "exec-" + i)).isEqualTo(cut);
      seen.add(cut);
    }
    assertThat(seen).as("tasks launched together leave at different times").hasSizeGreaterThan(15);
  }

  /** 0.1 prompt/s from 09:00 to 18:00 UTC on weekdays, none otherwise. */
  private static ArrivalProfile usualTraffic(double busy) {
    double[] rates = new double[ArrivalProfile.HOURS_PER_WEEK];
    for (int day = 0; day < 5; day++) {
      for (int hour = 9; hour < 18; hour++) {
        rates[day * 24 + hour] = busy;
      }
    }
    return new ArrivalProfile(NOON.minus(Duration.ofMinutes(10)), rates, 0);
  }

  private static double[] flat(double rate) {
    double[] rates = new double[ArrivalProfile.HOURS_PER_WEEK];
    java.util.Arrays.fill(rates, rate);
    return rates;
  }
}
