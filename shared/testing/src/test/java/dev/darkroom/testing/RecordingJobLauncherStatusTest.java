package dev.darkroom.testing;

import dev.darkroom.core.port.ExecutionStatus;
import dev.darkroom.core.port.ExecutionStatus.State;
import dev.darkroom.core.port.JobLauncher;

/** The fake launcher's execution states pass the same contract as Cloud Run's Executions API. */
class RecordingJobLauncherStatusTest extends ExecutionStatusContract {
  private final RecordingJobLauncher launcher = new RecordingJobLauncher();

  @Override
  protected JobLauncher launcher() {
    return launcher;
  }

  @Override
  protected ExecutionStatus status() {
    return launcher;
  }

  @Override
  protected dev.darkroom.core.port.LaunchedExecutions launches() {
    return launcher;
  }

  @Override
  protected void end(String executionName) {
    launcher.states.put(executionName, State.ENDED);
  }

  @Override
  protected void forget(String executionName) {
    launcher.states.put(executionName, State.MISSING);
  }
}
