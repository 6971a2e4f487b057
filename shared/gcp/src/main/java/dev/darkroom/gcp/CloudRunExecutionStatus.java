package dev.darkroom.gcp;

import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionsClient;
import dev.darkroom.core.port.ExecutionStatus;

/**
 * {@link ExecutionStatus} from Cloud Run's Executions API: an execution with a completion time has
 * ended, one the API does not find is missing. A short name (the runner knows only
 * {@code CLOUD_RUN_EXECUTION}) is taken as an execution of the GPU job.
 */
public final class CloudRunExecutionStatus implements ExecutionStatus {
  private final ExecutionsClient executions;
  private final String jobName;

  /** @param jobName {@code projects/{p}/locations/{region}/jobs/{job}} */
  public CloudRunExecutionStatus(ExecutionsClient executions, String jobName) {
    this.executions = executions;
    this.jobName = jobName;
  }

  @Override
  public State state(String executionName) {
    String name = executionName.contains("/") ? executionName : jobName + "/executions/" + executionName;
    try {
      Execution execution = executions.getExecution(name);
      return execution.hasCompletionTime() ? State.ENDED : State.ACTIVE;
    } catch (NotFoundException e) {
      return State.MISSING;
    }
  }
}
