package dev.darkroom.runner;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.KeepJobAlive;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks after the job whose prompt is running, on a timer of its own:
 * <ul>
 *   <li>every check (about once a second, one document read) it looks for a client's cancel
 *       request ({@code POST /interrupt} marks the document) and interrupts the prompt; the engine
 *       ends it as interrupted and the runner reports {@code cancelled};
 *   <li>every heartbeat interval it records that the run is alive ({@link KeepJobAlive}), so the
 *       reconciler can tell a lost task from a long prompt;
 *   <li>once the prompt is on the engine ({@link Watching#promptStarted}), at the job's time limit
 *       ({@link Job#maxRunSeconds}) it interrupts the prompt; the runner reports {@code timed_out};
 *   <li>if either finds that the job is no longer this run's (reconciled as lost and requeued,
 *       handed elsewhere), it interrupts the prompt and marks the run superseded: the runner then
 *       reports nothing, and the job runs only where it now belongs.
 * </ul>
 */
final class RunningJobWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunningJobWatch.class);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "running-job-watch");
    thread.setDaemon(true);
    return thread;
  });
  private final JobStore jobs;
  private final KeepJobAlive heartbeat;
  private final PromptEngine engine;
  private final Clock clock;
  private final Duration checkInterval;
  private final Duration heartbeatInterval;

  RunningJobWatch(JobStore jobs, PromptEngine engine, Clock clock, Duration checkInterval, Duration heartbeatInterval) {
    this.jobs = jobs;
    this.heartbeat = new KeepJobAlive(jobs, clock);
    this.engine = engine;
    this.clock = clock;
    this.checkInterval = checkInterval;
    this.heartbeatInterval = heartbeatInterval;
  }

  /** What the watch saw while it ran. Closing it stops watching. */
  interface Watching extends AutoCloseable {
    /** True if the job stopped being this run's while it ran; its outcome must not be reported. */
    boolean superseded();

    /**
     * The prompt was handed to the engine, which runs nothing else: the job's time limit counts
     * from now (not from its submission, its claim or the staging of its inputs).
     */
    void promptStarted();

    /** True if the prompt was interrupted because it reached its time limit. */
    boolean pastTimeLimit();

    @Override
    void close();
  }

  /** Watches the claimed {@code job} (this execution's current attempt) until the handle is closed. */
  Watching watch(Job job, String executionName) {
    Check check = new Check(job, executionName);
    check.future = timer.scheduleWithFixedDelay(check, checkInterval.toMillis(), checkInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    return check;
  }

  /**
   * Stamps that the run's end is about to be published ({@link KeepJobAlive#ending}), so that the
   * reconciler waits for job-events instead of calling the silent job lost. A failed stamp is
   * logged: the end is published anyway.
   */
  void ending(Job job, String executionName) {
    try {
      if (!heartbeat.ending(job.id(), executionName, job.attempt())) {
        log.warn("job {}: no longer this run's as its end is reported", job.id());
      }
    } catch (RuntimeException e) {
      log.warn("job {}: could not stamp that its end is on its way: {}", job.id(), e.toString());
    }
  }

  /** Heartbeats now, off the timer: for a run resumed after the task was paused (maintenance). */
  void beatNow(Job job, String executionName) {
    timer.execute(() -> {
      if (!heartbeat.beat(job.id(), executionName, job.attempt())) {
        log.warn("job {}: heartbeat refused, the job is no longer this run's", job.id());
      }
    });
  }

  private final class Check implements Runnable, Watching {
    private final Job job;
    private final String executionName;
    private volatile ScheduledFuture<?> future;
    private volatile boolean superseded;
    private volatile boolean pastTimeLimit;
    private volatile ScheduledFuture<?> timeLimit;
    private boolean interrupted;
    private Instant lastBeat;

    Check(Job job, String executionName) {
      this.job = job;
      this.executionName = executionName;
      this.lastBeat = clock.instant();
    }

    @Override
    public void run() {
      try {
        Optional<Job> now = jobs.get(job.id());
        if (now.isEmpty() || !KeepJobAlive.isThisRun(now.get(), executionName, job.attempt())) {
          stop("is no longer this run's (now " + now.map(j -> j.status().wireName() + ", attempt " + j.attempt())
              .orElse("gone") + ")", true);
          return;
        }
        if (now.get().cancelRequested()) {
          stop("has a cancel request", false);
          return;
        }
        if (!clock.instant().isBefore(lastBeat.plus(heartbeatInterval))) {
          lastBeat = clock.instant();
          if (!heartbeat.beat(job.id(), executionName, job.attempt())) {
            stop("refused its heartbeat: it is no longer this run's", true);
          }
        }
      } catch (RuntimeException e) {
        // A failed look (Firestore hiccup) is retried at the next tick.
        log.warn("job {}: could not check on the running job: {}", job.id(), e.toString());
      }
    }

    @Override
    public void promptStarted() {
      if (job.maxRunSeconds() > 0) {
        // On the same timer as the checks, so that a cancel and the limit never both interrupt.
        timeLimit = timer.schedule(this::reachedTimeLimit, job.maxRunSeconds(), TimeUnit.SECONDS);
      }
    }

    private void reachedTimeLimit() {
      if (!interrupted) {
        pastTimeLimit = true;
        stop("ran for its time limit of " + job.maxRunSeconds() + " s", false);
      }
    }

    @Override
    public boolean pastTimeLimit() {
      return pastTimeLimit;
    }

    private void stop(String why, boolean supersede) {
      if (interrupted) {
        return;
      }
      interrupted = true;
      superseded = supersede;
      log.warn("job {} {}: interrupting its prompt", job.id(), why);
      engine.interrupt(job.id());
      future.cancel(false);
    }

    @Override
    public boolean superseded() {
      return superseded;
    }

    @Override
    public void close() {
      future.cancel(false);
      ScheduledFuture<?> limit = timeLimit;
      if (limit != null) {
        limit.cancel(false);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
