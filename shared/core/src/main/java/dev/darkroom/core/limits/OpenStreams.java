package dev.darkroom.core.limits;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The long-lived streams (sockets, event streams) one instance holds open, counted per user and in
 * all, so that one user's streams never take an instance's capacity from the others. A stream is
 * admitted before it opens (for a WebSocket, before the upgrade) and holds its {@link Slot} until it
 * closes.
 */
public final class OpenStreams {

  /**
   * @param perUser the most streams one user may hold open on one instance
   * @param perInstance the most streams one instance holds open
   */
  public record Limits(int perUser, int perInstance) {
    public Limits {
      if (perUser < 1 || perInstance < 1) {
        throw new IllegalArgumentException("stream limits must be at least 1: " + perUser + ", " + perInstance);
      }
    }
  }

  /** Why a stream was not admitted: the answer is 429, with this message. */
  public static final class LimitReached extends Exception {
    private final boolean perUser;

    LimitReached(String message, boolean perUser) {
      super(message, null, false, false);
      this.perUser = perUser;
    }

    /** True when the user holds their most; false when the instance is full (another instance may have room). */
    public boolean perUser() {
      return perUser;
    }
  }

  /** One admitted stream; closing it (once or more) frees its place. */
  public final class Slot implements AutoCloseable {
    private final String userId;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Slot(String userId) {
      this.userId = userId;
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        release(userId);
      }
    }
  }

  private final String noun;
  private final Limits limits;
  private final Map<String, Integer> byUser = new HashMap<>();
  private int total;

  /** @param noun what is counted, plural, for the refusals: {@code sockets}, {@code event streams} */
  public OpenStreams(String noun, Limits limits) {
    this.noun = Objects.requireNonNull(noun, "noun");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public Limits limits() {
    return limits;
  }

  public synchronized Slot open(String userId) throws LimitReached {
    int mine = byUser.getOrDefault(userId, 0);
    if (mine >= limits.perUser()) {
      throw new LimitReached("you have " + mine + " " + noun + " open, the most one user may: close one first", true);
    }
    if (total >= limits.perInstance()) {
      throw new LimitReached("this server holds all the " + noun + " it can (" + limits.perInstance()
          + "): retry shortly", false);
    }
    byUser.put(userId, mine + 1);
    total++;
    return new Slot(userId);
  }

  /** How many streams {@code userId} holds open here. */
  public synchronized int openBy(String userId) {
    return byUser.getOrDefault(userId, 0);
  }

  public synchronized int total() {
    return total;
  }

  private synchronized void release(String userId) {
    byUser.computeIfPresent(userId, (user, count) -> count > 1 ? count - 1 : null);
    total--;
  }
}
