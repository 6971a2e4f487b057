package dev.darkroom.testing;

import dev.darkroom.core.port.WarmSignals;
import dev.darkroom.core.traffic.ArrivalProfile;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link WarmSignals} in memory: arrivals recorded by the caller as prompts are submitted (kept
 * sorted, so a count since an instant is a binary search: the dispatch simulation asks often).
 */
public final class InMemoryWarmSignals implements WarmSignals {
  private final List<Long> arrivals = new ArrayList<>();
  private final Map<LocalDate, Double> idle = new HashMap<>();
  private ArrivalProfile profile;

  /** A prompt was submitted at {@code at}. */
  public synchronized void arrived(Instant at) {
    long millis = at.toEpochMilli();
    int index = Collections.binarySearch(arrivals, millis);
    arrivals.add(index < 0 ? -index - 1 : index, millis);
  }

  @Override
  public synchronized long arrivalsSince(Instant since) {
    long millis = since.toEpochMilli();
    int low = 0;
    int high = arrivals.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (arrivals.get(mid) < millis) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return arrivals.size() - low;
  }

  @Override
  public synchronized double idleSecondsOn(LocalDate utcDay) {
    return idle.getOrDefault(utcDay, 0.0);
  }

  @Override
  public synchronized void addIdleSeconds(Instant at, double seconds) {
    idle.merge(at.atOffset(ZoneOffset.UTC).toLocalDate(), seconds, Double::sum);
  }

  /** Idle GPU-seconds of every day. */
  public synchronized double totalIdleSeconds() {
    return idle.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  @Override
  public synchronized Optional<ArrivalProfile> profile() {
    return Optional.ofNullable(profile);
  }

  @Override
  public synchronized void saveProfile(ArrivalProfile profile) {
    this.profile = profile;
  }
}
