package dev.darkroom.gcp;

import com.google.api.gax.rpc.FailedPreconditionException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.CancelExecutionRequest;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ListExecutionsRequest;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.LaunchedExecutions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LaunchedExecutions} from Cloud Run's Executions API: the GPU job's executions without a
 * completion time, each with the launch its environment names. An execution's template carries
 * the {@code runJob} overrides it was created with, so the slot lease ({@code DARKROOM_GPU_SLOT})
 * and job ids ({@code DARKROOM_JOB_IDS}) that {@link CloudRunJobLauncher} set are read back from it.
 * At most {@value #MOST_LISTED} executions are read a call (Cloud Run keeps a job's history of
 * executions; unfinished ones are a handful).
 */
public final class CloudRunLaunchedExecutions implements LaunchedExecutions {
  private static final Logger log = LoggerFactory.getLogger(CloudRunLaunchedExecutions.class);
  static final int MOST_LISTED = 1000;

  private final ExecutionsClient executions;
  private final String jobName;

  /** @param jobName {@code projects/{p}/locations/{region}/jobs/{job}} */
  public CloudRunLaunchedExecutions(ExecutionsClient executions, String jobName) {
    this.executions = executions;
    this.jobName = jobName;
  }

  @Override
  public List<Launch> unfinished() {
    List<Launch> found = new ArrayList<>();
    int read = 0;
    ListExecutionsRequest request = ListExecutionsRequest.newBuilder().setParent(jobName).setPageSize(100).build();
    for (Execution execution : executions.listExecutions(request).iterateAll()) {
      if (++read > MOST_LISTED) {
        log.warn("more than {} executions of {}: the rest were not looked at", MOST_LISTED, jobName);
        break;
      }
      if (!execution.hasCompletionTime()) {
        launchOf(execution).ifPresent(found::add);
      }
    }
    return found;
  }

  /** The launch an execution's environment names; empty for one started without a slot lease. */
  static Optional<Launch> launchOf(Execution execution) {
    Map<String, String> env = new HashMap<>();
    for (Container container : execution.getTemplate().getContainersList()) {
      for (EnvVar variable : container.getEnvList()) {
        env.put(variable.getName(), variable.getValue());
      }
    }
    String slot = env.get(CloudRunJobLauncher.GPU_SLOT_VARIABLE);
    if (slot == null || slot.isBlank()) {
      return Optional.empty();
    }
    GpuPool.Lease lease;
    try {
      lease = GpuPool.Lease.parse(slot);
    } catch (IllegalArgumentException e) {
      log.warn("execution {}: {}", execution.getName(), e.getMessage());
      return Optional.empty();
    }
    String ids = env.getOrDefault(CloudRunJobLauncher.JOB_IDS_VARIABLE, "");
    List<String> jobIds = ids.isBlank() ? List.of() : Arrays.asList(ids.split(","));
    Instant created = Instant.ofEpochSecond(execution.getCreateTime().getSeconds(), execution.getCreateTime().getNanos());
    return Optional.of(new Launch(execution.getName(), lease, jobIds, created));
  }

  /** Starts the cancellation (the operation ends when the task has stopped); one already over or gone is left. */
  @Override
  public void cancel(String executionName) {
    try {
      executions.cancelExecutionCallable().call(CancelExecutionRequest.newBuilder().setName(executionName).build());
    } catch (NotFoundException | FailedPreconditionException e) {
      log.info("execution {} not cancelled, it is gone or over: {}", executionName, e.getMessage());
    }
  }
}
