package dev.darkroom.testing;

import dev.darkroom.core.port.IdempotencyKeys;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link IdempotencyKeys} in memory; a claim is one atomic {@code compute}, like Firestore's create. */
public final class InMemoryIdempotencyKeys implements IdempotencyKeys {
  private final Map<List<String>, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public Entry claim(Entry fresh, Instant now) {
    return entries.compute(List.of(fresh.userId(), fresh.key()),
        (key, stored) -> stored != null && stored.liveAt(now) ? stored : fresh);
  }

  @Override
  public void release(String userId, String key, String jobId) {
    entries.computeIfPresent(List.of(userId, key), (k, stored) -> stored.jobId().equals(jobId) ? null : stored);
  }

  /** How many keys are recorded, live or not. */
  public int size() {
    return entries.size();
  }
}
