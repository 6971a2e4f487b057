package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.ArrivalHistory;
import dev.darkroom.core.port.Ledger;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Ledger} must do. Subclasses give the ledger and a way to read back what it
 * recorded, as the system of record would be read.
 */
@ContractOf({Ledger.class, dev.darkroom.core.port.Usage.class, ArrivalHistory.class})
public abstract class LedgerContract {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  protected abstract Ledger ledger();

  /** The same store's usage view: what quotas read. */
  protected abstract dev.darkroom.core.port.Usage usage();

  /** The same store's history of arrivals: what the keep-warm policy's usual traffic is built from. */
  protected abstract ArrivalHistory arrivalHistory();

  /** What the ledger holds for the job: status, attempt, gpu seconds, outputs; empty if nothing. */
  protected abstract java.util.Optional<Recorded> recorded(String jobId);

  public record Recorded(String status, String userId, int attempt, double gpuSeconds, String errorType,
      List<String> outputObjects) {}

  private static Job queued() {
    return Job.queued(UUID.randomUUID().toString(), "alice", 5, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, T0);
  }

  private static JobOutput output(Job job, String name) {
    return new JobOutput("9", "images", name, "", "output", "outputs/alice/" + job.id() + "/" + name, "image/png", 7, "cafe");
  }

  @Test
  void usageSumsTheGpuSecondsOfOneUsersJobsCreatedSinceAnInstant() {
    String user = "usage-" + UUID.randomUUID();
    Job early = Job.queued(UUID.randomUUID().toString(), user, 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, T0.minusSeconds(3600));
    Job late = Job.queued(UUID.randomUUID().toString(), user, 2, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, T0);
    Job someoneElses = queued();
    for (Job job : List.of(early, late, someoneElses)) {
      ledger().record(job.afterEvent(JobStatus.SUCCEEDED, 3, null, List.of(), null, 10.5, T0.plusSeconds(5)));
    }
    assertThat(usage().gpuSecondsSince(user, T0)).isEqualTo(10.5);
    assertThat(usage().gpuSecondsSince(user, T0.minusSeconds(3600))).isEqualTo(21.0);
    assertThat(usage().gpuSecondsSince("nobody-" + UUID.randomUUID(), T0)).isZero();
  }

  @Test
  void usageBillsEveryAttemptOfAJobNotOnlyTheLast() {
    String user = "attempts-" + UUID.randomUUID();
    Job job = Job.queued(UUID.randomUUID().toString(), user, 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, T0);
    Job firstAttempt = job.claimedBy("exec-1", T0).withHeartbeat(T0.plusSeconds(40));
    Job secondAttempt = firstAttempt.requeued(T0.plusSeconds(41)).claimedBy("exec-2", T0.plusSeconds(42));
    ledger().record(secondAttempt.afterEvent(JobStatus.SUCCEEDED, 3, null, List.of(), null, 2.5, T0.plusSeconds(45)));

    assertThat(usage().gpuSecondsSince(user, T0)).as("40 s handed back + 2.5 s").isEqualTo(42.5);
    assertThat(recorded(job.id())).hasValueSatisfying(r -> assertThat(r.gpuSeconds()).isEqualTo(42.5));
  }

  @Test
  void aJobIsRecordedWithItsOutputs() {
    Job job = queued();
    ledger().record(job);
    assertThat(recorded(job.id())).hasValueSatisfying(r -> {
      assertThat(r.status()).isEqualTo("queued");
      assertThat(r.userId()).isEqualTo("alice");
    });
    Job done = job.afterEvent(JobStatus.SUCCEEDED, 3, null, List.of(output(job, "a.png"), output(job, "b.png")), null, 4.5, T0);
    ledger().record(done);
    assertThat(recorded(job.id())).hasValueSatisfying(r -> {
      assertThat(r.status()).isEqualTo("succeeded");
      assertThat(r.gpuSeconds()).isEqualTo(4.5);
      assertThat(r.outputObjects()).containsExactlyInAnyOrder(
          "outputs/alice/" + job.id() + "/a.png", "outputs/alice/" + job.id() + "/b.png");
    });
  }

  @Test
  void recordingTheSameStateTwiceChangesNothing() {
    Job job = queued();
    Job done = job.afterEvent(JobStatus.SUCCEEDED, 2, null, List.of(output(job, "a.png")), null, 1, T0);
    ledger().record(done);
    ledger().record(done);
    assertThat(recorded(job.id()).orElseThrow().outputObjects()).hasSize(1);
  }

  @Test
  void anOlderStateArrivingLateNeverMovesTheRecordBackwards() {
    Job job = queued();
    Job running = job.withStatus(JobStatus.DISPATCHED, T0).afterEvent(JobStatus.RUNNING, 1, null, List.of(), null, 0, T0);
    Job failed = running.afterEvent(JobStatus.FAILED, 2, null, List.of(), new JobError("OOM", "out of memory", "3"), 2, T0);
    ledger().record(failed);
    ledger().record(running);
    ledger().record(job);
    assertThat(recorded(job.id())).hasValueSatisfying(r -> {
      assertThat(r.status()).isEqualTo("failed");
      assertThat(r.errorType()).isEqualTo("OOM");
    });
  }

  @Test
  void aNewAttemptReplacesTheOldOne() {
    Job job = queued();
    Job lostRun = job.afterEvent(JobStatus.LOST, 4, null, List.of(), null, 3, T0);
    Job retried = lostRun.requeued(T0);
    ledger().record(lostRun);
    ledger().record(retried);
    assertThat(recorded(job.id())).hasValueSatisfying(r -> {
      assertThat(r.status()).isEqualTo("queued");
      assertThat(r.attempt()).isEqualTo(2);
    });
  }

  /** A job of {@code user} created at {@code at}. */
  private static Job createdAt(String user, Instant at) {
    return Job.queued(UUID.randomUUID().toString(), user, 1, JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.objectNode(), null, at);
  }

  @Test
  void arrivalsAreCountedPerMinuteFromTheFirstJobsMinuteWithQuietMinutesAsZeros() {
    // A window of its own: no other test records jobs in 2031.
    Instant from = Instant.parse("2031-03-02T00:00:00Z");
    Instant until = from.plus(java.time.Duration.ofMinutes(10));
    for (Instant at : List.of(from.minusSeconds(1), from.plusSeconds(5 * 60 + 10), from.plusSeconds(5 * 60 + 50),
        from.plusSeconds(7 * 60), from.plusSeconds(9 * 60 + 59), until)) {
      ledger().record(createdAt("arrivals", at));
    }

    ArrivalHistory.MinuteCounts counts = arrivalHistory().createdPerMinute(from, until).orElseThrow();

    assertThat(counts.firstMinute()).isEqualTo(from.plusSeconds(5 * 60));
    assertThat(counts.perMinute()).as("minutes 5 to 9; the job before the window and the one at its end left out")
        .containsExactly(2, 0, 1, 0, 1);
  }

  @Test
  void aWindowWithNoJobHasNoHistory() {
    Instant from = Instant.parse("2031-04-06T00:00:00Z");
    ledger().record(createdAt("arrivals", from.minusSeconds(60)));

    assertThat(arrivalHistory().createdPerMinute(from, from.plus(java.time.Duration.ofDays(28)))).isEmpty();
  }

  @Test
  void theTypicalJobIsTheMeanGpuTimeOfTheJobsThatSucceededInTheWindow() {
    Instant from = Instant.parse("2031-05-04T00:00:00Z");
    Instant until = from.plus(java.time.Duration.ofHours(1));
    assertThat(arrivalHistory().meanSucceededGpuSeconds(from, until)).as("none succeeded yet").isZero();
    ledger().record(createdAt("typical", from).afterEvent(JobStatus.SUCCEEDED, 3, null, List.of(), null, 4,
        from.plusSeconds(10)));
    ledger().record(createdAt("typical", from.plusSeconds(600)).afterEvent(JobStatus.SUCCEEDED, 3, null, List.of(),
        null, 10, from.plusSeconds(620)));
    ledger().record(createdAt("typical", from.plusSeconds(700)).afterEvent(JobStatus.FAILED, 2, null, List.of(),
        new JobError("OOM", "out of memory", "3"), 100, from.plusSeconds(720)));
    ledger().record(createdAt("typical", until).afterEvent(JobStatus.SUCCEEDED, 3, null, List.of(), null, 1000,
        until.plusSeconds(5)));

    assertThat(arrivalHistory().meanSucceededGpuSeconds(from, until)).isEqualTo(7.0);
  }
}
