package dev.darkroom.core.usecase;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.ModelFingerprint;
import dev.darkroom.core.port.GpuPool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Among warm tasks waiting for work, a job goes to the one that has its models loaded. A task
 * with models F loaded, looking at a job that needs models G, leaves it while another idle task has
 * G loaded ({@link GpuPool#loadedOnOtherIdleTasks}) and the job is younger than {@link #LEAVE_FOR}:
 * that task looks every half second ({@code KeepWarm.WARM_POLL}) and runs the job without the 5 to
 * 20 s model load this one would pay. Jobs of its own models, jobs that load no model
 * ({@link ModelFingerprint#NO_MODELS}) or whose models are unknown, and jobs no other idle task has
 * the models of, are taken as before. The dispatch simulation measured it: about half the model loads
 * per image on the steady and day traces ({@code docs/DISPATCH_SIMULATION.md}).
 *
 * <p>A job's age is the time since it last changed ({@link Job#updatedAt()}: queued, handed back,
 * dispatched). Past {@link #LEAVE_FOR} the task with its models evidently is not taking it (it
 * left, it is stuck, its view of the queue misses the job): anyone takes it, so leaving a job costs
 * it at most that long. A task about to leave stops counting as idle first, so it is not waited for.
 *
 * <p>The pool is read only when the first candidate needs other models than the task's, at most
 * once per look: a task finding jobs of its own models first (the common case, {@link DrainOrder}
 * puts them first among users at equal share) reads nothing more than before. The candidates after
 * such a first one are kept: by the time the task reaches them it has run a job, and the idle task
 * with their models has had its looks.
 */
public final class ModelAffinity {
  /** How long a job is left to an idle task that has its models loaded: ten of its looks. */
  public static final Duration LEAVE_FOR = Duration.ofSeconds(5);

  private final GpuPool pool;
  private final Clock clock;
  private final Duration leaveFor;

  public ModelAffinity(GpuPool pool, Clock clock) {
    this(pool, clock, LEAVE_FOR);
  }

  /** @param leaveFor how long a job is left to the task that has its models ({@link #LEAVE_FOR}) */
  public ModelAffinity(GpuPool pool, Clock clock, Duration leaveFor) {
    if (leaveFor.isNegative()) {
      throw new IllegalArgumentException("a job cannot be left for a negative time: " + leaveFor);
    }
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.leaveFor = leaveFor;
  }

  /**
   * Of {@code candidates} (in the order {@link DrainOrder#next} gives them), those the task should
   * try to claim, in the same order. All of them, with nothing read, when the first needs the
   * task's own models or none; all of them when no other idle task has models loaded; else all but
   * the jobs younger than {@link #LEAVE_FOR} whose models another idle task has loaded.
   *
   * @param loadedFingerprint the models this task has loaded; null when none
   * @param own this task's lease, whose own slot is not counted; null for a task holding no slot
   */
  public List<Job> toTry(String loadedFingerprint, GpuPool.Lease own, List<Job> candidates) {
    if (candidates.isEmpty() || takenAsBefore(candidates.get(0), loadedFingerprint)) {
      return candidates;
    }
    Instant now = clock.instant();
    Collection<String> loadedElsewhere = pool.loadedOnOtherIdleTasks(own, now).values();
    if (loadedElsewhere.isEmpty()) {
      return candidates;
    }
    List<Job> toTry = new ArrayList<>(candidates.size());
    for (Job job : candidates) {
      if (!leftToAnother(job, loadedFingerprint, loadedElsewhere, now)) {
        toTry.add(job);
      }
    }
    return toTry;
  }

  private boolean leftToAnother(Job job, String loadedFingerprint, Collection<String> loadedElsewhere, Instant now) {
    return !takenAsBefore(job, loadedFingerprint) && loadedElsewhere.contains(job.fingerprint())
        && job.updatedAt() != null && now.isBefore(job.updatedAt().plus(leaveFor));
  }

  /** The task loads nothing to run it (its own models, or none), or nobody can tell (models unknown). */
  private static boolean takenAsBefore(Job job, String loadedFingerprint) {
    return job.fingerprint() == null || job.fingerprint().equals(ModelFingerprint.NO_MODELS)
        || job.fingerprint().equals(loadedFingerprint);
  }
}
