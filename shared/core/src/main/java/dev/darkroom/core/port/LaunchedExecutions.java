package dev.darkroom.core.port;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The GPU job's executions as the platform lists them (Cloud Run's Executions API in the cloud),
 * each with the launch it came from: what the reconciler reads to find executions that run outside
 * the {@link GpuPool}'s count, e.g. one whose {@code runJob} created it but answered with an error,
 * so that dispatch gave its slot back.
 */
public interface LaunchedExecutions {

  /**
   * Executions that have not ended, with their launch. An execution whose environment names no
   * launch (started by hand, or by a dispatch from before launches were named) is left out.
   */
  List<Launch> unfinished();

  /** Asks the platform to stop the execution; nothing when it has ended or is gone. */
  void cancel(String executionName);

  /**
   * What {@link JobLauncher#launch} started.
   *
   * @param slot the GPU slot lease the launch was given: its {@link GpuPool.Lease#token()} is the
   *     launch's identity ({@code DARKROOM_GPU_SLOT} in the execution's environment)
   * @param jobIds the jobs the launch was for ({@code DARKROOM_JOB_IDS})
   */
  record Launch(String executionName, GpuPool.Lease slot, List<String> jobIds, Instant createdAt) {
    public Launch {
      Objects.requireNonNull(executionName, "executionName");
      Objects.requireNonNull(slot, "slot");
      jobIds = List.copyOf(jobIds);
    }
  }
}
