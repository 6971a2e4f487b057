package dev.darkroom.testing;

import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;

/** The fake launcher passes the same contract as the Cloud Run adapter. */
class RecordingJobLauncherTest extends JobLauncherContract {
  private final RecordingJobLauncher launcher = new RecordingJobLauncher();

  @Override
  protected JobLauncher launcher() {
    return launcher;
  }

  @Override
  protected void refuseNextLaunchForCapacity() {
    launcher.failNext(() -> new CapacityExhaustedException("RESOURCE_EXHAUSTED: quota", null));
  }

  @Override
  protected void failNextLaunch() {
    launcher.failNext(() -> new IllegalStateException("UNAVAILABLE"));
  }
}
