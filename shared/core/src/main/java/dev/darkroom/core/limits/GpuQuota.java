package dev.darkroom.core.limits;

import dev.darkroom.core.port.Usage;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * GPU-seconds per user and calendar month (UTC), by tier ({@code MONTHLY_GPU_SECONDS}): what the
 * ledger has billed the user since the month began, against their tier's quota. Every attempt of a
 * job is billed ({@code Job#billedGpuSeconds}), so retries, lost and handed-back attempts count.
 *
 * <p>A job still running is billed when it ends: a user one second under the quota may start as
 * many jobs as their tier runs at once, and each runs to its end. The overrun is bounded by
 * {@code TIER_CONCURRENCY} times the task timeout; the next job is refused.
 */
public final class GpuQuota {
  private final Usage usage;
  private final PerTier monthlyGpuSeconds;
  private final Clock clock;

  public GpuQuota(Usage usage, PerTier monthlyGpuSeconds, Clock clock) {
    this.usage = Objects.requireNonNull(usage, "usage");
    this.monthlyGpuSeconds = Objects.requireNonNull(monthlyGpuSeconds, "monthlyGpuSeconds");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** No quota for any tier: nothing is read. */
  public static GpuQuota none() {
    return new GpuQuota((user, since) -> 0, PerTier.none(), Clock.systemUTC());
  }

  /** A user who has used up their tier's quota for the month. */
  public record Exceeded(String tier, long quota, double used, Instant monthStart, Instant renewsAt) {
    public String message() {
      return String.format(java.util.Locale.ROOT, "tier %s includes %d GPU-seconds a month; %.0f used since %s."
          + " The quota renews at %s", tier, quota, used, monthStart, renewsAt);
    }
  }

  /**
   * Whether the user of {@code tier} has used their month's quota; empty when not, or when the tier
   * has none. Throws what the ledger throws.
   */
  public Optional<Exceeded> exceeded(String userId, String tier) {
    OptionalLong quota = monthlyGpuSeconds.of(tier);
    if (quota.isEmpty()) {
      return Optional.empty();
    }
    YearMonth month = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
    Instant monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant nextMonth = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    double used = usage.gpuSecondsSince(userId, monthStart);
    return used >= quota.getAsLong()
        ? Optional.of(new Exceeded(tier, quota.getAsLong(), used, monthStart, nextMonth))
        : Optional.empty();
  }
}
