package dev.darkroom.core.port;

import dev.darkroom.core.job.Job;
import java.util.List;
import java.util.Set;

/**
 * Live changes of the job documents, for followers that turn them into messages (the realtime
 * gateway). Each subscription calls its listener from one thread at a time, in the order the
 * store applied the changes; several changes may arrive as one (the latest state wins).
 */
public interface JobFeed {

  /** The jobs one client of one user submitted ({@code client_id}): now, then every change. */
  Subscription jobsOfClient(String userId, String clientId, JobsListener listener);

  /**
   * One job: {@link JobsListener#current} with it (or with none, if there is no such job), then
   * every change of it. For {@code GET /api/v2/jobs/{id}/events}.
   */
  Subscription job(String jobId, JobsListener listener);

  /** The ids of the user's unfinished jobs (queued, dispatched, running, lost), each time they change. */
  Subscription unfinishedJobsOf(String userId, QueueListener listener);

  /** What a client's jobs subscription reports. */
  interface JobsListener {
    /** The jobs as they were when the subscription started; called once, before any change. */
    void current(List<Job> jobs);

    /** A job was created or changed. */
    void changed(Job job);

    /** The subscription broke and will report nothing more. */
    void failed(RuntimeException cause);
  }

  /** What a user's queue subscription reports. */
  interface QueueListener {
    /** The ids of the user's unfinished jobs: first as they are now, then after each change. */
    void unfinished(Set<String> jobIds);

    /** The subscription broke and will report nothing more. */
    void failed(RuntimeException cause);
  }

  /** Stops the reports; idempotent. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
