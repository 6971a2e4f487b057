package dev.darkroom.core.usecase;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.PerTier;
import dev.darkroom.core.port.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who runs next when GPUs are scarce. Each tier allows a user so many jobs dispatched or running at
 * once; a user at the limit waits, whoever else is queued. Among the rest, the user with the fewest
 * jobs running goes first, so one user's burst of a thousand prompts does not hold back another
 * user's single prompt; ties go to the job needing the models a task has loaded, then to the user
 * who has waited longest (their oldest job's submission), then to that user's own queue order: a
 * client's {@code number} or {@code front} never puts its jobs before another user's.
 *
 * <p>The counts are read, not locked: two tasks claiming at the same instant can each see a user
 * one below the limit, so a user may briefly run one job per concurrent claimer over it. The limit
 * is a share of capacity, not a security boundary; the GPU pool's cap is exact.
 */
public final class FairShare {
  private static final Set<JobStatus> ACTIVE = EnumSet.of(JobStatus.DISPATCHED, JobStatus.RUNNING);
  /** Jobs read past the limit, so that some ending ones do not hide the ones still running. */
  private static final int LOOK_PAST_ENDING = 20;

  /**
   * @param byTier the most jobs one user of each tier may have dispatched or running at once
   * @param otherwise the limit of a tier not listed
   */
  public record Limits(Map<String, Integer> byTier, int otherwise) {
    public Limits {
      byTier = Map.copyOf(byTier);
      if (otherwise < 1 || byTier.values().stream().anyMatch(limit -> limit < 1)) {
        throw new IllegalArgumentException("concurrency limits must be at least 1: " + byTier + ", " + otherwise);
      }
    }

    /** No limit beyond the GPU pool's: what the simulation and single-user stacks use. */
    public static Limits none() {
      return new Limits(Map.of(), Integer.MAX_VALUE);
    }

    /**
     * Parses {@code tier=limit,tier=limit}, e.g. {@code free=1,standard=10,pro=50}; a tier not
     * listed gets {@code otherwise}.
     */
    public static Limits parse(String spec, int otherwise) {
      Map<String, Integer> limits = new LinkedHashMap<>();
      PerTier.parse(spec, 1).byTier().forEach((tier, limit) -> limits.put(tier, Math.toIntExact(limit)));
      return new Limits(limits, otherwise);
    }

    public int of(String tier) {
      return byTier.getOrDefault(tier, otherwise);
    }
  }

  private final JobStore jobs;
  private final Limits limits;

  public FairShare(JobStore jobs, Limits limits) {
    this.jobs = jobs;
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** True when the job's user already has as many jobs dispatched or running as their tier allows. */
  public boolean atLimit(Job job) {
    int limit = limits.of(job.tier());
    return limit != Integer.MAX_VALUE && active(job.userId(), limit) >= limit;
  }

  /**
   * {@code candidates} (queued jobs) without those whose user is at the limit, in the order they
   * should run: fewest running jobs of the user first, then jobs needing {@code loadedFingerprint},
   * then the user whose oldest candidate was submitted first, then the user's own queue order
   * ({@code number}, which the client sets: it orders only that client's user's jobs). Reads the counts of all their users in one look ({@link JobStore#listForUsers}),
   * not one query per user.
   */
  public List<Job> order(List<Job> candidates, String loadedFingerprint) {
    // A user's limit is their first candidate's tier's, as a user's jobs share one tier.
    Map<String, Integer> limitByUser = new LinkedHashMap<>();
    for (Job job : candidates) {
      limitByUser.putIfAbsent(job.userId(), limits.of(job.tier()));
    }
    Map<String, Integer> activeByUser = activeOf(limitByUser);
    List<Job> allowed = new ArrayList<>();
    for (Job job : candidates) {
      if (activeByUser.get(job.userId()) < limitByUser.get(job.userId())) {
        allowed.add(job);
      }
    }
    Map<String, Instant> waitingSince = new HashMap<>();
    for (Job job : allowed) {
      waitingSince.merge(job.userId(), submitted(job), (a, b) -> a.isBefore(b) ? a : b);
    }
    allowed.sort(Comparator.<Job>comparingInt(job -> activeByUser.get(job.userId()))
        .thenComparing(job -> !Objects.equals(job.fingerprint(), loadedFingerprint))
        .thenComparing(job -> waitingSince.get(job.userId()))
        .thenComparingDouble(Job::number)
        .thenComparing(Job::id));
    return allowed;
  }

  /** When the job was submitted; a job stored without the time counts as the oldest. */
  private static Instant submitted(Job job) {
    return job.createdAt() == null ? Instant.MIN : job.createdAt();
  }

  /**
   * The user's dispatched and running jobs, counted up to {@code atMost}; a running job whose end
   * is on its way to job-events ({@link Job#endingAt()}) no longer counts.
   */
  private int active(String userId, int atMost) {
    return (int) jobs.listForUser(userId, ACTIVE, atMost + LOOK_PAST_ENDING).stream()
        .filter(job -> job.endingAt() == null).limit(atMost).count();
  }

  /**
   * For each user, their dispatched and running jobs counted as {@link #active} does, in one read of
   * those whose limit is not unbounded (the others count as 0: nothing holds them back).
   */
  private Map<String, Integer> activeOf(Map<String, Integer> limitByUser) {
    Map<String, Integer> active = new HashMap<>();
    Set<String> limited = new HashSet<>();
    long lookAt = 0;
    for (Map.Entry<String, Integer> user : limitByUser.entrySet()) {
      active.put(user.getKey(), 0);
      if (user.getValue() != Integer.MAX_VALUE) {
        limited.add(user.getKey());
        lookAt += user.getValue() + LOOK_PAST_ENDING;
      }
    }
    if (limited.isEmpty()) {
      return active;
    }
    for (Job job : jobs.listForUsers(limited, ACTIVE, (int) Math.min(Integer.MAX_VALUE, lookAt))) {
      if (job.endingAt() == null) {
        active.merge(job.userId(), 1, (count, one) -> Math.min(limitByUser.get(job.userId()), count + one));
      }
    }
    return active;
  }
}
