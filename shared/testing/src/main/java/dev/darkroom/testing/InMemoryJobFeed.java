package dev.darkroom.testing;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.JobFeed;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link JobFeed} over an {@link InMemoryJobStore}: each write is reported to the matching
 * subscriptions on the writing thread, after it is applied (so, as Firestore's listeners, it
 * reports changes in the order they were applied to one job).
 */
public final class InMemoryJobFeed implements JobFeed {
  private final InMemoryJobStore jobs;

  public InMemoryJobFeed(InMemoryJobStore jobs) {
    this.jobs = jobs;
  }

  @Override
  public Subscription jobsOfClient(String userId, String clientId, JobsListener listener) {
    return follow(job -> job.userId().equals(userId) && clientId.equals(job.clientId()), listener);
  }

  @Override
  public Subscription job(String jobId, JobsListener listener) {
    return follow(job -> job.id().equals(jobId), listener);
  }

  @Override
  public Subscription unfinishedJobsOf(String userId, QueueListener listener) {
    Runnable stop = jobs.onWrite(job -> {
      if (job.userId().equals(userId)) {
        listener.unfinished(unfinished(userId));
      }
    });
    listener.unfinished(unfinished(userId));
    return stop::run;
  }

  private Subscription follow(java.util.function.Predicate<Job> matches, JobsListener listener) {
    Runnable stop = jobs.onWrite(job -> {
      if (matches.test(job)) {
        listener.changed(job);
      }
    });
    List<Job> now = jobs.all().stream().filter(matches).toList();
    listener.current(now);
    return stop::run;
  }

  private Set<String> unfinished(String userId) {
    Set<String> ids = new LinkedHashSet<>();
    jobs.all().stream().filter(j -> j.userId().equals(userId) && !j.status().isTerminal()).forEach(j -> ids.add(j.id()));
    return ids;
  }
}
