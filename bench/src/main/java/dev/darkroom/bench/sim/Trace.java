package dev.darkroom.bench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Prompts arriving over time, generated from a fixed seed so every run sees the same trace.
 *
 * @param durationMillis the trace's length: arrivals fall inside it, and the always-on pool is
 *     billed for at least this long
 * @param usualRate prompts a second at a time of day (seconds since midnight UTC): the traffic of
 *     the weeks before the trace, which the ledger holds and the keep-warm policy learns from
 */
record Trace(String name, long durationMillis, List<Arrival> arrivals, DoubleUnaryOperator usualRate) {

  record Arrival(long atMillis, Workflow workflow) {}

  /** A trace with no history before it. */
  Trace(String name, long durationMillis, List<Arrival> arrivals) {
    this(name, durationMillis, arrivals, null);
  }

  /** Which workflows prompts use, and how often. */
  record Mix(List<Workflow> workflows, double[] weights) {
    Workflow pick(Random random) {
      double total = 0;
      for (double w : weights) {
        total += w;
      }
      double x = random.nextDouble() * total;
      for (int i = 0; i < weights.length; i++) {
        x -= weights[i];
        if (x < 0) {
          return workflows.get(i);
        }
      }
      return workflows.get(workflows.size() - 1);
    }
  }

  /** Poisson arrivals at a constant rate. */
  static Trace steady(long seed, Mix mix, double perSecond, long durationSeconds) {
    return poisson("steady", seed, mix, t -> perSecond, perSecond, durationSeconds);
  }

  /**
   * On/off bursts: every {@code periodSeconds}, {@code burstSeconds} of Poisson arrivals at
   * {@code burstPerSecond}; in between, a background rate of {@code offPerSecond}.
   */
  static Trace bursty(long seed, Mix mix, double burstPerSecond, long burstSeconds, double offPerSecond,
      long periodSeconds, long durationSeconds) {
    return poisson("bursty", seed, mix,
        t -> (t % periodSeconds) < burstSeconds ? burstPerSecond : offPerSecond,
        Math.max(burstPerSecond, offPerSecond), durationSeconds);
  }

  /**
   * Against the keep-warm policy: every {@code periodSeconds}, {@code onSeconds} of Poisson arrivals
   * at {@code perSecond}, long enough for the policy to decide to keep tasks warm, then nothing at
   * all for the rest of the period, so every warm second after it is wasted.
   */
  static Trace stopStart(long seed, Mix mix, double perSecond, long onSeconds, long periodSeconds,
      long durationSeconds) {
    return poisson("stop-start", seed, mix, t -> (t % periodSeconds) < onSeconds ? perSecond : 0, perSecond,
        durationSeconds);
  }

  /** A day's curve: a sinusoidal rate, lowest at midnight and highest at noon. */
  static Trace daily(long seed, Mix mix, double meanPerSecond, double amplitude, long durationSeconds) {
    return poisson("day", seed, mix,
        t -> meanPerSecond * (1 - amplitude * Math.cos(2 * Math.PI * t / 86_400.0)),
        meanPerSecond * (1 + amplitude), durationSeconds);
  }

  /**
   * The day trace's usual traffic, then a holiday: the day's curve until {@code stopSeconds}, then
   * nothing at all, while the history says the busy hours are still to come. Against the usual
   * traffic: every warm second it buys after the stop is wasted.
   */
  static Trace holiday(long seed, Mix mix, double meanPerSecond, double amplitude, long stopSeconds,
      long durationSeconds) {
    Trace usual = daily(seed, mix, meanPerSecond, amplitude, durationSeconds);
    List<Arrival> arrivals = usual.arrivals().stream().filter(a -> a.atMillis() < stopSeconds * 1000).toList();
    return new Trace("holiday", durationSeconds * 1000, arrivals, usual.usualRate());
  }

  /**
   * Poisson arrivals a minute over the {@code days} before the trace, at its usual rate: what the
   * ledger holds when the trace begins (another seed than the trace's own arrivals).
   */
  long[] historyPerMinute(long seed, int days) {
    Random random = new Random(seed);
    long[] counts = new long[days * 1440];
    for (int minute = 0; minute < counts.length; minute++) {
      double mean = 0;
      for (int s = 0; s < 60; s++) {
        mean += usualRate.applyAsDouble((minute * 60.0 + s + 0.5) % 86_400);
      }
      counts[minute] = poissonCount(random, mean);
    }
    return counts;
  }

  /** A Poisson count by its inverse distribution function (means here stay below a few hundred). */
  private static long poissonCount(Random random, double mean) {
    double u = random.nextDouble();
    double p = Math.exp(-mean);
    if (p == 0) {
      return Math.round(mean + Math.sqrt(mean) * random.nextGaussian());
    }
    double cumulative = p;
    long k = 0;
    while (u > cumulative && k < 10_000) {
      k++;
      p *= mean / k;
      cumulative += p;
    }
    return k;
  }

  /** A non-homogeneous Poisson process by thinning (Lewis and Shedler): candidates at the peak rate. */
  private static Trace poisson(String name, long seed, Mix mix, DoubleUnaryOperator rate, double peak,
      long durationSeconds) {
    Random random = new Random(seed);
    List<Arrival> arrivals = new ArrayList<>();
    double t = 0;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / peak;
      if (t >= durationSeconds) {
        break;
      }
      boolean kept = random.nextDouble() * peak < rate.applyAsDouble(t);
      Workflow workflow = mix.pick(random);
      if (kept) {
        arrivals.add(new Arrival(Math.round(t * 1000), workflow));
      }
    }
    return new Trace(name, durationSeconds * 1000, List.copyOf(arrivals), rate);
  }
}
