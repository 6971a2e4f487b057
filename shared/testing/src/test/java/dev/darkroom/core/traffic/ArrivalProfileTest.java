package dev.darkroom.core.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArrivalProfileTest {
  /** A Monday, midnight UTC. */
  private static final Instant MONDAY = Instant.parse("2026-11-02T00:00:00Z");

  @Test
  void hoursOfTheWeekStartOnMondayUtc() {
    assertThat(ArrivalProfile.hourOfWeek(MONDAY)).isZero();
    assertThat(ArrivalProfile.hourOfWeek(Instant.parse("2026-11-03T13:30:00Z"))).isEqualTo(24 + 13);
    assertThat(ArrivalProfile.hourOfWeek(Instant.parse("2026-11-08T23:59:59Z"))).isEqualTo(167);
  }

  @Test
  void poissonTrafficIsMeasuredAtItsRate() {
    // Four weeks at 0.05 prompt/s (3 a minute), Poisson.
    long[] perMinute = poissonMinutes(new Random(1), 3.0, 28 * 1440);
    ArrivalProfile profile = ArrivalProfile.fromMinuteCounts(MONDAY, perMinute, MONDAY.plusSeconds(28 * 86_400L), 8);
    for (double rate : profile.ratePerHourOfWeek()) {
      assertThat(rate).isCloseTo(0.05, within(0.01));
    }
    assertThat(profile.typicalJobSeconds()).isEqualTo(8);
  }

  @Test
  void aBurstCountsAsABusyMinuteNotAsAHundredPrompts() {
    long[] quiet = poissonMinutes(new Random(2), 0.6, 600);
    long[] bursty = quiet.clone();
    for (int i = 0; i < bursty.length; i += 10) {
      bursty[i] = 120; // a minute of 2 prompts a second every ten minutes
    }
    double base = ArrivalProfile.typicalPerMinute(quiet);
    double mean = Arrays.stream(bursty).average().orElseThrow();
    double typical = ArrivalProfile.typicalPerMinute(bursty);
    assertThat(mean).isGreaterThan(12);
    assertThat(typical).isLessThan(base + 1).isGreaterThanOrEqualTo(base);
  }

  @Test
  void hoursTheHistoryDoesNotCoverAreUnknown() {
    // One day of history, Monday: Tuesday to Sunday are unknown.
    ArrivalProfile profile = ArrivalProfile.fromMinuteCounts(MONDAY, new long[1440], MONDAY.plusSeconds(86_400), 0);
    assertThat(profile.rateAt(MONDAY.plusSeconds(3600))).contains(0.0);
    assertThat(profile.rateAt(MONDAY.plusSeconds(86_400 + 3600))).isEmpty();
    assertThat(ArrivalProfile.empty(MONDAY).rateAt(MONDAY)).isEmpty();
  }

  private static long[] poissonMinutes(Random random, double perMinute, int minutes) {
    long[] counts = new long[minutes];
    for (int i = 0; i < minutes; i++) {
      // Knuth's method: fine for small means.
      double limit = Math.exp(-perMinute);
      double product = random.nextDouble();
      long k = 0;
      while (product > limit) {
        product *= random.nextDouble();
        k++;
      }
      counts[i] = k;
    }
    return counts;
  }
}
