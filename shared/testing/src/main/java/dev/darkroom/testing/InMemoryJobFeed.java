package dev.darkroom.testing;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.ClientJobWindow;
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
  private final java.time.Clock clock;

  public InMemoryJobFeed(InMemoryJobStore jobs) {
    this(jobs, java.time.Clock.systemUTC());
  }

  /** @param clock where a client's window of recent jobs ({@link ClientJobWindow#RECENT}) starts from */
  public InMemoryJobFeed(InMemoryJobStore jobs, java.time.Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  /** As Firestore's: the client's unfinished jobs and those changed within {@link ClientJobWindow#RECENT}. */
  @Override
  public Subscription jobsOfClient(String userId, String clientId, JobsListener listener) {
    java.util.function.Predicate<Job> ofClient = job -> job.userId().equals(userId) && clientId.equals(job.clientId());
    ClientJobWindow window = new ClientJobWindow(listener, clock.instant().minus(ClientJobWindow.RECENT));
    Runnable stop = jobs.onWrite(job -> {
      if (ofClient.test(job)) {
        window.changed(job);
      }
    });
    List<Job> mine = jobs.all().stream().filter(ofClient).toList();
    window.unfinishedAtFirst(mine.stream().filter(job -> !job.status().isTerminal()).toList());
    window.recentAtFirst(mine.stream()
        .filter(job -> job.updatedAt() != null && !job.updatedAt().isBefore(window.since())).toList());
    return stop::run;
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
