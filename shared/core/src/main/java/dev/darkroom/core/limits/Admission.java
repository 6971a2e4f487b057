package dev.darkroom.core.limits;

import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.RateCounter;
import dev.darkroom.core.port.Usage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a caller may make this request, and may queue another job:
 * <ul>
 *   <li>requests per minute, per user (by tier) and per API key: {@code 429} with {@code Retry-After};
 *   <li>jobs waiting (queued or dispatched) per user, by tier: {@code 429};
 *   <li>GPU-seconds per calendar month (UTC), by tier: {@code 402} until the month turns.
 * </ul>
 * Rates are a sliding-window estimate over two fixed one-minute windows (the previous window's
 * count weighted by how much of it still overlaps the last minute), shared by every instance.
 * Refused requests count too: a client that ignores {@code Retry-After} stays refused.
 *
 * <p>When the counters or the ledger cannot be read, requests are let through and the failure
 * logged: limits protect capacity and cost, and an outage of the database must not take the API
 * down with it. The GPU pool's cap still bounds what runs.
 *
 * <p>The three checks are independent reads (a counter upsert, a count of the caller's waiting
 * jobs, a sum of their month's GPU time), so a submission asks them at once, on {@code executor},
 * and waits for the slowest rather than for their sum. The answer is the one the checks would
 * give one after another: the rate's refusal first, then the waiting jobs', then the quota's.
 */
public final class Admission {
  private static final Logger log = LoggerFactory.getLogger(Admission.class);
  static final Duration WINDOW = Duration.ofMinutes(1);
  private static final Set<JobStatus> WAITING = EnumSet.of(JobStatus.QUEUED, JobStatus.DISPATCHED);
  /** A full queue drains at the GPUs' pace; clients are told to come back after this long. */
  static final Duration QUEUE_FULL_RETRY = Duration.ofSeconds(30);

  /**
   * @param requestsPerMinute per user, by tier
   * @param keyRequestsPerMinute per API key, whatever the tier; empty for none
   * @param maxWaitingJobs queued or dispatched jobs per user, by tier
   * @param monthlyGpuSeconds GPU-seconds per user and calendar month, by tier
   */
  public record Settings(
      PerTier requestsPerMinute, OptionalLong keyRequestsPerMinute, PerTier maxWaitingJobs,
      PerTier monthlyGpuSeconds) {
    public static Settings none() {
      return new Settings(PerTier.none(), OptionalLong.empty(), PerTier.none(), PerTier.none());
    }
  }

  /** Why a request is refused, answered with {@code status} (429 or 402) and {@code Retry-After}. */
  public record Refusal(int status, Duration retryAfter, String message) {}

  private final RateCounter counter;
  private final JobStore jobs;
  private final Usage usage;
  private final Settings settings;
  private final Clock clock;
  private final Executor executor;

  /** Checks run at once on a pool of daemon threads of this class's own. */
  public Admission(RateCounter counter, JobStore jobs, Usage usage, Settings settings, Clock clock) {
    this(counter, jobs, usage, settings, clock, Checks.POOL);
  }

  public Admission(RateCounter counter, JobStore jobs, Usage usage, Settings settings, Clock clock, Executor executor) {
    this.counter = Objects.requireNonNull(counter, "counter");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.usage = Objects.requireNonNull(usage, "usage");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** The pool, created on first use: nothing heavy at class-load time. */
  private static final class Checks {
    static final Executor POOL = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "admission-check");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * {@link #request} and {@link #submission} at once: what a request that queues a job asks. The
   * rate is counted even when another check refuses, as {@link #request} alone would count it.
   */
  public Optional<Refusal> requestToSubmit(Caller caller) {
    Pending submission = startSubmission(caller);
    Optional<Refusal> tooMany = request(caller);
    return tooMany.isPresent() ? tooMany : submission.result();
  }

  /** Whether the caller may queue one more job: their waiting jobs, then their month's GPU time. */
  public Optional<Refusal> submission(Caller caller) {
    return startSubmission(caller).result();
  }

  /**
   * Starts {@link #submission}'s checks, to be answered by {@link Pending#result} later: a caller
   * with other work to do first (recording an {@code Idempotency-Key}) does it meanwhile.
   */
  public Pending startSubmission(Caller caller) {
    CompletableFuture<Optional<Refusal>> quota = settings.monthlyGpuSeconds().of(caller.tier()).isPresent()
        ? CompletableFuture.supplyAsync(() -> quota(caller), executor) : NOTHING_TO_CHECK;
    CompletableFuture<Optional<Refusal>> waiting = settings.maxWaitingJobs().of(caller.tier()).isPresent()
        ? CompletableFuture.supplyAsync(() -> waiting(caller), executor) : NOTHING_TO_CHECK;
    return () -> {
      Optional<Refusal> full = join(waiting);
      return full.isPresent() ? full : join(quota);
    };
  }

  private static final CompletableFuture<Optional<Refusal>> NOTHING_TO_CHECK =
      CompletableFuture.completedFuture(Optional.empty());

  /** Checks under way. */
  @FunctionalInterface
  public interface Pending {
    /** The refusal, if any; waits for the checks. A failure of a check that does not fail open is thrown. */
    Optional<Refusal> result();
  }

  private static Optional<Refusal> join(CompletableFuture<Optional<Refusal>> check) {
    try {
      return check.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Counts the request against the caller's rates; a refusal when one is exceeded. */
  public Optional<Refusal> request(Caller caller) {
    Instant now = clock.instant();
    OptionalLong userLimit = settings.requestsPerMinute().of(caller.tier());
    if (userLimit.isPresent()) {
      Optional<Refusal> refused = rate("user:" + caller.userId(), userLimit.getAsLong(), now,
          "tier " + caller.tier() + " allows " + userLimit.getAsLong() + " requests a minute per user");
      if (refused.isPresent()) {
        return refused;
      }
    }
    if (caller.keyId() != null && settings.keyRequestsPerMinute().isPresent()) {
      long keyLimit = settings.keyRequestsPerMinute().getAsLong();
      return rate("key:" + caller.keyId(), keyLimit, now, "an API key may make " + keyLimit + " requests a minute");
    }
    return Optional.empty();
  }

  /** The caller's jobs waiting for a GPU, counted (not read) up to the limit. */
  private Optional<Refusal> waiting(Caller caller) {
    OptionalLong maxWaiting = settings.maxWaitingJobs().of(caller.tier());
    if (maxWaiting.isPresent()) {
      long limit = Math.min(maxWaiting.getAsLong(), 10_000);
      long waiting = jobs.countForUser(caller.userId(), WAITING, limit);
      if (waiting >= limit) {
        return Optional.of(new Refusal(429, QUEUE_FULL_RETRY, "you have " + waiting
            + " jobs waiting for a GPU, the most tier " + caller.tier() + " allows; submit more as they start"));
      }
    }
    return Optional.empty();
  }

  private Optional<Refusal> quota(Caller caller) {
    OptionalLong quota = settings.monthlyGpuSeconds().of(caller.tier());
    if (quota.isPresent()) {
      Instant now = clock.instant();
      YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
      Instant monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant nextMonth = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      double used;
      try {
        used = usage.gpuSecondsSince(caller.userId(), monthStart);
      } catch (RuntimeException e) {
        log.warn("GPU quota of user {} not checked, the ledger is unreachable: {}", caller.userId(), e.toString());
        return Optional.empty();
      }
      if (used >= quota.getAsLong()) {
        return Optional.of(new Refusal(402, Duration.between(now, nextMonth), String.format(
            "tier %s includes %d GPU-seconds a month; %.0f used since %s. The quota renews at %s",
            caller.tier(), quota.getAsLong(), used, monthStart, nextMonth)));
      }
    }
    return Optional.empty();
  }

  private Optional<Refusal> rate(String subject, long limit, Instant now, String rule) {
    long windowMillis = WINDOW.toMillis();
    long startMillis = now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), windowMillis);
    Instant windowStart = Instant.ofEpochMilli(startMillis);
    RateCounter.Counts counts;
    try {
      counts = counter.increment(subject, windowStart, windowStart.minus(WINDOW));
    } catch (RuntimeException e) {
      log.warn("rate of {} not checked, the counters are unreachable: {}", subject, e.toString());
      return Optional.empty();
    }
    double elapsed = (now.toEpochMilli() - startMillis) / (double) windowMillis;
    double estimate = counts.previous() * (1 - elapsed) + counts.current();
    if (estimate <= limit) {
      return Optional.empty();
    }
    return Optional.of(new Refusal(429, retryAfter(counts, limit, elapsed), rule + "; slow down"));
  }

  /**
   * How long until one more request would fit if nothing else arrives (at least a second): later
   * in this window as the previous window's weight fades, or in the next one as this one's does.
   */
  static Duration retryAfter(RateCounter.Counts counts, long limit, double elapsed) {
    double remaining = 1 - elapsed;
    double wait;
    if (counts.current() + 1 <= limit && counts.previous() > 0) {
      // previous * (remaining - t) + current + 1 <= limit
      wait = remaining - (limit - counts.current() - 1) / (double) counts.previous();
    } else {
      // next window: current * (1 - e) + 1 <= limit, e the part of the next window gone by
      wait = remaining + Math.max(0, 1 - (limit - 1) / (double) counts.current());
    }
    return Duration.ofSeconds(Math.max(1, (long) Math.ceil(wait * WINDOW.toSeconds())));
  }
}
