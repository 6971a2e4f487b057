package dev.darkroom.runner;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import java.time.Duration;

/**
 * How often and how patiently the runner retries a step that failed transiently (publishing an
 * event, uploading an output). Bounded, so that a broken dependency ends the task instead of
 * holding a GPU forever.
 */
public record Retries(int maxAttempts, Duration firstDelay, Duration maxDelay) {

  /** About 30 s of trying in all: long enough for a Pub/Sub or Cloud Storage hiccup. */
  public static Retries standard() {
    return new Retries(6, Duration.ofMillis(500), Duration.ofSeconds(10));
  }

  /** An executor that retries any runtime failure (not interruption) with exponential backoff. */
  public <T> FailsafeExecutor<T> executor() {
    RetryPolicy<T> policy = RetryPolicy.<T>builder()
        .handle(RuntimeException.class)
        .withMaxAttempts(maxAttempts)
        .withBackoff(firstDelay, maxDelay)
        .build();
    return Failsafe.with(policy);
  }
}
