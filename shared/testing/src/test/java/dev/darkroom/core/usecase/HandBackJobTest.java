package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandBackJobTest {
  private final UseCaseFixture f = new UseCaseFixture();
  private final HandBackJob handBack = new HandBackJob(f.jobs, f.queue, f.clock);

  private void dispatched() {
    f.submit.submit(f.request("alice", "p-1"));
    f.dispatch.dispatch(f.queue.published.get(0));
  }

  @Test
  void aRunningJobGoesBackToTheQueueAsANewAttemptAndToDispatchAgain() {
    dispatched();
    f.claim.claim("p-1", "exec-1");

    assertThat(handBack.handBack("p-1", "exec-1")).isTrue();

    Job job = f.jobs.get("p-1").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(job.attempt()).isEqualTo(2);
    assertThat(f.queue.published).last().isEqualTo(new JobSubmitted("p-1", "alice", 2));
    // What the interrupted attempt still reports changes nothing.
    assertThat(f.apply.apply(new JobEvent.Cancelled("p-1", 1, 2, UseCaseFixture.NOW, 1))).isEqualTo(ApplyJobEvent.Result.STALE);
  }

  @Test
  void anUnclaimedDispatchedJobIsRecognisedByTheShortExecutionName() {
    dispatched(); // dispatch recorded the fake launcher's full name "projects/p/locations/us-central1/jobs/gpu/executions/exec-1"
    assertThat(f.jobs.get("p-1").orElseThrow().executionName()).isEqualTo("projects/p/locations/us-central1/jobs/gpu/executions/exec-1");
    assertThat(handBack.handBack("p-1", "exec-1")).isTrue();
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void anotherExecutionsOrAFinishedJobIsNotHandedBack() {
    dispatched();
    f.claim.claim("p-1", "exec-1");
    assertThat(handBack.handBack("p-1", "exec-2")).isFalse();
    assertThat(handBack.handBack("p-1", "exec-")).isFalse();
    f.apply.apply(new JobEvent.Succeeded("p-1", 1, 1, UseCaseFixture.NOW, List.of(), 1));
    assertThat(handBack.handBack("p-1", "exec-1")).isFalse();
    assertThat(f.jobs.get("p-1").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(handBack.handBack("ghost", "exec-1")).isFalse();
  }

  @Test
  void namesAreComparedExactlyOrAsTheLastSegmentOfAFullName() {
    assertThat(running("projects/p/locations/l/jobs/j/executions/e-1").isRunBy("e-1")).isTrue();
    assertThat(running("e-1").isRunBy("e-1")).isTrue();
    assertThat(running("projects/p/locations/l/jobs/j/executions/xe-1").isRunBy("e-1")).isFalse();
    assertThat(running(null).isRunBy("e-1")).isFalse();
  }

  private static dev.darkroom.core.job.Job running(String execution) {
    return dev.darkroom.core.job.Job.builder("j", "u", JobStatus.RUNNING).executionName(execution).build();
  }
}
