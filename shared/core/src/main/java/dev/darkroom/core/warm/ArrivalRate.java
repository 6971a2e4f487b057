package dev.darkroom.core.warm;

import dev.darkroom.core.port.WarmSignals;
import dev.darkroom.core.traffic.ArrivalProfile;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The arrival rate the warm set is sized for, from two sources:
 * <ul>
 *   <li><b>the last minutes</b>: the typical count of the last {@code recentMinutes} whole minutes
 *       ({@link ArrivalProfile#typicalPerMinute}: a burst counts as one busy minute, so the tasks it
 *       needed are let go as soon as it ends, while steady traffic is read from many minutes, not a
 *       noisy two);
 *   <li><b>the usual traffic</b> for this hour of the week and the next few minutes
 *       ({@link ArrivalProfile}, from the ledger): warm tasks are up when the morning rises, not after
 *       its first prompts waited. Trusted unless today contradicts it: fewer arrivals over the last
 *       {@link #CHECK_WINDOW} than Poisson traffic at the usual rate would give once in a thousand
 *       times (a holiday, a client that stopped), and then forgotten until it holds again.
 * </ul>
 * The rate is the higher of the two. Counts of past minutes never change, so each is read once and
 * kept (a decision every few seconds reads one or two new minutes, not thirty).
 */
final class ArrivalRate {
  /** How far ahead the usual traffic is read: about a cold start and a top-up tick. */
  static final Duration LOOKAHEAD = Duration.ofMinutes(2);
  /** Today's arrivals are held against the usual traffic over this long. */
  static final Duration CHECK_WINDOW = Duration.ofMinutes(30);
  /** A rarer shortfall than this says the usual traffic does not hold today. */
  static final double CONTRADICTED_BELOW = 1e-3;
  /** The profile is re-read this often: the reconciler refreshes it hourly. */
  static final Duration PROFILE_KEPT = Duration.ofMinutes(5);

  private final WarmSignals signals;
  private final int recentMinutes;
  private final int keptMinutes;
  /** Whole past minutes (epoch minute) and their arrivals. */
  private final Map<Long, Long> minutes = new LinkedHashMap<>();
  private Optional<ArrivalProfile> profile = Optional.empty();
  private Instant profileReadAt;

  /** @param quietWindow the longest look back asked of {@link #anySince} */
  ArrivalRate(WarmSignals signals, Duration recentWindow, Duration quietWindow) {
    this.signals = signals;
    this.recentMinutes = (int) Math.max(1, recentWindow.toMinutes());
    this.keptMinutes = (int) Math.max(recentMinutes, Math.max(quietWindow.toMinutes(), CHECK_WINDOW.toMinutes())) + 2;
  }

  /** The estimate at {@code now}, and where it came from. */
  record Estimate(double perSecond, double recentPerSecond, double usualPerSecond, boolean usualHolds) {}

  synchronized Estimate at(Instant now) {
    long[] recent = lastMinutes(now, recentMinutes);
    double recentRate = ArrivalProfile.typicalPerMinute(recent) / 60.0;
    Optional<ArrivalProfile> usualTraffic = profile(now);
    Optional<Double> usualNow = usualTraffic.flatMap(p -> p.rateAt(now));
    if (usualNow.isEmpty()) {
      return new Estimate(recentRate, recentRate, Double.NaN, false);
    }
    double usual = Math.max(usualNow.get(), usualTraffic.get().rateAt(now.plus(LOOKAHEAD)).orElse(0.0));
    double expected = usualNow.get() * CHECK_WINDOW.toSeconds();
    long seen = sum(lastMinutes(now, (int) CHECK_WINDOW.toMinutes()));
    boolean holds = poissonAtMost(seen, expected) >= CONTRADICTED_BELOW;
    return new Estimate(holds ? Math.max(recentRate, usual) : recentRate, recentRate, usual, holds);
  }

  /**
   * The fleet's typical job time, when the reconciler saved a profile: the ledger's, or
   * {@link TypicalJob#BEFORE_ANY} while no job has succeeded. Every task, dispatch and the
   * reconciler then size the warm set alike; a task that sized it by its own jobs alone would send
   * away what the reconciler just launched. Empty without a profile.
   */
  synchronized Optional<Duration> typicalJob(Instant now) {
    return profile(now).map(p -> p.typicalJobSeconds() > 0
        ? Duration.ofMillis(Math.round(p.typicalJobSeconds() * 1000)) : TypicalJob.BEFORE_ANY);
  }

  /** Whether any prompt came at or after {@code since}. */
  synchronized boolean anySince(Instant since) {
    return signals.arrivalsSince(since) > 0;
  }

  private Optional<ArrivalProfile> profile(Instant now) {
    if (profileReadAt == null || !now.isBefore(profileReadAt.plus(PROFILE_KEPT)) || now.isBefore(profileReadAt)) {
      profile = signals.profile();
      profileReadAt = now;
    }
    return profile;
  }

  /** Arrivals in each of the {@code count} whole minutes before the current one, and in the current one so far. */
  private long[] lastMinutes(Instant now, int count) {
    Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
    long current = thisMinute.getEpochSecond() / 60;
    long[] counts = new long[count];
    // The minute under way is partly seen: it is left out, the last `count` whole ones are read.
    for (int i = 0; i < count; i++) {
      long minute = current - 1 - i;
      Long known = minutes.get(minute);
      if (known == null) {
        Instant from = Instant.ofEpochSecond(minute * 60);
        known = signals.arrivalsBetween(from, from.plusSeconds(60));
        // A minute that just ended may still gain a job document written late: kept from the next one on.
        if (minute < current - 1) {
          minutes.put(minute, known);
        }
      }
      counts[i] = known;
    }
    minutes.keySet().removeIf(m -> m < current - keptMinutes);
    return counts;
  }

  private static long sum(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }

  /** P(X ≤ k) for X Poisson with mean {@code mean}, summed in log space. */
  static double poissonAtMost(long k, double mean) {
    if (mean <= 0) {
      return 1;
    }
    double term = -mean; // log P(X = 0)
    double total = Math.exp(term);
    for (long i = 1; i <= k; i++) {
      term += Math.log(mean) - Math.log(i);
      total += Math.exp(term);
      if (total >= 1) {
        return 1;
      }
    }
    return total;
  }
}
