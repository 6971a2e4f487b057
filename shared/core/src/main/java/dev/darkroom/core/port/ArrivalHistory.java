package dev.darkroom.core.port;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * What the system of record (the SQL ledger) says of past traffic: when jobs were created and how
 * long the ones that succeeded held a GPU. The reconciler reads it hourly to rebuild the keep-warm
 * policy's usual traffic ({@link dev.darkroom.core.port.WarmSignals#saveProfile}).
 */
public interface ArrivalHistory {

  /**
   * The jobs created at or after {@code from} and before {@code until}, counted per minute (UTC),
   * from the minute of the first of them to the minute before {@code until}, quiet minutes as zeros.
   * Minutes before the first job are not history (the deployment had no traffic yet).
   *
   * @param until a whole minute: the minute it starts is not counted
   * @return empty when no job was created in the window
   */
  Optional<MinuteCounts> createdPerMinute(Instant from, Instant until);

  /** The mean GPU-seconds of the jobs created in the window that succeeded; 0 if none did. */
  double meanSucceededGpuSeconds(Instant from, Instant until);

  /**
   * @param firstMinute the minute of {@code perMinute[0]}
   * @param perMinute jobs created in each minute from {@code firstMinute} on
   */
  record MinuteCounts(Instant firstMinute, long[] perMinute) {
    public MinuteCounts {
      perMinute = perMinute.clone();
    }

    /**
     * The counts of the minutes that had jobs, zeros filled in, up to the minute before
     * {@code until}; empty when no minute had any.
     *
     * @param jobsByMinute jobs created per minute (each key a whole minute), quiet minutes absent
     */
    public static Optional<MinuteCounts> filling(Map<Instant, Long> jobsByMinute, Instant until) {
      if (jobsByMinute.isEmpty()) {
        return Optional.empty();
      }
      Instant first = Collections.min(jobsByMinute.keySet());
      long minutes = Math.floorDiv(Duration.between(first, until).toSeconds() + 59, 60);
      long[] perMinute = new long[(int) Math.max(minutes, 1)];
      jobsByMinute.forEach((minute, jobs) -> perMinute[(int) Duration.between(first, minute).toMinutes()] += jobs);
      return Optional.of(new MinuteCounts(first, perMinute));
    }

    @Override
    public long[] perMinute() {
      return perMinute.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof MinuteCounts m && firstMinute.equals(m.firstMinute)
          && Arrays.equals(perMinute, m.perMinute);
    }

    @Override
    public int hashCode() {
      return firstMinute.hashCode() * 31 + Arrays.hashCode(perMinute);
    }

    @Override
    public String toString() {
      return "MinuteCounts[firstMinute=" + firstMinute + ", minutes=" + perMinute.length + ", jobs="
          + Arrays.stream(perMinute).sum() + "]";
    }
  }
}
