package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.CreateJobRequest;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.TaskTemplate;
import dev.darkroom.core.port.ModelImportLauncher;
import dev.darkroom.emulators.run.CloudRunJobsEmulator;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The import job's launcher on the Cloud Run emulator: one task, told which record to import. */
class CloudRunModelImportLauncherIT {
  private static final String JOB = "projects/darkroom-adapters/locations/us-central1/jobs/model-import";

  @BeforeAll
  static void createJob() throws Exception {
    // The task succeeds only if the overrides named the record: folder, name (with its subfolder) and import id.
    SharedLocalCloud.adapters().clients().cloudRunJobs().createJobAsync(CreateJobRequest.newBuilder()
        .setParent("projects/darkroom-adapters/locations/us-central1").setJobId("model-import")
        .setJob(Job.newBuilder().setTemplate(ExecutionTemplate.newBuilder().setTemplate(TaskTemplate.newBuilder()
            .setMaxRetries(0)
            .addContainers(Container.newBuilder().setImage("test").addAllCommand(List.of("sh", "-c",
                "test \"$DARKROOM_MODEL_FOLDER\" = loras && test \"$DARKROOM_MODEL_NAME\" = 'style/ink v2.safetensors'"
                    + " && test \"$DARKROOM_MODEL_IMPORT_ID\" = 0123abcd"))))))
        .build()).get();
  }

  private static ModelImportLauncher launcher() {
    return SharedLocalCloud.adapters().adapters.modelImportLauncher(
        new ModelImportsConfig(JOB, new byte[32], false));
  }

  private static CloudRunJobsEmulator emulator() {
    return SharedLocalCloud.cloud().cloudRun().orElseThrow();
  }

  @Test
  void anExecutionStartsAndItsTaskSeesWhichRecordToImport() throws Exception {
    String execution = launcher().launch("loras", "style/ink v2.safetensors", "0123abcd");
    assertThat(execution).startsWith(JOB + "/executions/");

    ManagedChannel channel = ManagedChannelBuilder.forTarget(emulator().hostPort()).usePlaintext().build();
    try (ExecutionsClient executions = ExecutionsClient.create(ExecutionsSettings.newBuilder()
        .setEndpoint(emulator().hostPort())
        .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
        .setCredentialsProvider(NoCredentialsProvider.create()).build())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> executions.getExecution(execution).hasCompletionTime());
      assertThat(executions.getExecution(execution).getSucceededCount()).isEqualTo(1);
      assertThat(executions.getExecution(execution).getTaskCount()).isEqualTo(1);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aLaunchCloudRunRefusesIsAnExceptionTheApiRecordsAsFailed() {
    emulator().failNextLaunches(1);
    assertThatThrownBy(() -> launcher().launch("loras", "a.safetensors", "id")).isInstanceOf(RuntimeException.class);
  }

  @Test
  void theConfigNamesTheJobAndTheTokensKeyAndOpensLoopbackOnlyWhenAllowed() {
    String key = "k".repeat(SecretSealer.MIN_KEY_BYTES);
    ModelImportsConfig config = ModelImportsConfig.from(new Env(Map.of("MODEL_IMPORT_JOB_NAME", JOB,
        ModelImportsConfig.TOKENS_KEY_VARIABLE, key)));
    assertThat(config.jobName()).isEqualTo(JOB);
    assertThat(config.allowLoopback()).isFalse();
    assertThat(config.toString()).doesNotContain(key);
    assertThat(ModelImportsConfig.from(new Env(Map.of("MODEL_IMPORT_JOB_NAME", JOB,
        ModelImportsConfig.TOKENS_KEY_VARIABLE, key, WebhooksConfig.ALLOW_LOOPBACK_VARIABLE, "true"))).allowLoopback())
        .isTrue();
    assertThatThrownBy(() -> ModelImportsConfig.from(new Env(Map.of(ModelImportsConfig.TOKENS_KEY_VARIABLE, key))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("MODEL_IMPORT_JOB_NAME");
    assertThatThrownBy(() -> ModelImportsConfig.from(new Env(Map.of("MODEL_IMPORT_JOB_NAME", JOB,
        ModelImportsConfig.TOKENS_KEY_VARIABLE, "short")))).isInstanceOf(Env.MissingConfigException.class)
        .hasMessageContaining(ModelImportsConfig.TOKENS_KEY_VARIABLE);
  }
}
