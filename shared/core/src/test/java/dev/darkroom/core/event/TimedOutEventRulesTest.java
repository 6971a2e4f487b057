package dev.darkroom.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A time-out, the runner's or the reconciler's, against every way a job may have ended meanwhile. */
class TimedOutEventRulesTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Instant T1 = T0.plusSeconds(700);
  private static final JobError LIMIT = JobError.interruptedAtTimeLimit(600, "3");

  private static Job job(JobStatus status, long lastSequence) {
    return Job.queued("p1", "alice", 1, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(),
        null, T0).withMaxRunSeconds(600).afterEvent(status, lastSequence, null, List.of(), null, 42, T0);
  }

  private static JobEvent.TimedOut runnersTimeOut(long sequence) {
    return new JobEvent.TimedOut("p1", 1, sequence, T1, LIMIT, 601.5);
  }

  @Test
  void theRunnersTimeOutEndsARunningJobWithItsErrorAndGpuTime() {
    EventDecision decision = JobEventRules.decide(job(JobStatus.RUNNING, 5), runnersTimeOut(6), T1);

    assertThat(decision).isInstanceOfSatisfying(EventDecision.Apply.class, apply -> {
      assertThat(apply.next().status()).isEqualTo(JobStatus.TIMED_OUT);
      assertThat(apply.next().error()).isEqualTo(LIMIT);
      assertThat(apply.next().billedGpuSeconds()).isEqualTo(601.5);
    });
  }

  @Test
  void aTimeOutAfterASuccessOrACancelChangesNothing() {
    for (JobStatus ended : List.of(JobStatus.SUCCEEDED, JobStatus.CANCELLED, JobStatus.FAILED)) {
      assertThat(JobEventRules.decide(job(ended, 6), runnersTimeOut(7), T1)).as("runner's, after %s", ended)
          .isInstanceOf(EventDecision.Stale.class);
      assertThat(JobEventRules.decide(job(ended, 6), new JobEvent.TimedOut("p1", 1, JobEvent.RECONCILER_SEQUENCE, T1,
          JobError.lostPastTimeLimit(600), 300), T1)).as("reconciler's, after %s", ended)
          .isInstanceOf(EventDecision.Stale.class);
    }
  }

  @Test
  void aRepeatedTimeOutIsADuplicateAndAnEarlierOneIsStale() {
    Job timedOut = job(JobStatus.TIMED_OUT, 6);
    assertThat(JobEventRules.decide(timedOut, runnersTimeOut(6), T1)).isInstanceOf(EventDecision.Duplicate.class);
    assertThat(JobEventRules.decide(timedOut, runnersTimeOut(5), T1)).isInstanceOf(EventDecision.Stale.class);
  }

  @Test
  void aLostJobTimesOutByTheReconcilersVerdictOnly() {
    Job lost = job(JobStatus.LOST, 5);
    JobEvent.TimedOut verdict = new JobEvent.TimedOut("p1", 1, JobEvent.RECONCILER_SEQUENCE, T1,
        JobError.lostPastTimeLimit(600), 300);

    assertThat(JobEventRules.decide(lost, verdict, T1)).isInstanceOfSatisfying(EventDecision.Apply.class,
        apply -> assertThat(apply.next().status()).isEqualTo(JobStatus.TIMED_OUT));
    assertThat(JobEventRules.decide(lost, runnersTimeOut(6), T1)).isInstanceOf(EventDecision.Stale.class);
    assertThat(JobEventRules.decide(job(JobStatus.RUNNING, 5), verdict, T1)).as("a runner has it")
        .isInstanceOf(EventDecision.Stale.class);
  }
}
