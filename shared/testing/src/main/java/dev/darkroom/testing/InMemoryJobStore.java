package dev.darkroom.testing;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import java.util.Collection;
import java.util.Comparator;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.port.JobStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link JobStore} in memory: each update holds that job's lock, like a transaction. Listeners
 * ({@link #onWrite}) hear of every write after it is applied, as a document listener would.
 * Prompts of {@link #create}d jobs are kept apart from the jobs, as Firestore keeps them, so that
 * code which forgets to read them through {@link #promptOf} fails against the fake too.
 */
public final class InMemoryJobStore implements JobStore {
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, JobPrompt> prompts = new ConcurrentHashMap<>();
  private final List<java.util.function.Consumer<Job>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Calls {@code listener} with each job written from now on; returns what stops it. */
  public Runnable onWrite(java.util.function.Consumer<Job> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public Optional<Job> get(String jobId) {
    return Optional.ofNullable(jobs.get(jobId));
  }

  @Override
  public Optional<Job> create(Job job) {
    boolean[] created = new boolean[1];
    Job stored = jobs.computeIfAbsent(job.id(), id -> {
      created[0] = true;
      prompts.put(id, JobPrompt.of(job));
      return job.withoutPrompt();
    });
    if (!created[0]) {
      return Optional.of(stored);
    }
    listeners.forEach(listener -> listener.accept(stored));
    return Optional.empty();
  }

  @Override
  public Optional<JobPrompt> promptOf(String jobId) {
    Job job = jobs.get(jobId);
    if (job == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(job.prompt() != null ? JobPrompt.of(job) : prompts.get(jobId));
  }

  @Override
  public Map<String, JobPrompt> promptsOf(Collection<Job> wanted) {
    Map<String, JobPrompt> found = new HashMap<>();
    for (Job job : wanted) {
      (job.prompt() != null ? Optional.of(JobPrompt.of(job)) : promptOf(job.id()))
          .ifPresent(prompt -> found.put(job.id(), prompt));
    }
    return found;
  }

  @Override
  public <T> T update(String jobId, JobChange<T> change) {
    Object[] result = new Object[1];
    boolean[] changed = new boolean[1];
    jobs.compute(jobId, (id, current) -> {
      JobChange.Outcome<T> outcome = change.decide(Optional.ofNullable(current));
      result[0] = outcome.result();
      changed[0] = outcome.write() != null;
      return outcome.write() != null ? outcome.write() : current;
    });
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    Job written = jobs.get(jobId);
    if (written != null && changed[0]) {
      listeners.forEach(listener -> listener.accept(written));
    }
    return value;
  }

  @Override
  public List<Job> listForUser(String userId, Set<JobStatus> statuses, int limit) {
    return jobs.values().stream()
        .filter(job -> job.userId().equals(userId) && statuses.contains(job.status()))
        .sorted(Comparator.comparing(Job::createdAt).reversed())
        .limit(limit)
        .toList();
  }

  @Override
  public long countForUser(String userId, Set<JobStatus> statuses, long atMost) {
    return Math.min(atMost, jobs.values().stream()
        .filter(job -> job.userId().equals(userId) && statuses.contains(job.status())).count());
  }

  @Override
  public List<Job> historyForUser(String userId, boolean newestFirst, int skip, int limit) {
    Comparator<Job> byCreation = Comparator.comparing(Job::createdAt);
    return jobs.values().stream()
        .filter(job -> job.userId().equals(userId) && job.status().isTerminal() && !job.hiddenFromHistory())
        .sorted(newestFirst ? byCreation.reversed() : byCreation)
        .skip(Math.max(0, skip))
        .limit(Math.max(0, limit))
        .toList();
  }

  @Override
  public List<Job> pageForUser(String userId, Page page) {
    return jobs.values().stream()
        .filter(job -> job.userId().equals(userId) && page.admits(job))
        .sorted(Comparator.comparing(Job::createdAt).thenComparing(Job::id).reversed())
        .limit(Math.max(0, page.limit()))
        .toList();
  }

  @Override
  public List<Job> queuedWithFingerprint(String fingerprint, int limit) {
    return queuedWhere(job -> fingerprint.equals(job.fingerprint()), limit);
  }

  @Override
  public List<Job> queued(int limit) {
    return queuedWhere(job -> true, limit);
  }

  @Override
  public List<Job> firstQueuedOfEachUser(String afterUserId, int users) {
    Map<String, Job> firstByUser = new java.util.TreeMap<>();
    for (Job job : jobs.values()) {
      if (job.status() == JobStatus.QUEUED && (afterUserId == null || job.userId().compareTo(afterUserId) > 0)) {
        firstByUser.merge(job.userId(), job, (a, b) -> comesBefore(b, a) ? b : a);
      }
    }
    return firstByUser.values().stream().limit(Math.max(0, users)).toList();
  }

  /** Queued jobs that {@code also} accepts, in queue order (lowest number first). */
  private List<Job> queuedWhere(java.util.function.Predicate<Job> also, int limit) {
    return jobs.values().stream()
        .filter(job -> job.status() == JobStatus.QUEUED && also.test(job))
        .sorted(Comparator.comparingDouble(Job::number))
        .limit(limit)
        .toList();
  }

  @Override
  public List<Job> unchangedSince(JobStatus status, java.time.Instant updatedBefore, int limit) {
    return jobs.values().stream()
        .filter(job -> job.status() == status && job.updatedAt().isBefore(updatedBefore))
        .sorted(Comparator.comparing(Job::updatedAt))
        .limit(limit)
        .toList();
  }

  @Override
  public List<Job> listForUsers(Set<String> userIds, Set<JobStatus> statuses, int limit) {
    return jobs.values().stream()
        .filter(job -> userIds.contains(job.userId()) && statuses.contains(job.status()))
        .limit(Math.max(0, limit))
        .toList();
  }

  @Override
  public long count(JobStatus status) {
    return jobs.values().stream().filter(job -> job.status() == status).count();
  }

  @Override
  public Map<String, Long> queuedAhead(Collection<Job> shown) {
    Map<String, Long> ahead = new HashMap<>();
    for (Job job : shown) {
      if (job.status() == JobStatus.QUEUED) {
        ahead.put(job.id(), jobs.values().stream()
            .filter(other -> other.status() == JobStatus.QUEUED && comesBefore(other, job)).count());
      }
    }
    return ahead;
  }

  /** Queue order: lower number first, then lower id (as Firestore orders equal numbers). */
  private static boolean comesBefore(Job a, Job b) {
    int byNumber = Double.compare(a.number(), b.number());
    return byNumber < 0 || (byNumber == 0 && a.id().compareTo(b.id()) < 0);
  }

  public List<Job> all() {
    return List.copyOf(jobs.values());
  }
}
