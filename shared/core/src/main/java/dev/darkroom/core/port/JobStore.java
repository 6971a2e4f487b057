package dev.darkroom.core.port;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The live job documents (Firestore {@code jobs/{id}} in the cloud). */
public interface JobStore {

  Optional<Job> get(String jobId);

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
   * Jobs in {@code status} whose document has not changed since before {@code updatedBefore},
   * oldest first, at most {@code limit}: what the reconciler looks at. A running job's heartbeat
   * updates its document, so a running job listed here has a stale heartbeat.
   */
  List<Job> unchangedSince(JobStatus status, java.time.Instant updatedBefore, int limit);
}
