package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobLauncher.CapacityExhaustedException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link JobLauncher} must do, the fake and the Cloud Run adapter alike. */
public abstract class JobLauncherContract {

  private static final GpuPool.Lease SLOT = new GpuPool.Lease("slot-0", "contract");

  protected abstract JobLauncher launcher();

  /** Makes the platform refuse the next launch for lack of capacity (a GPU quota). */
  protected abstract void refuseNextLaunchForCapacity();

  /** Makes the next launch fail for any other reason. */
  protected abstract void failNextLaunch();

  @Test
  void eachLaunchNamesItsOwnExecutionAsCloudRunDoes() {
    String first = launcher().launch(List.of("job-a"), SLOT);
    String second = launcher().launch(List.of("job-b"), SLOT);
    assertThat(first).matches("projects/[^/]+/locations/[^/]+/jobs/[^/]+/executions/[^/]+");
    assertThat(second).isNotEqualTo(first);
  }

  @Test
  void aCapacityRefusalIsToldApartFromOtherFailures() {
    refuseNextLaunchForCapacity();
    assertThatThrownBy(() -> launcher().launch(List.of("job-a"), SLOT)).isInstanceOf(CapacityExhaustedException.class);
    failNextLaunch();
    assertThatThrownBy(() -> launcher().launch(List.of("job-a"), SLOT))
        .isInstanceOf(RuntimeException.class).isNotInstanceOf(CapacityExhaustedException.class);
    assertThat(launcher().launch(List.of("job-a"), SLOT)).isNotBlank();
  }
}
