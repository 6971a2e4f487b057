package dev.darkroom.gcp;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.RunJobRequest;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobLauncher;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link JobLauncher} on Cloud Run Jobs: {@code runJob} on the GPU job with overrides that tell
 * the runner which jobs are its own ({@code DARKROOM_JOB_IDS}) and which GPU slot it holds
 * ({@code DARKROOM_GPU_SLOT}). Waits for the operation's
 * metadata (the new execution), not its result, which only comes when the execution ends.
 *
 * <p>The overrides cross from dispatch to the runner image, deployed separately: their format is
 * versioned by the variables' names (a new format comes under a new name, beside the old one while
 * runners of the previous image may still start). Golden example: {@code wire/v1/launch-overrides.json}.
 */
public final class CloudRunJobLauncher implements JobLauncher {
  /** The variable the runner reads its assigned job ids from, comma-separated. */
  public static final String JOB_IDS_VARIABLE = "DARKROOM_JOB_IDS";
  /** The variable the runner reads the lease of its GPU slot from ({@code slot/holder}). */
  public static final String GPU_SLOT_VARIABLE = "DARKROOM_GPU_SLOT";

  private final JobsClient jobs;
  private final String jobName;

  /** @param jobName {@code projects/{p}/locations/{region}/jobs/{job}} */
  public CloudRunJobLauncher(JobsClient jobs, String jobName) {
    this.jobs = jobs;
    this.jobName = jobName;
  }

  @Override
  public String launch(List<String> jobIds, GpuPool.Lease slot) {
    return run(jobs, RunJobRequest.newBuilder().setName(jobName).setOverrides(overrides(jobIds, slot)).build());
  }

  /**
   * Runs the request and answers the new execution's name once Cloud Run has made it; quota
   * exhaustion is a {@link CapacityExhaustedException}. Shared by every launcher of Cloud Run jobs.
   */
  static String run(JobsClient jobs, RunJobRequest request) {
    String jobName = request.getName();
    try {
      OperationFuture<Execution, Execution> operation = jobs.runJobAsync(request);
      return operation.getMetadata().get(60, TimeUnit.SECONDS).getName();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ApiException api
          && api.getStatusCode().getCode() == StatusCode.Code.RESOURCE_EXHAUSTED) {
        throw new CapacityExhaustedException(api.getMessage(), api);
      }
      throw new IllegalStateException("runJob " + jobName + " failed: " + cause, cause);
    } catch (ApiException api) {
      if (api.getStatusCode().getCode() == StatusCode.Code.RESOURCE_EXHAUSTED) {
        throw new CapacityExhaustedException(api.getMessage(), api);
      }
      throw api;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted launching " + jobName, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("runJob " + jobName + " gave no execution within 60 s", e);
    }
  }

  /** One task that runs {@code jobIds} holding {@code slot}: what the runner reads at start ({@code RunnerConfig}). */
  static RunJobRequest.Overrides overrides(List<String> jobIds, GpuPool.Lease slot) {
    return RunJobRequest.Overrides.newBuilder()
        .setTaskCount(1)
        .addContainerOverrides(RunJobRequest.Overrides.ContainerOverride.newBuilder()
            .addEnv(EnvVar.newBuilder().setName(JOB_IDS_VARIABLE).setValue(String.join(",", jobIds)))
            .addEnv(EnvVar.newBuilder().setName(GPU_SLOT_VARIABLE).setValue(slot.token())))
        .build();
  }
}
