package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobFeed} must do, the in-memory feed and the Firestore listeners alike: report
 * what the job store writes, to the subscriptions it concerns and no other. A real feed reports
 * later than the write, so every check waits (up to {@link #WAIT}) for what it expects.
 */
public abstract class JobFeedContract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** The store whose writes the feed reports. */
  protected abstract JobStore store();

  protected abstract JobFeed feed();

  /** Each test its own user, so tests sharing one store cannot see each other's jobs. */
  private final String user = "user-" + UUID.randomUUID();

  @Test
  void aClientSubscriptionReportsTheJobsAlreadyThereThenEachChangeOfItsOwnJobsOnly() {
    Job before = write(queued("c1"));
    Recorder recorder = new Recorder();
    try (JobFeed.Subscription ignored = feed().jobsOfClient(user, "c1", recorder)) {
      await().atMost(WAIT).until(() -> recorder.current != null);
      assertThat(recorder.current).extracting(Job::id).containsExactly(before.id());

      write(queued("c2")); // another client of the same user
      Job other = Job.queued(UUID.randomUUID().toString(), "someone-else", 1, JSON.createObjectNode(),
          JSON.createObjectNode(), "c1", NOW);
      write(other); // another user, same client id
      Job mine = write(queued("c1"));
      Job running = write(mine.afterEvent(JobStatus.RUNNING, 1, new Progress("3", 1, 20), List.of(), null, 0, NOW));

      await().atMost(WAIT).until(() -> recorder.changed.size() >= 2);
      assertThat(recorder.changed).extracting(Job::id).containsOnly(mine.id());
      assertThat(recorder.changed.get(recorder.changed.size() - 1)).isEqualTo(running);
    }
  }

  /**
   * Issue 19 item 1: a socket must not hold every job ever sent with its client id. It holds the
   * client's unfinished jobs and those that changed lately (ended within the last minutes), and
   * an old ended job that changes again (hidden from history) is not news.
   */
  @Test
  void aClientSubscriptionHoldsItsUnfinishedAndRecentJobsNotEveryJobOfTheClient() {
    // Firestore keeps microseconds: times of a whole millisecond read back as written.
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Instant longAgo = now.minus(Duration.ofHours(2));
    Job oldEnded = write(Job.queued(UUID.randomUUID().toString(), user, 1, JSON.createObjectNode(),
        JSON.createObjectNode(), "c1", longAgo).withStatus(JobStatus.CANCELLED, longAgo));
    Job oldQueued = write(Job.queued(UUID.randomUUID().toString(), user, 2, JSON.createObjectNode(),
        JSON.createObjectNode(), "c1", longAgo));
    Job recentEnded = write(Job.queued(UUID.randomUUID().toString(), user, 3, JSON.createObjectNode(),
        JSON.createObjectNode(), "c1", now.minusSeconds(60)).withStatus(JobStatus.SUCCEEDED, now.minusSeconds(30)));
    Recorder recorder = new Recorder();
    try (JobFeed.Subscription ignored = feed().jobsOfClient(user, "c1", recorder)) {
      await().atMost(WAIT).until(() -> recorder.current != null);
      assertThat(recorder.current).as("the jobs a new socket holds")
          .extracting(Job::id).containsExactlyInAnyOrder(oldQueued.id(), recentEnded.id());

      write(oldEnded.hiddenFromHistory(now));
      Job ended = write(oldQueued.withStatus(JobStatus.CANCELLED, now.plusMillis(1)));
      Job fresh = write(Job.queued(UUID.randomUUID().toString(), user, 4, JSON.createObjectNode(),
          JSON.createObjectNode(), "c1", now.plusMillis(2)));
      await().atMost(WAIT).until(() -> recorder.changed.contains(fresh) && recorder.changed.contains(ended));
      assertThat(recorder.changed).extracting(Job::id).doesNotContain(oldEnded.id());
    }
  }

  @Test
  void aQueueSubscriptionReportsTheUsersUnfinishedJobs() {
    Job first = write(queued("c1"));
    List<Set<String>> reports = new CopyOnWriteArrayList<>();
    try (JobFeed.Subscription ignored = feed().unfinishedJobsOf(user, new JobFeed.QueueListener() {
      @Override
      public void unfinished(Set<String> jobIds) {
        reports.add(jobIds);
      }

      @Override
      public void failed(RuntimeException cause) {
        throw new AssertionError(cause);
      }
    })) {
      await().atMost(WAIT).until(() -> reports.contains(Set.of(first.id())));
      Job second = write(queued("c2"));
      await().atMost(WAIT).until(() -> reports.contains(Set.of(first.id(), second.id())));
      write(first.withStatus(JobStatus.SUCCEEDED, NOW));
      await().atMost(WAIT).until(() -> reports.get(reports.size() - 1).equals(Set.of(second.id())));
    }
  }

  @Test
  void aJobSubscriptionReportsThatJobThenEachOfItsChangesOnly() {
    Job mine = write(queued("c1"));
    Recorder recorder = new Recorder();
    try (JobFeed.Subscription ignored = feed().job(mine.id(), recorder)) {
      await().atMost(WAIT).until(() -> recorder.current != null);
      assertThat(recorder.current).containsExactly(mine);
      write(queued("c1"));
      Job running = write(mine.afterEvent(JobStatus.RUNNING, 1, new Progress("3", 1, 20), List.of(), null, 0, NOW));
      await().atMost(WAIT).until(() -> recorder.changed.contains(running));
      assertThat(recorder.changed).extracting(Job::id).containsOnly(mine.id());
    }
    Recorder none = new Recorder();
    try (JobFeed.Subscription ignored = feed().job(UUID.randomUUID().toString(), none)) {
      await().atMost(WAIT).until(() -> none.current != null);
      assertThat(none.current).isEmpty();
    }
  }

  /** Issue 19 item 8: a job whose outputs outgrew one document is reported with all of them. */
  @Test
  void aJobIsReportedWithEveryOutputEvenWhenTheyOutgrewOneDocument() {
    Job mine = write(queued("c1"));
    List<dev.darkroom.core.job.JobOutput> outputs = new java.util.ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      outputs.add(new dev.darkroom.core.job.JobOutput("9", "images", "x_" + i + "_.png", "", "output",
          "outputs/" + user + "/" + mine.id() + "/x_" + i + "_.png", "image/png", 1000 + i, "h" + i));
    }
    Recorder recorder = new Recorder();
    try (JobFeed.Subscription ignored = feed().job(mine.id(), recorder)) {
      await().atMost(WAIT).until(() -> recorder.current != null);
      Job ended = write(mine.afterEvent(JobStatus.SUCCEEDED, 1, null, outputs, null, 1, NOW));
      await().atMost(WAIT).until(() -> recorder.changed.contains(ended));
    }
  }

  @Test
  void aClosedSubscriptionReportsNothingMoreAndClosingAgainIsHarmless() {
    Job mine = write(queued("c1"));
    Recorder closed = new Recorder();
    Recorder open = new Recorder();
    JobFeed.Subscription toClose = feed().job(mine.id(), closed);
    try (JobFeed.Subscription ignored = feed().job(mine.id(), open)) {
      await().atMost(WAIT).until(() -> closed.current != null && open.current != null);
      toClose.close();
      toClose.close();

      Job running = write(mine.afterEvent(JobStatus.RUNNING, 1, new Progress("3", 1, 20), List.of(), null, 0, NOW));
      // The open subscription hearing of the change means the feed has reported it.
      await().atMost(WAIT).until(() -> open.changed.contains(running));
      assertThat(closed.changed).doesNotContain(running);
    }
  }

  private Job queued(String clientId) {
    return Job.queued(UUID.randomUUID().toString(), user, 1, JSON.createObjectNode(), JSON.createObjectNode(), clientId, NOW);
  }

  private Job write(Job job) {
    store().update(job.id(), current -> Outcome.write(job, null));
    return job;
  }

  private static final class Recorder implements JobFeed.JobsListener {
    volatile List<Job> current;
    final List<Job> changed = new CopyOnWriteArrayList<>();

    @Override
    public void current(List<Job> jobs) {
      current = jobs;
    }

    @Override
    public void changed(Job job) {
      changed.add(job);
    }

    @Override
    public void failed(RuntimeException cause) {
      throw new AssertionError(cause);
    }
  }
}
