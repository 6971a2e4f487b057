package dev.darkroom.testing;

import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;

/** The fake launcher passes the same contract as the Cloud Run adapter. */
class RecordingLauncherTest extends JobLauncherContract {
  private final RecordingPorts.Launcher launcher = new RecordingPorts.Launcher();

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
