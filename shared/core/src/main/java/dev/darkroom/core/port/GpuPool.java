package dev.darkroom.core.port;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The GPU tasks Darkroom has starting or running, at most {@link #cap()} at once (Firestore
 * {@code gpuSlots/slot-{i}} in the cloud). A task holds a slot by a lease: dispatch takes one
 * before it launches an execution and hands it to the task, the task renews it while it lives
 * (saying whether it is busy or idle, waiting for work) and gives it back when it exits. A slot
 * whose lease ran out (a task that crashed, an execution that never started) is free again.
 *
 * <p>The cap is Darkroom's own, kept at or under the project's GPU quota, so that a burst queues
 * in Firestore instead of piling launches onto the quota; Cloud Run's {@code RESOURCE_EXHAUSTED}
 * stays a possible answer (the quota is shared) and leaves the job queued.
 */
public interface GpuPool {

  /** How many slots there are: the most tasks Darkroom runs at once. */
  int cap();

  /** Slots held at {@code now}, and how many of those hold an idle task. */
  Usage usage(Instant now);

  /**
   * Takes a free slot for a task about to be launched, atomically: two dispatches never get the
   * same slot, and never more than {@link #cap()} are held.
   *
   * @param leaseUntil when the slot frees itself if no task renews it (the launch's start-up budget)
   * @return the lease, or empty when every slot is held
   */
  default Optional<Lease> reserve(Instant now, Instant leaseUntil) {
    return reserve(now, leaseUntil, usage -> true);
  }

  /**
   * Reads the slots once, shows their usage to {@code wanted} and, if it says yes, takes a free
   * slot as {@link #reserve(Instant, Instant)} does: dispatch decides on the same read it reserves
   * from, instead of reading the slots twice. {@code wanted} is called once, even with no slot free.
   *
   * @return the lease, or empty when {@code wanted} said no or every slot is held
   */
  Optional<Lease> reserve(Instant now, Instant leaseUntil, Predicate<Usage> wanted);

  /**
   * The task holding {@code lease} is alive until {@code leaseUntil}, idle (waiting for work) or
   * not. False when the slot is no longer this lease's (it ran out and was taken): the task then
   * runs on outside the count. The slot shows no loaded models ({@link #loadedOnOtherIdleTasks}).
   */
  default boolean renew(Lease lease, boolean idle, Instant leaseUntil) {
    return renew(lease, idle, null, leaseUntil);
  }

  /**
   * As {@link #renew(Lease, boolean, Instant)}, saying also which models the task has loaded (its
   * last job's {@code Job#fingerprint()}; null: none), for the other tasks to read
   * ({@link #loadedOnOtherIdleTasks}). Each renewal replaces what the previous one said: renewing
   * without a fingerprint leaves the slot showing none.
   */
  boolean renew(Lease lease, boolean idle, String loadedFingerprint, Instant leaseUntil);

  /**
   * The models loaded on the idle tasks at {@code now} other than {@code own}'s, by their lease, in
   * one read of the slots: the fingerprint each said in its last renewal. Busy tasks, tasks that
   * said none, and slots whose lease ran out are left out.
   *
   * @param own the reading task's lease, left out; null for a task holding no slot
   */
  Map<Lease, String> loadedOnOtherIdleTasks(Lease own, Instant now);

  /**
   * Frees the slot if it is still this lease's; nothing otherwise. For a slot whose launch did not
   * go through (dispatch, the warm top-up): an execution the failed call created after all is then
   * {@link #adopt}ed back or cancelled by the reconciler. A task exiting uses {@link #leave}.
   */
  void release(Lease lease);

  /**
   * The task holding {@code lease} is exiting: frees the slot as {@link #release} does, and the slot
   * remembers that this lease left it, so that {@link #adopt} does not count the task again while
   * its execution is still listed running for the moment its process takes to end. Nothing if the
   * slot is no longer this lease's.
   */
  void leave(Lease lease, Instant now);

  /** True while {@code lease} holds its slot at {@code now}. */
  boolean holds(Lease lease, Instant now);

  /**
   * Gives {@code lease} its slot back, until {@code leaseUntil}, if the slot is free at {@code now}
   * (no live lease): a task running outside the count (its launch's slot was given back, its lease
   * ran out) is counted again, and its next {@link #renew} succeeds. Never takes a slot another
   * lease holds, nor a slot beyond the {@link #cap()}, nor a slot this lease {@link #leave left}.
   */
  Adoption adopt(Lease lease, Instant now, Instant leaseUntil);

  /** What {@link #adopt} did. */
  enum Adoption {
    /** The slot is the lease's again. */
    ADOPTED,
    /** Another lease holds the slot, or it is beyond the cap: the task runs outside the count. */
    REFUSED,
    /** The lease's task gave the slot back as it exited ({@link #leave}): it is on its way out. */
    LEFT
  }

  /**
   * @param held slots with a live lease
   * @param idle of those, slots whose task is waiting for work (it will claim a queued job within
   *     seconds, without a launch)
   */
  record Usage(int cap, int held, int idle) {
    public int free() {
      return Math.max(0, cap - held);
    }
  }

  /** A slot and the holder that took it; {@link #token()} travels to the task in its environment. */
  record Lease(String slot, String holder) {
    public Lease {
      Objects.requireNonNull(slot, "slot");
      Objects.requireNonNull(holder, "holder");
      if (slot.contains("/") || holder.contains("/")) {
        throw new IllegalArgumentException("slot and holder must not contain '/': " + slot + ", " + holder);
      }
    }

    public String token() {
      return slot + "/" + holder;
    }

    /** The lease a token names; a malformed token is an error in the launch's environment. */
    public static Lease parse(String token) {
      int slash = token == null ? -1 : token.indexOf('/');
      if (slash <= 0 || slash == token.length() - 1) {
        throw new IllegalArgumentException("not a GPU slot lease (slot/holder): " + token);
      }
      return new Lease(token.substring(0, slash), token.substring(slash + 1));
    }
  }
}
