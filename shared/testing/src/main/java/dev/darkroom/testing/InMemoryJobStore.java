package dev.darkroom.testing;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import java.util.Comparator;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.port.JobStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link JobStore} in memory: each update holds that job's lock, like a transaction. Listeners
 * ({@link #onWrite}) hear of every write after it is applied, as a document listener would.
 */
public final class InMemoryJobStore implements JobStore {
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
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

  public List<Job> all() {
    return List.copyOf(jobs.values());
  }
}
