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

/** A {@link JobStore} in memory: each update holds that job's lock, like a transaction. */
public final class InMemoryJobStore implements JobStore {
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  @Override
  public Optional<Job> get(String jobId) {
    return Optional.ofNullable(jobs.get(jobId));
  }

  @Override
  public <T> T update(String jobId, JobChange<T> change) {
    Object[] result = new Object[1];
    jobs.compute(jobId, (id, current) -> {
      JobChange.Outcome<T> outcome = change.decide(Optional.ofNullable(current));
      result[0] = outcome.result();
      return outcome.write() != null ? outcome.write() : current;
    });
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
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

  public List<Job> all() {
    return List.copyOf(jobs.values());
  }
}
