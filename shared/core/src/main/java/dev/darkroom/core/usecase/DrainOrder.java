package dev.darkroom.core.usecase;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.JobStore;
import java.util.List;

/**
 * Which queued jobs a task that has finished its own work takes next: those needing the models it
 * has loaded (its last job's {@link Job#fingerprint()}), in queue order; when none, the oldest
 * queued jobs of any models. Loading other models (5 to 20 s) costs less than the cold start (tens
 * of seconds) someone would pay to run them elsewhere, and it keeps a task of one model set from
 * holding a GPU while jobs of another wait: the dispatch simulation ({@code docs/DISPATCH_SIMULATION.md})
 * measured this as what brings the p95 queue wait of a burst down to the always-on pool's.
 */
public final class DrainOrder {
  private DrainOrder() {}

  /** At most {@code limit} candidates; each must still be claimed ({@link ClaimJob}) to be run. */
  public static List<Job> next(JobStore jobs, String loadedFingerprint, int limit) {
    List<Job> sameModels = loadedFingerprint == null ? List.of() : jobs.queuedWithFingerprint(loadedFingerprint, limit);
    return sameModels.isEmpty() ? jobs.queued(limit) : sameModels;
  }
}
