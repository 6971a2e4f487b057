package dev.darkroom.core.port;

import dev.darkroom.core.job.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client's subscription ({@link JobFeed#jobsOfClient}) holds and reports: its unfinished
 * jobs, and those that changed within the last {@link #RECENT} (ended recently, say), never every
 * job ever sent with that client id. A feed follows two live queries, the client's unfinished jobs
 * and its jobs changed since {@code since}, and hands each snapshot here; this merges them:
 * <ul>
 *   <li>{@link JobFeed.JobsListener#current} once both first snapshots arrived: their union;
 *   <li>then a change of a job is reported if the job is unfinished, was reported before, or was
 *       created within the window; an old job that ended before the window and changes again (hidden
 *       from history, a late thumbnail) is not news to a client and is left out;
 *   <li>the same state of a job, seen by both queries, is reported once.
 * </ul>
 * The window slides ({@link #slide}): a feed restarts its recent query from the new {@code since},
 * so what it holds stays bounded by what the client has under way and did lately. Thread-safe:
 * each method runs under this object's lock, so the listener is called one call at a time.
 */
public final class ClientJobWindow {
  /** How far back a client's subscription looks for jobs that are no longer unfinished. */
  public static final Duration RECENT = Duration.ofMinutes(5);

  private final JobFeed.JobsListener listener;
  private Instant since;
  private List<Job> firstUnfinished;
  private List<Job> firstRecent;
  private boolean started;
  private final List<Job> early = new ArrayList<>();
  private final Map<String, Job> reported = new HashMap<>();

  public ClientJobWindow(JobFeed.JobsListener listener, Instant since) {
    this.listener = listener;
    this.since = since;
  }

  /** Where the recent query starts: jobs changed at or after this. */
  public synchronized Instant since() {
    return since;
  }

  /** The unfinished query's first snapshot. */
  public synchronized void unfinishedAtFirst(List<Job> jobs) {
    firstUnfinished = jobs;
    startIfReady();
  }

  /** The recent query's first snapshot (the first query's; a slid query's goes to {@link #changed}). */
  public synchronized void recentAtFirst(List<Job> jobs) {
    firstRecent = jobs;
    startIfReady();
  }

  /** A job one of the queries saw change (or enter it). */
  public synchronized void changed(Job job) {
    if (!started) {
      early.add(job);
      return;
    }
    if (job.equals(reported.get(job.id()))) {
      return;
    }
    boolean news = !job.status().isTerminal() || reported.containsKey(job.id()) || !job.createdAt().isBefore(since);
    if (news) {
      reported.put(job.id(), job);
      listener.changed(job);
    }
  }

  /** Moves the window to {@code newSince}, forgetting ended jobs that last changed before it. */
  public synchronized void slide(Instant newSince) {
    since = newSince;
    reported.values().removeIf(job -> job.status().isTerminal() && job.updatedAt() != null
        && job.updatedAt().isBefore(newSince));
  }

  /** How many jobs the window holds now: what a client's subscription costs. */
  public synchronized int held() {
    return reported.size();
  }

  private void startIfReady() {
    if (started || firstUnfinished == null || firstRecent == null) {
      return;
    }
    Map<String, Job> union = new LinkedHashMap<>();
    for (Job job : firstUnfinished) {
      union.put(job.id(), job);
    }
    for (Job job : firstRecent) {
      union.merge(job.id(), job, ClientJobWindow::later);
    }
    reported.putAll(union);
    started = true;
    listener.current(List.copyOf(union.values()));
    List<Job> pending = List.copyOf(early);
    early.clear();
    pending.forEach(this::changed);
  }

  /** Of two snapshots of one job, the later (by event sequence, then by change time). */
  private static Job later(Job a, Job b) {
    if (a.lastSequence() != b.lastSequence()) {
      return a.lastSequence() > b.lastSequence() ? a : b;
    }
    if (a.updatedAt() == null || b.updatedAt() == null) {
      return b;
    }
    return b.updatedAt().isBefore(a.updatedAt()) ? a : b;
  }
}
