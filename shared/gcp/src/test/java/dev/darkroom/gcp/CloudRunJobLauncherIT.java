package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.CreateJobRequest;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.testing.JobLauncherContract;
import dev.darkroom.emulators.run.CloudRunJobsEmulator;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Cloud Run adapter passes the same contract as the fake (the emulator injects the refusals),
 * and its overrides reach the task.
 */
class CloudRunJobLauncherIT extends JobLauncherContract {
  private static final String JOB = "projects/darkroom-adapters/locations/us-central1/jobs/gpu";

  @BeforeAll
  static void createJob() throws Exception {
    // The task succeeds only if the launcher's overrides told it its job ids and its GPU slot: slot 4's
    // launch has two jobs, slot 5's none (a warm start: the variable set, and empty).
    String check = "case \"$DARKROOM_GPU_SLOT\" in"
        + " slot-4/holder) test \"$DARKROOM_JOB_IDS\" = \"job-a,job-b\" ;;"
        + " slot-5/holder) test \"${DARKROOM_JOB_IDS+set}\" = set && test -z \"$DARKROOM_JOB_IDS\" ;;"
        + " *) false ;; esac";
    SharedLocalCloud.adapters().clients().cloudRunJobs().createJobAsync(CreateJobRequest.newBuilder()
        .setParent("projects/darkroom-adapters/locations/us-central1").setJobId("gpu")
        .setJob(Job.newBuilder().setTemplate(ExecutionTemplate.newBuilder().setTemplate(TaskTemplate.newBuilder()
            .setMaxRetries(0)
            .addContainers(Container.newBuilder().setImage("test")
                .addAllCommand(List.of("sh", "-c", check))))))
        .build()).get();
  }

  private static CloudRunJobsEmulator emulator() {
    return SharedLocalCloud.cloud().cloudRun().orElseThrow();
  }

  @Test
  void anExecutionStartsAndItsTaskSeesTheAssignedJobIds() throws Exception {
    JobLauncher launcher = SharedLocalCloud.adapters().jobLauncher();
    String execution = launcher.launch(List.of("job-a", "job-b"), new GpuPool.Lease("slot-4", "holder"));
    assertThat(execution).startsWith(JOB + "/executions/");
    assertSucceeds(execution);
  }

  @Test
  void aLaunchWithNoJobGivesItsTaskAnEmptyJobList() throws Exception {
    String execution = SharedLocalCloud.adapters().jobLauncher().launch(List.of(), new GpuPool.Lease("slot-5", "holder"));
    assertSucceeds(execution);
  }

  private static void assertSucceeds(String execution) throws Exception {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(emulator().hostPort()).usePlaintext().build();
    try (ExecutionsClient executions = ExecutionsClient.create(ExecutionsSettings.newBuilder()
        .setEndpoint(emulator().hostPort())
        .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
        .setCredentialsProvider(NoCredentialsProvider.create()).build())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> executions.getExecution(execution).hasCompletionTime());
      assertThat(executions.getExecution(execution).getSucceededCount()).isEqualTo(1);
    } finally {
      channel.shutdownNow();
    }
  }

  @Override
  protected JobLauncher launcher() {
    return SharedLocalCloud.adapters().jobLauncher();
  }

  @Override
  protected void refuseNextLaunchForCapacity() {
    emulator().refuseNextLaunches(1);
  }

  @Override
  protected void failNextLaunch() {
    emulator().failNextLaunches(1);
  }
}
