package dev.darkroom.core.usecase;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which queued jobs a task that has finished its own work takes next. It looks at the oldest queued
 * jobs needing the models it has loaded (its last job's {@link Job#fingerprint()}) and the oldest of
 * any models, {@value #WINDOW} of each, and lets {@link FairShare} order them: users under their
 * limit, fewest running first, then the loaded models, then the user who has waited longest, then
 * each user's own queue order.
 *
 * <p>{@code number} and {@code front} are the client's, so a window in queue order can be filled by
 * one user: one at their tier's limit, with {@value #WINDOW} jobs queued at the front, would leave
 * every other user's job unseen while GPUs idle. So when the window is full, the look also reads
 * each user's first queued job ({@link JobStore#firstQueuedOfEachUser}), {@value #USERS_PER_LOOK}
 * users a look (one short query each), resuming where the previous look stopped: every user with
 * work waiting is seen within {@code users / }{@value #USERS_PER_LOOK} looks of a task.
 *
 * <p>Taking other models when none of its own are left (5 to 20 s of model load) costs less than the
 * cold start (tens of seconds) someone would pay to run them elsewhere, and it keeps a task of one
 * model set from holding a GPU while jobs of another wait: the dispatch simulation
 * ({@code docs/DISPATCH_SIMULATION.md}) measured this as what brings the p95 queue wait of a burst
 * down to the always-on pool's.
 *
 * <p>A task kept warm ({@code dev.darkroom.core.warm.KeepWarm}) also takes, after the queued jobs,
 * jobs dispatched to a task still starting: that task's cold start is tens of seconds away, and a
 * warm task finishing its job now runs the job at once; the starting task, finding its job taken
 * ({@link ClaimJob} lets one of them win), drains or leaves like any other.
 */
public final class DrainOrder {
  /** How many queued jobs of each kind one look considers. */
  static final int WINDOW = 20;
  /** How many users' first jobs one look reads past a full window. */
  static final int USERS_PER_LOOK = 50;

  private final JobStore jobs;
  private final FairShare fairShare;
  /** Null: dispatched jobs are left to the tasks launched for them. */
  private final java.time.Clock takesDispatchedBy;
  /** The last user the previous look past the window read; null to start from the first. */
  private String resumeAfter;

  public DrainOrder(JobStore jobs, FairShare fairShare) {
    this(jobs, fairShare, null);
  }

  private DrainOrder(JobStore jobs, FairShare fairShare, java.time.Clock takesDispatchedBy) {
    this.jobs = jobs;
    this.fairShare = fairShare;
    this.takesDispatchedBy = takesDispatchedBy;
  }

  /** The order of a task kept warm: the same, then jobs dispatched to tasks still starting, oldest first. */
  public static DrainOrder takingDispatched(JobStore jobs, FairShare fairShare, java.time.Clock clock) {
    return new DrainOrder(jobs, fairShare, clock);
  }

  /** At most {@code limit} candidates; each must still be claimed ({@link ClaimJob}) to be run. */
  public List<Job> next(String loadedFingerprint, int limit) {
    Map<String, Job> window = new LinkedHashMap<>();
    if (loadedFingerprint != null) {
      jobs.queuedWithFingerprint(loadedFingerprint, WINDOW).forEach(job -> window.put(job.id(), job));
    }
    List<Job> inQueueOrder = jobs.queued(WINDOW);
    inQueueOrder.forEach(job -> window.putIfAbsent(job.id(), job));
    if (inQueueOrder.size() == WINDOW) {
      firstOfEachUser().forEach(job -> window.putIfAbsent(job.id(), job));
    }
    List<Job> ordered = fairShare.order(new ArrayList<>(window.values()), loadedFingerprint);
    if (takesDispatchedBy != null && ordered.size() < limit) {
      List<Job> withDispatched = new ArrayList<>(ordered);
      withDispatched.addAll(jobs.unchangedSince(JobStatus.DISPATCHED, takesDispatchedBy.instant(), limit - ordered.size()));
      return withDispatched;
    }
    return ordered.subList(0, Math.min(limit, ordered.size()));
  }

  /** Up to {@value #USERS_PER_LOOK} users' first queued jobs, after the previous look's last user, wrapping around. */
  private synchronized List<Job> firstOfEachUser() {
    String startedAfter = resumeAfter;
    List<Job> found = new ArrayList<>(jobs.firstQueuedOfEachUser(startedAfter, USERS_PER_LOOK));
    if (found.size() < USERS_PER_LOOK && startedAfter != null) {
      for (Job job : jobs.firstQueuedOfEachUser(null, USERS_PER_LOOK - found.size())) {
        if (job.userId().compareTo(startedAfter) > 0) {
          break; // read already at the start of this look
        }
        found.add(job);
      }
    }
    resumeAfter = found.size() < USERS_PER_LOOK ? null : found.get(found.size() - 1).userId();
    return found;
  }
}
