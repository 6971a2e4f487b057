package dev.darkroom.core.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/**
 * When a notification target that failed is tried again: Standard Webhooks' (Svix's) published
 * schedule by default, immediately then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (about
 * 27 h in all), each wait stretched or shrunk by up to {@link #JITTER} so that the retries of many
 * notifications that failed together (a receiver's outage) do not arrive together.
 *
 * <p>Each target keeps its own schedule: its next attempt waits from its own last one
 * ({@link #waitBefore(int, String)}). The jitter of a wait is derived from the target's key, so a
 * later run computes the same due time without storing it.
 *
 * <p>Written as {@code WEBHOOK_RETRY_SCHEDULE}: comma-separated waits before each attempt, the
 * first normally {@code 0s}; units {@code s}, {@code m}, {@code h} (tests use seconds).
 */
public final class RetrySchedule {
  public static final String DEFAULT = "0s,5s,5m,30m,2h,5h,10h,10h";
  public static final double JITTER = 0.1;

  private final List<Duration> waits;
  /** A number in [0, 1) for a key: where in the jitter range that key's wait falls. */
  private final ToDoubleFunction<String> jitter;

  /** A schedule whose jitter comes from {@code random} (tests pass a constant: 0.5 is no jitter). */
  public RetrySchedule(List<Duration> waits, DoubleSupplier random) {
    this(waits, (ToDoubleFunction<String>) key -> random.getAsDouble());
  }

  private RetrySchedule(List<Duration> waits, ToDoubleFunction<String> jitter) {
    if (waits.isEmpty()) {
      throw new IllegalArgumentException("a retry schedule needs at least one attempt");
    }
    this.waits = List.copyOf(waits);
    this.jitter = jitter;
  }

  /** Spread evenly over [0, 1) and the same for the same key, in every process. */
  static double jitterOf(String key) {
    long bits = UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).getLeastSignificantBits();
    return (bits >>> 11) * 0x1.0p-53;
  }

  public static RetrySchedule standard() {
    return parse(DEFAULT);
  }

  public static RetrySchedule parse(String text) {
    List<Duration> waits = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      if (!p.matches("\\d+[smh]")) {
        throw new IllegalArgumentException("WEBHOOK_RETRY_SCHEDULE: \"" + part.trim()
            + "\" is not a wait like 5s, 30m or 2h (the schedule is a comma-separated list of them)");
      }
      long n = Long.parseLong(p.substring(0, p.length() - 1));
      waits.add(switch (p.charAt(p.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    return new RetrySchedule(waits, (ToDoubleFunction<String>) RetrySchedule::jitterOf);
  }

  /** The waits before each attempt, without jitter. */
  public List<Duration> waits() {
    return waits;
  }

  /** How many attempts a target gets in all. */
  public int attempts() {
    return waits.size();
  }

  /** The total of the waits (without jitter): how long a failing target keeps being retried. */
  public Duration span() {
    return waits.stream().reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * The wait before attempt number {@code attempt} (1-based), jittered; empty once the schedule
   * is over (the target is given up on).
   */
  public Optional<Duration> waitBefore(int attempt) {
    return waitBefore(attempt, "");
  }

  /**
   * The wait before attempt number {@code attempt} of the target {@code key} (e.g. notification
   * id, target and attempt), jittered the same way each time it is asked; empty once the schedule
   * is over.
   */
  public Optional<Duration> waitBefore(int attempt, String key) {
    if (attempt < 1 || attempt > waits.size()) {
      return Optional.empty();
    }
    Duration wait = waits.get(attempt - 1);
    double factor = 1 + JITTER * (2 * jitter.applyAsDouble(key) - 1);
    return Optional.of(Duration.ofMillis(Math.round(wait.toMillis() * factor)));
  }

  @Override
  public String toString() {
    return waits.toString();
  }
}
