package dev.darkroom.emulators.eventarc;

import java.time.Duration;
import java.time.Instant;

/**
 * One POST of one message to a trigger's target.
 *
 * @param attempt delivery attempt number, 1 for the first; injected duplicates share it
 * @param status HTTP status, or -1 when no response came (refused, timed out)
 * @param error why no response came, else null
 * @param monotonicNanos {@link System#nanoTime()} when the POST started, for measuring gaps
 */
public record DeliveryRecord(
    String messageId,
    int attempt,
    boolean duplicate,
    Instant startedAt,
    long monotonicNanos,
    Duration latency,
    int status,
    String error) {

  public boolean succeeded() {
    return status >= 200 && status < 300;
  }
}
