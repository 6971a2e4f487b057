package dev.darkroom.core.traffic;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;

/**
 * The deployment's usual traffic: for each hour of the week (UTC, Monday 00:00 first), the typical
 * arrival rate over the weeks of history the ledger holds, and the typical time a job holds a task.
 * It lets the keep-warm policy size the warm set for the hour that is starting, before its first
 * prompts arrive, instead of after they waited.
 *
 * <p>"Typical" discounts bursts: each minute's count is clipped at what Poisson traffic at the
 * hour's median minute would rarely exceed ({@link #clipOf}), so a hundred prompts in a minute count
 * as a busy minute, not a hundred. Bursts are served by launching (dispatch scales out for them);
 * warm tasks are for the base traffic between them, which is what a quiet-spell prompt meets.
 *
 * @param ratePerHourOfWeek prompts a second, 168 entries; NaN for an hour the history does not cover
 * @param typicalJobSeconds how long a job holds a task, model load included (0: not known)
 */
public record ArrivalProfile(Instant computedAt, double[] ratePerHourOfWeek, double typicalJobSeconds) {
  public static final int HOURS_PER_WEEK = 168;
  /** Four weeks: each hour of the week averaged over four of its kind. */
  public static final Duration HISTORY = Duration.ofDays(28);
  /** Refreshed hourly: an hour of new history changes an hour-of-week figure by a quarter at most. */
  public static final Duration REFRESH_EVERY = Duration.ofHours(1);

  public ArrivalProfile {
    if (ratePerHourOfWeek.length != HOURS_PER_WEEK) {
      throw new IllegalArgumentException("an arrival profile has 168 hours, got " + ratePerHourOfWeek.length);
    }
    ratePerHourOfWeek = ratePerHourOfWeek.clone();
  }

  /** No history yet: every hour unknown. */
  public static ArrivalProfile empty(Instant computedAt) {
    double[] unknown = new double[HOURS_PER_WEEK];
    Arrays.fill(unknown, Double.NaN);
    return new ArrivalProfile(computedAt, unknown, 0);
  }

  /**
   * The profile of per-minute arrival counts.
   *
   * @param from the first minute of {@code perMinute} (truncated to the minute)
   * @param perMinute prompts submitted in each minute from {@code from} on, zeros included
   */
  public static ArrivalProfile fromMinuteCounts(Instant from, long[] perMinute, Instant computedAt,
      double typicalJobSeconds) {
    Instant start = from.truncatedTo(ChronoUnit.MINUTES);
    // Per hour of the week, the minutes of history that fall in it.
    long[][] minutes = new long[HOURS_PER_WEEK][];
    int[] filled = new int[HOURS_PER_WEEK];
    int perHour = (int) Math.ceil(perMinute.length / (double) HOURS_PER_WEEK) + 60;
    for (int h = 0; h < HOURS_PER_WEEK; h++) {
      minutes[h] = new long[perHour];
    }
    for (int i = 0; i < perMinute.length; i++) {
      int h = hourOfWeek(start.plusSeconds(60L * i));
      if (filled[h] == minutes[h].length) {
        minutes[h] = Arrays.copyOf(minutes[h], minutes[h].length * 2);
      }
      minutes[h][filled[h]++] = perMinute[i];
    }
    double[] rates = new double[HOURS_PER_WEEK];
    for (int h = 0; h < HOURS_PER_WEEK; h++) {
      rates[h] = filled[h] == 0 ? Double.NaN : typicalPerMinute(Arrays.copyOf(minutes[h], filled[h])) / 60.0;
    }
    return new ArrivalProfile(computedAt, rates, typicalJobSeconds);
  }

  /**
   * The typical prompts a minute of these minute counts: their mean, each clipped at
   * {@link #clipOf} their median. Used alike for the history of an hour and for the last minutes.
   */
  public static double typicalPerMinute(long[] counts) {
    if (counts.length == 0) {
      return 0;
    }
    long[] sorted = counts.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    double clip = clipOf(median);
    double total = 0;
    for (long c : counts) {
      total += Math.min(c, clip);
    }
    return total / n;
  }

  /**
   * The most a minute counts: its median plus three of Poisson's standard deviations at that
   * median, plus three (so that a quiet hour's median of 0 or 1 does not clip single prompts). Poisson
   * traffic exceeds it in well under 1% of minutes; a burst of a hundred prompts counts as this.
   */
  static double clipOf(double median) {
    return median + 3 * Math.sqrt(median) + 3;
  }

  /** The typical rate at {@code at}, if the history covers its hour of the week. */
  public Optional<Double> rateAt(Instant at) {
    double rate = ratePerHourOfWeek[hourOfWeek(at)];
    return Double.isNaN(rate) ? Optional.empty() : Optional.of(rate);
  }

  /** The hour of the week of {@code at}, UTC: 0 is Monday 00:00 to 01:00. */
  public static int hourOfWeek(Instant at) {
    ZonedDateTime utc = at.atZone(ZoneOffset.UTC);
    return (utc.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue()) * 24 + utc.getHour();
  }

  @Override
  public double[] ratePerHourOfWeek() {
    return ratePerHourOfWeek.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ArrivalProfile p && computedAt.equals(p.computedAt)
        && Arrays.equals(ratePerHourOfWeek, p.ratePerHourOfWeek) && typicalJobSeconds == p.typicalJobSeconds;
  }

  @Override
  public int hashCode() {
    return computedAt.hashCode() * 31 + Arrays.hashCode(ratePerHourOfWeek);
  }

  @Override
  public String toString() {
    return "ArrivalProfile[computedAt=" + computedAt + ", typicalJobSeconds=" + typicalJobSeconds + "]";
  }
}
