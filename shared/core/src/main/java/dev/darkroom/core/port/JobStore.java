package dev.darkroom.core.port;

import dev.darkroom.core.job.Job;
import java.util.Optional;

/** The live job documents (Firestore {@code jobs/{id}} in the cloud). */
public interface JobStore {

  Optional<Job> get(String jobId);

  /**
   * Reads the job, asks {@code change} what to do and writes what it returns, atomically. The
   * change may be called more than once (a transaction retried under contention), so it must be
   * a pure function of the job it is given.
   */
  <T> T update(String jobId, JobChange<T> change);
}
