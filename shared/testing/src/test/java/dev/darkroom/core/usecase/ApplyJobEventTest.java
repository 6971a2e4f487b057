package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ApplyJobEventTest {
  private static final Instant AT = UseCaseFixture.NOW;
  private final UseCaseFixture f = new UseCaseFixture();

  private void runningJob() {
    f.submit.submit(f.request("alice", "p-1"));
    f.dispatch.dispatch(f.queue.published.get(0));
    assertThat(f.claim.claim("p-1", "exec-1")).isPresent();
  }

  private static JobOutput png(String name) {
    return new JobOutput("9", "images", name, "", "output", "outputs/alice/p-1/" + name, "image/png", 5, "aa");
  }

  @Test
  void aSuccessIsStoredRecordedAndAnnouncedOnce() {
    runningJob();
    JobEvent done = new JobEvent.Succeeded("p-1", 1, 2, AT, List.of(png("a.png")), 3.0);
    assertThat(f.apply.apply(done)).isEqualTo(ApplyJobEvent.Result.APPLIED);

    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(f.ledger.rows.get("p-1").outputs()).hasSize(1);
    assertThat(f.notifications.published).singleElement()
        .satisfies(n -> {
          assertThat(n.status()).isEqualTo("succeeded");
          assertThat(n.id()).isEqualTo("p-1/1/succeeded");
        });
  }

  @Test
  void theNotificationOfAJobStoredElsewhereNamesItByTheIdItsSubmitterChose() {
    String taken = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
    f.submit.submit(f.request("alice", taken));
    f.submit.submit(f.request("bob", taken));
    String bobs = dev.darkroom.core.job.PromptIds.elsewhere("bob", taken);
    f.dispatch.dispatch(f.queue.published.get(1));
    assertThat(f.claim.claim(bobs, "exec-1")).isPresent();

    f.apply.apply(new JobEvent.Succeeded(bobs, 1, 2, AT, List.of(), 3.0));

    assertThat(f.notifications.published).singleElement().satisfies(n -> {
      assertThat(n.jobId()).isEqualTo(taken);
      assertThat(n.userId()).isEqualTo("bob");
      assertThat(n.id()).isEqualTo(bobs + "/1/succeeded");
    });
  }

  @Test
  void oneJobsEventsTakeTheirTransactionsOneAtATime() throws Exception {
    runningJob();
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    // The store as a contended document sees it: how many transactions on the job overlap.
    dev.darkroom.core.port.JobStore watched = new dev.darkroom.core.port.JobStore() {
      @Override
      public java.util.Optional<dev.darkroom.core.job.Job> get(String jobId) {
        return f.jobs.get(jobId);
      }

      @Override
      public <T> T update(String jobId, dev.darkroom.core.port.JobChange<T> change) {
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
          Thread.sleep(5);
          return f.jobs.update(jobId, change);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        } finally {
          inFlight.decrementAndGet();
        }
      }

      @Override
      public List<dev.darkroom.core.job.Job> listForUser(String userId, java.util.Set<JobStatus> statuses, int limit) {
        return f.jobs.listForUser(userId, statuses, limit);
      }

      @Override
      public List<dev.darkroom.core.job.Job> pageForUser(String userId, Page page) {
        return f.jobs.pageForUser(userId, page);
      }

      @Override
      public List<dev.darkroom.core.job.Job> queuedWithFingerprint(String fingerprint, int limit) {
        return f.jobs.queuedWithFingerprint(fingerprint, limit);
      }

      @Override
      public List<dev.darkroom.core.job.Job> queued(int limit) {
        return f.jobs.queued(limit);
      }

      @Override
      public List<dev.darkroom.core.job.Job> firstQueuedOfEachUser(String afterUserId, int users) {
        return f.jobs.firstQueuedOfEachUser(afterUserId, users);
      }

      @Override
      public long count(JobStatus status) {
        return f.jobs.count(status);
      }

      @Override
      public List<dev.darkroom.core.job.Job> unchangedSince(JobStatus status, Instant updatedBefore, int limit) {
        return f.jobs.unchangedSince(status, updatedBefore, limit);
      }

      @Override
      public java.util.Optional<dev.darkroom.core.job.Job> create(dev.darkroom.core.job.Job job) {
        return f.jobs.create(job);
      }

      @Override
      public java.util.Optional<dev.darkroom.core.job.JobPrompt> promptOf(String jobId) {
        return f.jobs.promptOf(jobId);
      }

      @Override
      public java.util.Map<String, dev.darkroom.core.job.JobPrompt> promptsOf(
          java.util.Collection<dev.darkroom.core.job.Job> jobs) {
        return f.jobs.promptsOf(jobs);
      }

      @Override
      public long countForUser(String userId, java.util.Set<JobStatus> statuses, long atMost) {
        return f.jobs.countForUser(userId, statuses, atMost);
      }

      @Override
      public List<dev.darkroom.core.job.Job> historyForUser(String userId, boolean newestFirst, int skip, int limit) {
        return f.jobs.historyForUser(userId, newestFirst, skip, limit);
      }

      @Override
      public java.util.Map<String, Long> queuedAhead(java.util.Collection<dev.darkroom.core.job.Job> jobs) {
        return f.jobs.queuedAhead(jobs);
      }
    };
    ApplyJobEvent apply = new ApplyJobEvent(watched, f.ledger, f.notifications, f.clock);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<ApplyJobEvent.Result>> results = new java.util.ArrayList<>();
      for (int sequence = 2; sequence < 18; sequence++) {
        JobEvent step = new JobEvent.Progressed("p-1", 1, sequence, AT, new dev.darkroom.core.job.Progress("3", sequence, 20));
        results.add(pool.submit(() -> apply.apply(step)));
      }
      for (java.util.concurrent.Future<ApplyJobEvent.Result> result : results) {
        assertThat(result.get()).isIn(ApplyJobEvent.Result.APPLIED, ApplyJobEvent.Result.STALE);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(most.get()).isEqualTo(1);
    assertThat(f.jobs.get("p-1").orElseThrow().lastSequence()).isEqualTo(17);
  }

  @Test
  void aRedeliveredTerminalEventRepeatsOnlyTheIdempotentSideEffects() {
    runningJob();
    JobEvent done = new JobEvent.Succeeded("p-1", 1, 2, AT, List.of(), 3.0);
    f.apply.apply(done);
    assertThat(f.apply.apply(done)).isEqualTo(ApplyJobEvent.Result.DUPLICATE);
    // Same notification id both times: receivers deduplicate on it.
    assertThat(f.notifications.published).hasSize(2)
        .extracting(n -> n.id()).containsOnly("p-1/1/succeeded");
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void anEventForAnUnknownJobIsReportedNotThrown() {
    assertThat(f.apply.apply(new JobEvent.Started("ghost", 1, 1, AT, "e"))).isEqualTo(ApplyJobEvent.Result.UNKNOWN_JOB);
  }

  @Test
  void anyDeliveryOrderWithDuplicatesEndsInTheSameJob() {
    List<JobEvent> events = List.of(
        new JobEvent.Started("p-1", 1, 1, AT, "exec-1"),
        new JobEvent.Progressed("p-1", 1, 2, AT, new dev.darkroom.core.job.Progress("3", 10, 20)),
        new JobEvent.OutputProduced("p-1", 1, 3, AT, png("a.png")),
        new JobEvent.Succeeded("p-1", 1, 4, AT, List.of(png("a.png"), png("b.png")), 2.0));
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      UseCaseFixture fresh = new UseCaseFixture();
      fresh.submit.submit(fresh.request("alice", "p-1"));
      fresh.dispatch.dispatch(fresh.queue.published.get(0));
      List<JobEvent> deliveries = new ArrayList<>(events);
      deliveries.addAll(events);
      deliveries.addAll(events);
      Collections.shuffle(deliveries, random);
      deliveries.forEach(fresh.apply::apply);

      var job = fresh.jobs.get("p-1").orElseThrow();
      assertThat(job.status()).as("round %d", round).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(job.outputs()).extracting(JobOutput::filename).containsExactly("a.png", "b.png");
      assertThat(fresh.notifications.published).extracting(n -> n.id()).containsOnly("p-1/1/succeeded");
      assertThat(fresh.ledger.rows.get("p-1").status()).isEqualTo(JobStatus.SUCCEEDED);
    }
  }
}
