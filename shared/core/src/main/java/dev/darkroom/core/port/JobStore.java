package dev.darkroom.core.port;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The live job documents (Firestore {@code jobs/{id}} in the cloud), and beside each its prompt
 * ({@link JobPrompt}), which only {@link #promptOf} and {@link #promptsOf} read: every other
 * method returns jobs without their prompt unless the job was written with it inline (by
 * {@link #update} with a prompt, or by code from before prompts moved out), so that documents of
 * both shapes stay readable without a migration.
 */
public interface JobStore {

  /** The job, without its prompt when that is stored beside it (see {@link #promptOf}). */
  Optional<Job> get(String jobId);

  /**
   * Stores a new job, its prompt beside it, both or neither (one commit): a submission. When a job
   * already has that id, nothing is written and that job is returned, the idempotent replay of a
   * submission (the caller compares owners). Cheaper than {@link #update}: no read before the write.
   *
   * @return empty if {@code job} was created, else the job stored under its id
   */
  Optional<Job> create(Job job);

  /**
   * The prompt and {@code extra_data} of a job, wherever stored (beside the job, or inline in a
   * job document written before prompts moved out); empty for an unknown job.
   */
  Optional<JobPrompt> promptOf(String jobId);

  /**
   * {@link #promptOf} for each of {@code jobs} (one read of all of them), by job id. A job that
   * carries its prompt is answered from it without a read.
   */
  Map<String, JobPrompt> promptsOf(Collection<Job> jobs);

  /**
   * Reads the job, asks {@code change} what to do and writes what it returns, atomically. The
   * change may be called more than once (a transaction retried under contention), so it must be
   * a pure function of the job it is given.
   */
  <T> T update(String jobId, JobChange<T> change);

  /**
   * One user's jobs in any of {@code statuses}, newest first (by creation time), at most
   * {@code limit}: what ComfyUI's queue and history routes show that user.
   */
  List<Job> listForUser(String userId, Set<JobStatus> statuses, int limit);

  /**
   * How many of one user's jobs are in any of {@code statuses}, counting up to {@code atMost} (an
   * aggregation: no document is read, however many there are).
   */
  long countForUser(String userId, Set<JobStatus> statuses, long atMost);

  /**
   * One user's finished jobs that are not hidden from their history (ComfyUI's {@code /history}),
   * by creation time, newest or oldest first, skipping the first {@code skip}, at most
   * {@code limit}: the caller's limit is the query's, so a request reads what it shows.
   */
  List<Job> historyForUser(String userId, boolean newestFirst, int skip, int limit);

  /**
   * The jobs of any of {@code userIds} in any of {@code statuses}, in no particular order, at most
   * {@code limit}: what several users have going, read together rather than user by user (a
   * draining task weighing the users of the queued jobs it looks at, {@code FairShare}).
   *
   * <p>By default one {@link #listForUser} per user; the stores override it with one read.
   */
  default List<Job> listForUsers(Set<String> userIds, Set<JobStatus> statuses, int limit) {
    List<Job> found = new ArrayList<>();
    for (String userId : userIds) {
      if (found.size() >= limit) {
        break;
      }
      found.addAll(listForUser(userId, statuses, limit - found.size()));
    }
    return found;
  }

  /**
   * One page of a user's jobs, newest first by {@code (createdAt, id)} (the id breaks ties), for
   * {@code GET /api/v2/jobs}. Paging resumes strictly after {@link Page#after}, so jobs created
   * between two pages (all newer than the cursor) are neither repeated nor skipped.
   */
  List<Job> pageForUser(String userId, Page page);

  /**
   * What {@link #pageForUser} lists.
   *
   * @param statuses the statuses to list; empty for every status
   * @param createdAfter only jobs created strictly after this, or null
   * @param createdBefore only jobs created strictly before this, or null
   * @param after the last job of the previous page, or null for the first page
   * @param limit at most this many jobs
   */
  record Page(Set<JobStatus> statuses, java.time.Instant createdAfter, java.time.Instant createdBefore,
      Position after, int limit) {
    public Page {
      statuses = Set.copyOf(statuses);
    }

    /** Where a page ended: its last job's creation time and id. */
    public record Position(java.time.Instant createdAt, String jobId) {
      /** True if a job at {@code (createdAt, jobId)} comes after this position, newest first. */
      public boolean precedes(java.time.Instant createdAt, String jobId) {
        int byTime = createdAt.compareTo(this.createdAt);
        return byTime < 0 || (byTime == 0 && jobId.compareTo(this.jobId) < 0);
      }
    }

    /** True if {@code job} belongs on a page listed with these filters after {@link #after}. */
    public boolean admits(Job job) {
      return (statuses.isEmpty() || statuses.contains(job.status()))
          && (createdAfter == null || job.createdAt().isAfter(createdAfter))
          && (createdBefore == null || job.createdAt().isBefore(createdBefore))
          && (after == null || after.precedes(job.createdAt(), job.id()));
    }
  }

  /**
   * Queued jobs whose prompts need exactly the models {@code fingerprint} names, in ComfyUI's
   * queue order (lowest {@code number} first), at most {@code limit}: what a runner that has those
   * models loaded may claim next.
   */
  List<Job> queuedWithFingerprint(String fingerprint, int limit);

  /**
   * Queued jobs of any fingerprint, in queue order, at most {@code limit}: what a runner with
   * nothing of its own models left to run takes next, and how dispatch tells whether idle runners
   * can take the whole queue.
   */
  List<Job> queued(int limit);

  /**
   * Each user's first queued job in that user's own queue order (lowest {@code number}, then id):
   * one job per user however many they have queued, users in id order after {@code afterUserId}
   * (null: from the first), at most {@code users} of them. What a draining task reads past a
   * window of {@link #queued} that one user's backlog fills ({@code DrainOrder}), so that every
   * user with work waiting is seen.
   */
  List<Job> firstQueuedOfEachUser(String afterUserId, int users);

  /**
   * Jobs in {@code status} whose document has not changed since before {@code updatedBefore},
   * oldest first, at most {@code limit}: what the reconciler looks at. A running job's heartbeat
   * updates its document, so a running job listed here has a stale heartbeat.
   */
  List<Job> unchangedSince(JobStatus status, java.time.Instant updatedBefore, int limit);

  /** How many jobs are in {@code status} now (an aggregation, not a read of each): the queue's depth. */
  long count(JobStatus status);

  /**
   * For each job of {@code jobs} that is queued (as given: no job is read), how many queued jobs come before it in queue order (lower
   * {@code number}, then lower id): its position less one. Counted by aggregation, so a job far
   * back costs no more than the first; jobs that are not queued are left out of the answer.
   */
  Map<String, Long> queuedAhead(Collection<Job> jobs);
}
