package dev.darkroom.core.usecase;

import dev.darkroom.core.comfy.PromptIds;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.JobStore;
import java.util.Optional;

/**
 * "Only the owner sees a job": every read of one job by a caller goes through here. Another
 * user's job looks exactly like no job, so ids cannot be probed; an id that is no prompt id names
 * no job and never reaches the store, where some strings are not even valid document ids.
 */
public final class FindOwnJob {
  private final JobStore jobs;

  public FindOwnJob(JobStore jobs) {
    this.jobs = jobs;
  }

  /** The job, if it exists and belongs to {@code userId}. */
  public Optional<Job> find(String jobId, String userId) {
    if (!PromptIds.isValid(jobId)) {
      return Optional.empty();
    }
    return jobs.get(jobId).filter(job -> job.userId().equals(userId));
  }
}
