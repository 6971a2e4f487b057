package dev.darkroom.core.port;

import java.util.List;

/** Starts GPU work (a Cloud Run job execution in the cloud). */
public interface JobLauncher {

  /**
   * Starts one execution of one task that will run {@code jobIds} and hold {@code slot} of the
   * {@link GpuPool} while it lives.
   *
   * @return the execution's name
   * @throws CapacityExhaustedException when the platform refuses for lack of capacity or quota:
   *     the jobs should stay queued for a later pass
   */
  String launch(List<String> jobIds, GpuPool.Lease slot);

  /** The platform has no capacity now (e.g. GPU quota, {@code RESOURCE_EXHAUSTED}). */
  final class CapacityExhaustedException extends RuntimeException {
    public CapacityExhaustedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
