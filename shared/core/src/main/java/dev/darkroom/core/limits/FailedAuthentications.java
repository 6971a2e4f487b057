package dev.darkroom.core.limits;

import dev.darkroom.core.port.RateCounter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed authentications per client address, so that guessing credentials or flooding with bad
 * ones costs the sender, not us: once an address has failed {@code perMinute} times in the last
 * minute (the same sliding-window estimate as {@link Admission}'s rates), every request from it is
 * refused {@code 429} with {@code Retry-After} before its credential is looked at, and those
 * refusals count as failures too: a client that ignores {@code Retry-After} stays refused.
 * Addresses behind one NAT share the allowance, which is far above what a correct client fails.
 *
 * <p>Counted in this instance's memory, not in the shared counters: a failure must cost no
 * database write (the point is that bad credentials are cheap to refuse), so a sender spread over
 * {@code n} instances gets at most {@code n} allowances; the load balancer's Cloud Armor policy
 * bans per address across all of them (terraform/). At most {@link #MAX_ADDRESSES} addresses are
 * remembered (about 100 bytes each); past it, addresses with no failure in the last two minutes are
 * forgotten, then all if that is not enough.
 */
public final class FailedAuthentications {
  static final int MAX_ADDRESSES = 50_000;
  private static final Duration WINDOW = Admission.WINDOW;

  /** Failures of one address in its current one-minute window and in the window before. */
  private record Windows(Instant start, long current, long previous) {
    Windows at(Instant windowStart) {
      if (windowStart.equals(start)) {
        return this;
      }
      return new Windows(windowStart, 0, windowStart.equals(start.plus(WINDOW)) ? current : 0);
    }
  }

  private final long perMinute;
  private final Clock clock;
  private final Map<String, Windows> byAddress = new ConcurrentHashMap<>();

  /** @param perMinute failures allowed per address in a sliding minute; 0 turns the limit off */
  public FailedAuthentications(long perMinute, Clock clock) {
    if (perMinute < 0) {
      throw new IllegalArgumentException("failed authentications per minute must not be negative: " + perMinute);
    }
    this.perMinute = perMinute;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** No limit (the local stack without authentication, and tests of other things). */
  public static FailedAuthentications off() {
    return new FailedAuthentications(0, Clock.systemUTC());
  }

  /**
   * Asked before authenticating: a refusal when {@code address} has used up its failures; the
   * refused request then counts as one more.
   */
  public Optional<Admission.Refusal> refusal(String address) {
    if (perMinute == 0) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Windows seen = byAddress.get(address);
    if (seen == null) {
      return Optional.empty();
    }
    Windows windows = seen.at(windowStart(now));
    double elapsed = elapsed(now);
    if (windows.previous() * (1 - elapsed) + windows.current() < perMinute) {
      return Optional.empty();
    }
    Windows counted = count(address, now);
    return Optional.of(new Admission.Refusal(429,
        Admission.retryAfter(new RateCounter.Counts(counted.current(), counted.previous()), perMinute, elapsed),
        "too many failed authentications from your address (at most " + perMinute
            + " a minute); check your credential and retry later"));
  }

  /** Records a failed authentication from {@code address}. */
  public void failed(String address) {
    if (perMinute > 0) {
      count(address, clock.instant());
    }
  }

  private Windows count(String address, Instant now) {
    Instant start = windowStart(now);
    if (byAddress.size() >= MAX_ADDRESSES && !byAddress.containsKey(address)) {
      Instant stale = start.minus(WINDOW);
      byAddress.values().removeIf(windows -> windows.start().isBefore(stale));
      if (byAddress.size() >= MAX_ADDRESSES) {
        byAddress.clear();
      }
    }
    return byAddress.compute(address, (a, seen) -> {
      Windows windows = seen == null ? new Windows(start, 0, 0) : seen.at(start);
      return new Windows(start, windows.current() + 1, windows.previous());
    });
  }

  private static Instant windowStart(Instant now) {
    long millis = now.toEpochMilli();
    return Instant.ofEpochMilli(millis - Math.floorMod(millis, WINDOW.toMillis()));
  }

  private static double elapsed(Instant now) {
    return Math.floorMod(now.toEpochMilli(), WINDOW.toMillis()) / (double) WINDOW.toMillis();
  }
}
