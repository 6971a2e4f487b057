package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.cloud.run.v2.CancelExecutionRequest;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.CreateJobRequest;
import com.google.cloud.run.v2.DeleteExecutionRequest;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.TaskTemplate;
import dev.darkroom.core.port.ExecutionStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.LaunchedExecutions;
import dev.darkroom.testing.ExecutionStatusContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


/**
 * Cloud Run's Executions API, read by the adapter, passes the same contract as the fake launcher,
 * on our Cloud Run emulator: a job of its own whose task sleeps until it is cancelled.
 */
class CloudRunExecutionStatusIT extends ExecutionStatusContract {
  private static final String LOCATION = "projects/darkroom-adapters/locations/us-central1";
  private static final String JOB = LOCATION + "/jobs/status-contract";

  @BeforeAll
  static void createJob() throws Exception {
    SharedLocalCloud.adapters().clients().cloudRunJobs().createJobAsync(CreateJobRequest.newBuilder()
        .setParent(LOCATION).setJobId("status-contract")
        .setJob(Job.newBuilder().setTemplate(ExecutionTemplate.newBuilder().setTemplate(TaskTemplate.newBuilder()
            .setMaxRetries(0)
            .addContainers(Container.newBuilder().setImage("test").addAllCommand(List.of("sleep", "300"))))))
        .build()).get();
  }

  private static ExecutionsClient executions() {
    return SharedLocalCloud.adapters().clients().cloudRunExecutions();
  }

  @Override
  protected JobLauncher launcher() {
    return new CloudRunJobLauncher(SharedLocalCloud.adapters().clients().cloudRunJobs(), JOB);
  }

  @Override
  protected ExecutionStatus status() {
    return new CloudRunExecutionStatus(executions(), JOB);
  }

  @Override
  protected dev.darkroom.core.port.LaunchedExecutions launches() {
    return new CloudRunLaunchedExecutions(executions(), JOB);
  }

  /**
   * Issue 19 item 9 on the emulator: {@code runJob} creates the execution, then its answer is lost.
   * The launcher throws, as dispatch sees it; the execution runs on, and its launch (the slot
   * lease dispatch gave it) is read back from the listing, so the reconciler can adopt or cancel it.
   */
  @Test
  void anExecutionWhoseLaunchAnswerWasLostIsListedWithItsLaunch() {
    GpuPool.Lease lease = new GpuPool.Lease("slot-2", "lost-answer-" + System.nanoTime());
    SharedLocalCloud.cloud().cloudRun().orElseThrow().loseNextLaunchAnswers(1);

    assertThatThrownBy(() -> launcher().launch(List.of("job-g"), lease)).isInstanceOf(IllegalStateException.class);

    LaunchedExecutions.Launch ghost = launches().unfinished().stream()
        .filter(launch -> launch.slot().equals(lease)).findFirst().orElseThrow();
    assertThat(ghost.jobIds()).containsExactly("job-g");
    launches().cancel(ghost.executionName());
    await().atMost(Duration.ofSeconds(30)).until(() -> status().state(ghost.executionName()) == ExecutionStatus.State.ENDED);
  }

  /** Starts the cancellation; the contract waits for its end (the operation's own polling takes seconds). */
  @Override
  protected void end(String executionName) {
    executions().cancelExecutionCallable().call(CancelExecutionRequest.newBuilder().setName(executionName).build());
  }

  /** The emulator deletes at once (cancelling a running execution first), as its operation reports. */
  @Override
  protected void forget(String executionName) {
    executions().deleteExecutionCallable().call(DeleteExecutionRequest.newBuilder().setName(executionName).build());
  }
}
