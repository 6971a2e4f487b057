package dev.darkroom.core.usecase;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.JobStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which queued jobs a task that has finished its own work takes next. It looks at the oldest queued
 * jobs needing the models it has loaded (its last job's {@link Job#fingerprint()}) and the oldest of
 * any models, {@value #WINDOW} of each, and lets {@link FairShare} order them: users under their
 * limit, fewest running first, then the loaded models, then queue order.
 *
 * <p>Taking other models when none of its own are left (5 to 20 s of model load) costs less than the
 * cold start (tens of seconds) someone would pay to run them elsewhere, and it keeps a task of one
 * model set from holding a GPU while jobs of another wait: the dispatch simulation
 * ({@code docs/DISPATCH_SIMULATION.md}) measured this as what brings the p95 queue wait of a burst
 * down to the always-on pool's.
 */
public final class DrainOrder {
  /** How many queued jobs of each kind one look considers. */
  static final int WINDOW = 20;

  private final JobStore jobs;
  private final FairShare fairShare;

  public DrainOrder(JobStore jobs, FairShare fairShare) {
    this.jobs = jobs;
    this.fairShare = fairShare;
  }

  /** At most {@code limit} candidates; each must still be claimed ({@link ClaimJob}) to be run. */
  public List<Job> next(String loadedFingerprint, int limit) {
    Map<String, Job> window = new LinkedHashMap<>();
    if (loadedFingerprint != null) {
      jobs.queuedWithFingerprint(loadedFingerprint, WINDOW).forEach(job -> window.put(job.id(), job));
    }
    jobs.queued(WINDOW).forEach(job -> window.putIfAbsent(job.id(), job));
    List<Job> ordered = fairShare.order(new ArrayList<>(window.values()), loadedFingerprint);
    return ordered.subList(0, Math.min(limit, ordered.size()));
  }
}
