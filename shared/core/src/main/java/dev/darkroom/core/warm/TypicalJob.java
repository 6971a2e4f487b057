package dev.darkroom.core.warm;

import java.time.Duration;

/**
 * How long a job holds this task, model load included: the mean of the jobs it ran, which sizes
 * the load that recent arrivals put on warm tasks ({@link KeepWarm#warmFor}). Before its first job
 * a task assumes {@link #BEFORE_ANY}.
 */
public final class TypicalJob {
  /** A guess for a task that has run nothing yet: an SDXL image with its model load. */
  public static final Duration BEFORE_ANY = Duration.ofSeconds(10);

  private long jobs;
  private long totalMillis;

  public synchronized void ran(Duration took) {
    jobs++;
    totalMillis += Math.max(0, took.toMillis());
  }

  public synchronized Duration mean() {
    return jobs == 0 ? BEFORE_ANY : Duration.ofMillis(totalMillis / jobs);
  }
}
