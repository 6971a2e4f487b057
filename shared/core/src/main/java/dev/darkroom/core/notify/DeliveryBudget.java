package dev.darkroom.core.notify;

import java.time.Duration;
import java.time.Instant;

/**
 * What one notify run may do before the platform kills it at the function's timeout: a run killed
 * mid-way loses the record of what it had just posted (so the next run posts it again) and never
 * reaches the targets after it. So attempts run {@link #concurrency} at a time, each bounded by
 * {@link #attemptTimeout} (the webhook sender's bound on a whole call), and an attempt is started
 * only if it can end before {@link #deadline}: the timeout less {@link #margin}, kept for the log
 * writes and the reply. A target not started is left for the next run, as due.
 *
 * @param runTimeout the function's timeout ({@code NOTIFY_TIMEOUT_SECONDS}, the same value as
 *     Terraform's {@code timeout_seconds} for notify)
 * @param margin the end of the run kept free of attempts
 * @param attemptTimeout the longest one attempt takes
 * @param concurrency attempts at once ({@code WEBHOOK_CONCURRENCY})
 */
public record DeliveryBudget(Duration runTimeout, Duration margin, Duration attemptTimeout, int concurrency) {
  /** Kept free at the end of a run: the writes after the last attempt take well under a second. */
  public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(10);
  public static final int DEFAULT_CONCURRENCY = 10;

  public DeliveryBudget {
    if (concurrency < 1) {
      throw new IllegalArgumentException("at least one attempt at a time, not " + concurrency);
    }
    if (margin.plus(attemptTimeout).compareTo(runTimeout) >= 0) {
      throw new IllegalArgumentException("a run of " + runTimeout.toSeconds() + " s cannot hold one attempt of "
          + attemptTimeout.toSeconds() + " s and a margin of " + margin.toSeconds() + " s");
    }
  }

  /** When a run that started at {@code start} must have finished its attempts. */
  public Instant deadline(Instant start) {
    return start.plus(runTimeout).minus(margin);
  }

  /** Whether an attempt starting {@code now} ends before {@code deadline}, however slow the target. */
  public boolean fits(Instant now, Instant deadline) {
    return !now.plus(attemptTimeout).isAfter(deadline);
  }
}
