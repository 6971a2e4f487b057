package dev.darkroom.core.usecase;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.ExecutionStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.LaunchedExecutions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's sweep (a scheduled function, every minute in the cloud): finds jobs that the
 * event-driven path left behind and sets them moving again, so that no job waits forever.
 * <ul>
 *   <li><b>queued</b> and untouched for {@link Policy#requeueQueuedAfter}: dispatch never took it
 *       (the platform refused, a launch failed, or its message was lost), so its
 *       {@code JobSubmitted} is published again, for as many jobs as the
 *       {@link GpuPool} has free slots: while every slot is held, the tasks holding them drain the
 *       queue themselves, and re-publishing would only make dispatch say so again. Dispatch's claim
 *       makes a repeat harmless. Which jobs is {@link FairShare}'s choice: users at their tier's limit
 *       are passed over (dispatch would only leave their jobs queued), then fewest running first, so
 *       one user's old backlog never takes every free slot's re-publish; when the stale jobs fill a
 *       {@link Policy#batch}, each user's first queued job is looked at too. Queued longer than
 *       {@link Policy#maxQueueTime}: failed
 *       ({@code queue_timeout});
 *   <li><b>dispatched</b> and unclaimed for {@link Policy#dispatchTimeout}: its execution never
 *       started a runner (failed, vanished, stuck for quota), so it goes back to the queue as a
 *       new attempt; sooner, after {@link Policy#checkDispatchedAfter}, if the Executions API says
 *       its execution is over or gone;
 *   <li><b>running</b> with no heartbeat for {@link Policy#lostAfter} and no end on its way
 *       ({@link Policy#reportedEndGrace}): its task is gone; marked
 *       {@code lost}, then requeued as a new attempt while the retry budget lasts, else failed; but
 *       one whose time limit has passed since its attempt began ({@link Job#pastTimeLimit}) ends
 *       {@code timed_out}, billed for the time it is known to have run (to its last heartbeat):
 *       its runner would have interrupted it by now, and a new attempt would run it all again;
 *   <li><b>lost</b>: the second half of the above, for a sweep that stopped in between.
 * </ul>
 * Then the executions that run outside the GPU pool's count are adopted back into their slot or
 * cancelled ({@link #executionsOutsideTheCount}).
 * Every move is a transaction that re-checks what the sweep saw, so a runner or dispatch acting at
 * the same moment wins and the sweep leaves the job alone. Terminal outcomes are published as
 * runner-style events on the job-events topic, so that one path (job-events) writes every terminal
 * state, its ledger row and its notification, and a crash between steps is repaired by the next
 * sweep: the job is still there to be found.
 */
public final class ReconcileJobs {
  private static final Logger log = LoggerFactory.getLogger(ReconcileJobs.class);

  /**
   * @param requeueQueuedAfter a queued job untouched this long is published to dispatch again
   * @param maxQueueTime a job still queued this long after it was submitted fails
   * @param dispatchTimeout a dispatched job that no runner claimed in this time is requeued
   * @param checkDispatchedAfter a dispatched job unclaimed this long has its execution looked up;
   *     one that is over or gone is requeued without waiting for the timeout
   * @param reportedEndGrace how long a running job whose runner has started sending its end
   *     ({@link Job#endingAt()}) waits for job-events before it can be lost: Pub/Sub's retries and
   *     the dead-letter path settle an event well within it
   * @param lostAfter a running job whose heartbeat is this old is lost (several heartbeats)
   * @param maxAttempts attempts a job may have in all; a lost job past them fails
   * @param batch jobs looked at per status per sweep (the rest wait for the next sweep)
   */
  public record Policy(Duration requeueQueuedAfter, Duration maxQueueTime, Duration dispatchTimeout,
      Duration checkDispatchedAfter, Duration reportedEndGrace,
      Duration lostAfter, int maxAttempts, int batch) {
    public static Policy defaults() {
      return new Policy(Duration.ofMinutes(2), Duration.ofHours(24), Duration.ofMinutes(15), Duration.ofMinutes(1),
          Duration.ofMinutes(30),
          Duration.ofMinutes(3), 3, 500);
    }
  }

  /**
   * What one sweep did: jobs moved ({@code failed}: ended by the sweep, failed or timed out), and
   * executions outside the GPU pool's count adopted back into their slot or cancelled.
   */
  public record Report(int republished, int requeued, int lost, int failed, int executionsAdopted,
      int executionsCancelled) {
    /** The jobs moved. */
    public int total() {
      return republished + requeued + lost + failed;
    }
  }

  private final JobStore jobs;
  private final JobQueue queue;
  private final FailureVerdict verdict;
  private final GpuPool pool;
  private final ExecutionStatus executions;
  private final LaunchedExecutions launches;
  private final Clock clock;
  private final Policy policy;
  private final FairShare fairShare;

  /** @param limits the tiers' concurrency limits, as dispatch and the runners apply them ({@link FairShare}) */
  public ReconcileJobs(JobStore jobs, JobQueue queue, JobEventPublisher events, GpuPool pool,
      ExecutionStatus executions, LaunchedExecutions launches, Clock clock,
      Policy policy, FairShare.Limits limits) {
    this.jobs = jobs;
    this.queue = queue;
    this.verdict = new FailureVerdict(events, clock, "the reconciler");
    this.pool = pool;
    this.executions = executions;
    this.launches = launches;
    this.clock = clock;
    this.policy = policy;
    this.fairShare = new FairShare(jobs, limits);
  }

  /** One pass over every status. Throws if a store or topic fails; what was done stays done. */
  public Report sweep() {
    Instant now = clock.instant();
    java.util.EnumMap<Move, Integer> moves = new java.util.EnumMap<>(Move.class);
    int lost = 0;

    Instant staleBefore = now.minus(policy.requeueQueuedAfter());
    List<Job> stale = jobs.unchangedSince(JobStatus.QUEUED, staleBefore, policy.batch());
    Map<String, Job> waiting = new LinkedHashMap<>();
    for (Job job : stale) {
      if (expired(job, now)) {
        verdict.fail(job, JobError.of("queue_timeout", "still queued after " + policy.maxQueueTime().toHours()
            + " h: no GPU capacity took it"));
        moves.merge(Move.FAILED, 1, Integer::sum);
      } else {
        waiting.put(job.id(), job);
      }
    }
    int free = waiting.isEmpty() ? 0 : pool.usage(now).free();
    if (free > 0 && stale.size() == policy.batch()) {
      // One user's backlog may fill the batch: every user's first job is a candidate too.
      for (Job job : jobs.firstQueuedOfEachUser(null, policy.batch())) {
        if (job.updatedAt().isBefore(staleBefore) && !expired(job, now)) {
          waiting.putIfAbsent(job.id(), job);
        }
      }
    }
    for (Job job : fairShare.order(new ArrayList<>(waiting.values()), null)) {
      if (moves.getOrDefault(Move.REPUBLISHED, 0) >= free) {
        break;
      }
      queue.publish(new JobSubmitted(job.id(), job.userId(), job.attempt()));
      moves.merge(Move.REPUBLISHED, 1, Integer::sum);
    }

    // One look at dispatched jobs: those past the timeout go back to the queue; sooner, those whose
    // execution Cloud Run says is over or gone, since it will never claim them.
    Instant timedOut = now.minus(policy.dispatchTimeout());
    Instant checkBefore = now.minus(policy.checkDispatchedAfter());
    Instant dispatchedBefore = checkBefore.isAfter(timedOut) ? checkBefore : timedOut;
    for (Job job : jobs.unchangedSince(JobStatus.DISPATCHED, dispatchedBefore, policy.batch())) {
      if (job.updatedAt().isBefore(timedOut)) {
        moves.merge(retry(job, JobStatus.DISPATCHED, "no runner claimed it within "
            + policy.dispatchTimeout().toMinutes() + " min"), 1, Integer::sum);
      } else if (job.executionName() != null && job.updatedAt().isBefore(checkBefore)) { // else mid-launch
        ExecutionStatus.State state = executions.state(job.executionName());
        if (state != ExecutionStatus.State.ACTIVE) {
          moves.merge(retry(job, JobStatus.DISPATCHED, "its execution " + job.executionName() + " is "
              + (state == ExecutionStatus.State.ENDED ? "over" : "gone") + " and never claimed it"), 1, Integer::sum);
        }
      }
    }

    for (Job job : jobs.unchangedSince(JobStatus.RUNNING, now.minus(policy.lostAfter()), policy.batch())) {
      if (job.endingAt() != null && job.endingAt().isAfter(now.minus(policy.reportedEndGrace()))) {
        continue; // its runner has sent its end, which job-events has not applied yet
      }
      Job marked = jobs.update(job.id(), current -> {
        if (current.isEmpty() || !sameAsSeen(current.get(), job)) {
          return Outcome.keep(null);
        }
        Job next = current.get().lost(clock.instant());
        return Outcome.write(next, next);
      });
      if (marked == null) {
        continue; // a heartbeat or an event came in since the look: alive after all
      }
      log.warn("job {} (attempt {}) lost: no heartbeat since {} from {}", job.id(), job.attempt(),
          job.updatedAt(), job.executionName());
      lost++;
      moves.merge(retry(marked, JobStatus.LOST, "its task stopped sending heartbeats"), 1, Integer::sum);
    }

    // Lost jobs a previous sweep marked but did not get to move on (it crashed, or failed to publish).
    for (Job job : jobs.unchangedSince(JobStatus.LOST, now, policy.batch())) {
      moves.merge(retry(job, JobStatus.LOST, "its task stopped sending heartbeats"), 1, Integer::sum);
    }

    int[] outsideTheCount = executionsOutsideTheCount(now);
    Report report = new Report(moves.getOrDefault(Move.REPUBLISHED, 0), moves.getOrDefault(Move.REQUEUED, 0), lost,
        moves.getOrDefault(Move.FAILED, 0), outsideTheCount[0], outsideTheCount[1]);
    if (report.total() + outsideTheCount[0] + outsideTheCount[1] > 0) {
      log.info("reconcile: {}", report);
    }
    logQueueDepth();
    return report;
  }

  /**
   * Executions running outside the GPU pool's count: their launch's slot lease is not held. That is
   * a {@code runJob} that created its execution but answered with an error or not in time (dispatch
   * gave the slot back, and a redelivery may have launched another), or a task whose lease ran out
   * (it never started within {@link DispatchJobs#START_LEASE}, or stopped renewing). Each is adopted
   * back into its own slot while that slot is free, for {@link Policy#lostAfter} (several of a task's
   * renewals: a live task's next renewal keeps it, and it claims or drains as any task), else
   * cancelled: its slot went to another launch, and a job it claimed is then lost and retried as
   * usual. Within a sweep of it, so at most about a minute in the cloud, such an execution runs
   * outside the cap. A task that gave its slot back as it exited ({@link GpuPool#leave}) is listed
   * running for the moment its process takes to end: it is neither adopted (its slot would stay
   * held for {@link Policy#lostAfter} with nobody in it) nor cancelled. A listing that fails is
   * logged, not thrown: the next sweep looks again, and the job moves above are worth more than this.
   *
   * @return how many were adopted, how many cancelled
   */
  private int[] executionsOutsideTheCount(Instant now) {
    int adopted = 0;
    int cancelled = 0;
    try {
      for (LaunchedExecutions.Launch launch : launches.unfinished()) {
        if (pool.holds(launch.slot(), now)) {
          continue;
        }
        GpuPool.Adoption adoption = pool.adopt(launch.slot(), now, now.plus(policy.lostAfter()));
        if (adoption == GpuPool.Adoption.LEFT) {
          log.debug("execution {} gave its slot {} back as it exited: left to end", launch.executionName(),
              launch.slot().slot());
        } else if (adoption == GpuPool.Adoption.ADOPTED) {
          log.warn("execution {} (launched for {}) ran outside the GPU pool's count: adopted back into {}",
              launch.executionName(), launch.jobIds(), launch.slot().slot());
          adopted++;
        } else {
          log.warn("execution {} (launched for {}) runs outside the GPU pool's count and its slot {} is another's:"
              + " cancelled", launch.executionName(), launch.jobIds(), launch.slot().slot());
          launches.cancel(launch.executionName());
          cancelled++;
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not look for executions outside the GPU pool's count: {}", e.toString());
    }
    return new int[] {adopted, cancelled};
  }

  /**
   * Once a sweep (a minute in the cloud): how many jobs wait, are dispatched and run. The fields
   * are what Terraform's queue-depth log metric reads. Counting is not worth failing a sweep for.
   */
  private void logQueueDepth() {
    try {
      long queued = jobs.count(JobStatus.QUEUED);
      long dispatched = jobs.count(JobStatus.DISPATCHED);
      long running = jobs.count(JobStatus.RUNNING);
      log.atInfo().addKeyValue("queuedJobs", queued).addKeyValue("dispatchedJobs", dispatched)
          .addKeyValue("runningJobs", running)
          .log("jobs now: {} queued, {} dispatched, {} running", queued, dispatched, running);
    } catch (RuntimeException e) {
      log.warn("could not count the jobs by status: {}", e.toString());
    }
  }

  private enum Move { REPUBLISHED, REQUEUED, FAILED, UNCHANGED }

  /**
   * Back to the queue as a new attempt if the budget allows, else failed. The move happens only
   * if the job is still as the sweep saw it in {@code from}; the reconciler's failure applies only
   * to a job that is not running (see {@link JobEvent#RECONCILER_SEQUENCE}).
   */
  private Move retry(Job job, JobStatus from, String why) {
    if (from == JobStatus.LOST && job.pastTimeLimit(clock.instant())) {
      verdict.timeOut(job, JobError.lostPastTimeLimit(job.maxRunSeconds()));
      return Move.FAILED;
    }
    if (job.attempt() >= policy.maxAttempts()) {
      verdict.fail(job, JobError.of(from == JobStatus.LOST ? "lost" : "dispatch_failed",
          why + "; gave up after " + job.attempt() + " attempt(s)"));
      return Move.FAILED;
    }
    Job requeued = jobs.update(job.id(), current -> {
      if (current.isEmpty() || current.get().status() != from || current.get().attempt() != job.attempt()) {
        return Outcome.keep(null);
      }
      Job next = current.get().requeued(clock.instant());
      return Outcome.write(next, next);
    });
    if (requeued == null) {
      return Move.UNCHANGED;
    }
    log.warn("job {} back to the queue as attempt {}: {}", job.id(), requeued.attempt(), why);
    queue.publish(new JobSubmitted(requeued.id(), requeued.userId(), requeued.attempt()));
    return Move.REQUEUED;
  }

  /** Queued for longer than {@link Policy#maxQueueTime} since it was submitted. */
  private boolean expired(Job job, Instant now) {
    return job.createdAt() != null && job.createdAt().isBefore(now.minus(policy.maxQueueTime()));
  }

  private static boolean sameAsSeen(Job now, Job seen) {
    return now.status() == seen.status() && now.attempt() == seen.attempt()
        && java.util.Objects.equals(now.updatedAt(), seen.updatedAt());
  }
}
