package dev.darkroom.testing;

import dev.darkroom.core.port.RateCounter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** {@link RateCounter} in memory. */
public final class InMemoryRateCounter implements RateCounter {
  private record Window(String subject, Instant start) {}

  private final Map<Window, AtomicLong> counts = new ConcurrentHashMap<>();

  @Override
  public Counts increment(String subject, Instant windowStart, Instant previousWindowStart) {
    long current = counts.computeIfAbsent(new Window(subject, windowStart), w -> new AtomicLong()).incrementAndGet();
    AtomicLong previous = counts.get(new Window(subject, previousWindowStart));
    return new Counts(current, previous == null ? 0 : previous.get());
  }
}
