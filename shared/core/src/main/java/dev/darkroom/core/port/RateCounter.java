package dev.darkroom.core.port;

import java.time.Instant;

/** Request counts per subject and fixed window, shared by every instance (Cloud SQL in the cloud). */
public interface RateCounter {

  /**
   * Counts one request of {@code subject} in the window starting {@code windowStart}.
   *
   * @return the window's count including this request, and the count of the window before it
   */
  Counts increment(String subject, Instant windowStart, Instant previousWindowStart);

  record Counts(long current, long previous) {}
}
