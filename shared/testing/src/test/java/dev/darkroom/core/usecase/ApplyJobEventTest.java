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
