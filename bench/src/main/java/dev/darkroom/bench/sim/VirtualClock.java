package dev.darkroom.bench.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when the simulation moves it; time is counted in milliseconds from zero. */
final class VirtualClock extends Clock {
  static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");

  private long millis;

  long now() {
    return millis;
  }

  void advanceTo(long at) {
    if (at < millis) {
      throw new IllegalStateException("time cannot go back from " + millis + " to " + at);
    }
    millis = at;
  }

  @Override
  public Instant instant() {
    return EPOCH.plusMillis(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the simulation runs in UTC");
  }

  static long millisOf(Instant instant) {
    return instant.toEpochMilli() - EPOCH.toEpochMilli();
  }
}
