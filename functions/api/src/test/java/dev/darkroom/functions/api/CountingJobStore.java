package dev.darkroom.functions.api;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.port.JobStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link JobStore} that counts what its callers read: job documents listed by queries, and the
 * bytes of the prompts they fetch (as stored: compact JSON), as Firestore would send them.
 */
final class CountingJobStore implements JobStore {
  final JobStore store;
  final AtomicLong listedDocuments = new AtomicLong();
  final AtomicLong promptBytes = new AtomicLong();
  final AtomicLong counts = new AtomicLong();

  CountingJobStore(JobStore store) {
    this.store = store;
  }

  void reset() {
    listedDocuments.set(0);
    promptBytes.set(0);
    counts.set(0);
  }

  private List<Job> listed(List<Job> jobs) {
    listedDocuments.addAndGet(jobs.size());
    return jobs;
  }

  private static long bytes(JobPrompt prompt) {
    return (prompt.prompt() == null ? 0 : prompt.prompt().toString().length())
        + (prompt.extraData() == null ? 0 : prompt.extraData().toString().length());
  }

  @Override public Optional<Job> get(String jobId) { return store.get(jobId); }
  @Override public Optional<Job> create(Job job) { return store.create(job); }

  @Override
  public Optional<JobPrompt> promptOf(String jobId) {
    Optional<JobPrompt> prompt = store.promptOf(jobId);
    prompt.ifPresent(p -> promptBytes.addAndGet(bytes(p)));
    return prompt;
  }

  @Override
  public Map<String, JobPrompt> promptsOf(Collection<Job> jobs) {
    Map<String, JobPrompt> prompts = store.promptsOf(jobs);
    prompts.values().forEach(p -> promptBytes.addAndGet(bytes(p)));
    return prompts;
  }

  @Override public <T> T update(String jobId, JobChange<T> change) { return store.update(jobId, change); }

  @Override
  public List<Job> listForUser(String userId, Set<JobStatus> statuses, int limit) {
    return listed(store.listForUser(userId, statuses, limit));
  }

  @Override
  public long countForUser(String userId, Set<JobStatus> statuses, long atMost) {
    counts.incrementAndGet();
    return store.countForUser(userId, statuses, atMost);
  }

  @Override
  public List<Job> historyForUser(String userId, boolean newestFirst, int skip, int limit) {
    return listed(store.historyForUser(userId, newestFirst, skip, limit));
  }

  @Override
  public List<Job> listForUsers(Set<String> userIds, Set<JobStatus> statuses, int limit) {
    return listed(store.listForUsers(userIds, statuses, limit));
  }

  @Override public List<Job> pageForUser(String userId, Page page) { return listed(store.pageForUser(userId, page)); }
  @Override public List<Job> queuedWithFingerprint(String f, int limit) { return listed(store.queuedWithFingerprint(f, limit)); }
  @Override public List<Job> queued(int limit) { return listed(store.queued(limit)); }

  @Override
  public List<Job> firstQueuedOfEachUser(String afterUserId, int users) {
    return listed(store.firstQueuedOfEachUser(afterUserId, users));
  }

  @Override
  public List<Job> unchangedSince(JobStatus status, java.time.Instant before, int limit) {
    return listed(store.unchangedSince(status, before, limit));
  }

  @Override
  public long count(JobStatus status) {
    counts.incrementAndGet();
    return store.count(status);
  }

  @Override
  public Map<String, Long> queuedAhead(Collection<Job> jobs) {
    counts.incrementAndGet();
    return store.queuedAhead(jobs);
  }
}
