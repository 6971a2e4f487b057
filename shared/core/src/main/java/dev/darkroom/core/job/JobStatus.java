package dev.darkroom.core.job;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a job is in its life. {@link #canMoveTo} is the one transition table every component
 * checks against; a repeated or stale change is refused here, never applied twice.
 */
public enum JobStatus {
  QUEUED,
  DISPATCHED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  TIMED_OUT,
  /**
   * The runner's heartbeat stopped; retried while the retry budget lasts, else failed; timed out
   * if its time limit had passed.
   */
  LOST;

  private static final Map<JobStatus, Set<JobStatus>> NEXT = new EnumMap<>(JobStatus.class);

  static {
    // QUEUED -> RUNNING: a draining runner claims queued work of its fingerprint directly.
    NEXT.put(QUEUED, EnumSet.of(DISPATCHED, RUNNING, CANCELLED, FAILED));
    // DISPATCHED -> QUEUED: the launch was refused or its execution vanished.
    NEXT.put(DISPATCHED, EnumSet.of(RUNNING, QUEUED, CANCELLED, FAILED, TIMED_OUT));
    // RUNNING -> QUEUED: a runner handing back work it cannot finish (SIGTERM, deadline).
    NEXT.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, LOST, QUEUED));
    // LOST -> TIMED_OUT: the lost attempt's time limit had passed, so it is not retried (ReconcileJobs's
    // verdict only: JobEventRules refuses a runner's).
    NEXT.put(LOST, EnumSet.of(QUEUED, FAILED, TIMED_OUT));
    for (JobStatus terminal : EnumSet.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT)) {
      NEXT.put(terminal, EnumSet.noneOf(JobStatus.class));
    }
  }

  /** True if a job in this status may move to {@code next}. Staying put is not a transition. */
  public boolean canMoveTo(JobStatus next) {
    return NEXT.get(this).contains(next);
  }

  public boolean isTerminal() {
    return NEXT.get(this).isEmpty();
  }

  /** Lower-case name used in documents, messages and the API: {@code timed_out}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
