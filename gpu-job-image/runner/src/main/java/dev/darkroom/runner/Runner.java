package dev.darkroom.runner;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.usecase.ClaimJob;
import dev.darkroom.core.usecase.DrainOrder;
import dev.darkroom.core.usecase.FairShare;
import dev.darkroom.core.usecase.HandBackJob;
import dev.darkroom.core.usecase.ModelAffinity;
import dev.darkroom.core.warm.KeepWarm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs this task's jobs, one after the other, on one engine: claim (so no job ever runs twice),
 * report {@code started}, run the prompt, upload and report each output, report how it ended.
 * Ports only, so that it runs the same against fakes and against Google Cloud.
 *
 * <p>After its share it drains the queue: queued jobs that need the models it has just loaded (the
 * same {@link Job#fingerprint()}) first, then the oldest of any, until none has come for the drain
 * idle time, so that one cold start serves many prompts. It holds a slot of the GPU pool meanwhile
 * ({@link TaskSlot}).
 *
 * <p>Told to stop (SIGTERM), it hands back to the queue, as new attempts, the job it interrupted
 * and every job of its share it had not claimed yet, so dispatch runs them elsewhere at once. A
 * job whose engine vanished gets no terminal event: the task exits for Cloud Run to retry it, and
 * the retried task takes the job back ({@link ClaimJob}); failing that, the reconciler finds it.
 */
public final class Runner {
  private static final Logger log = LoggerFactory.getLogger(Runner.class);

  /** Every claimed job reached a terminal event (or there was nothing to claim). */
  public static final int EXIT_OK = 0;
  /** Something outside the jobs failed (engine, Pub/Sub): a retry of the task could help. */
  public static final int EXIT_RETRY_MAY_HELP = 75;

  private final ClaimJob claim;
  private final HandBackJob handBack;
  private final RunningJobWatch watch;
  private final InputStager inputs;
  private final PromptEngine engine;
  private final JobEventPublisher events;
  private final OutputUploader uploader;
  private final Clock clock;
  private final Retries retries;
  private final Settings settings;
  private final Sleeper sleeper;
  private final CountDownLatch stopSignal = new CountDownLatch(1);

  private boolean stopping;
  private Job running;
  private volatile String lastFingerprint;

  /**
   * @param executionName recorded on each claimed job, and in every log line
   * @param engineReadyTimeout how long to wait for the engine before claiming anything
   * @param claimUntil no job is claimed after this instant (the task's deadline less a margin);
   *     what is left then goes back to the queue. Null: no deadline.
   * @param heartbeatInterval how often a running job's heartbeat is recorded
   * @param drainIdle after its share, how long the runner waits for more queued jobs before it
   *     exits; zero: it does not drain
   * @param limits how many jobs one user of each tier may run at once: draining skips users at
   *     their limit ({@link FairShare})
   */
  public record Settings(String executionName, TaskShare share, Duration engineReadyTimeout, Instant claimUntil,
      Duration heartbeatInterval, Duration drainIdle, FairShare.Limits limits) {
    public Settings(String executionName, TaskShare share, Duration engineReadyTimeout) {
      this(executionName, share, engineReadyTimeout, null, DEFAULT_HEARTBEAT, Duration.ZERO, FairShare.Limits.none());
    }

    public Settings withClaimUntil(Instant until) {
      return new Settings(executionName, share, engineReadyTimeout, until, heartbeatInterval, drainIdle, limits);
    }

    public Settings withHeartbeatInterval(Duration interval) {
      return new Settings(executionName, share, engineReadyTimeout, claimUntil, interval, drainIdle, limits);
    }

    public Settings withDrainIdle(Duration idle) {
      return new Settings(executionName, share, engineReadyTimeout, claimUntil, heartbeatInterval, idle, limits);
    }

    public Settings withLimits(FairShare.Limits tierLimits) {
      return new Settings(executionName, share, engineReadyTimeout, claimUntil, heartbeatInterval, drainIdle,
          tierLimits);
    }
  }

  /** Waits between looks for drainable work; wakes early when the runner is told to stop. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** How often the running job's document is read for a cancel request or a change of owner. */
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);
  /** How often a draining runner looks for queued jobs, at most. */
  static final Duration DRAIN_POLL = Duration.ofSeconds(2);
  /** How many drainable jobs one look fetches; each is still claimed one by one. */
  static final int DRAIN_BATCH = 5;
  private TaskSlot slot = TaskSlot.NONE;
  private EngineFolders folders = EngineFolders.NOT_OURS;
  private ModelSources models = ModelSources.NONE;
  private DrainOrder drainOrder;
  /** Null: the task waits {@link Settings#drainIdle()} for more work, as before the keep-warm policy. */
  private WarmWait warm;
  /** Under the keep-warm policy with a GPU pool: jobs left to idle tasks that have their models; else null. */
  private ModelAffinity affinity;
  /** The jobs the previous look left to other idle tasks, so that each is logged once. */
  private Set<String> leftLastLook = Set.of();
  private final JobStore jobs;

  public Runner(JobStore jobs, JobQueue queue, PromptEngine engine, JobEventPublisher events, OutputStore store,
      Clock clock, Retries retries, Settings settings) {
    this(jobs, queue, engine, events, store, clock, retries, settings, null);
  }

  Runner(JobStore jobs, JobQueue queue, PromptEngine engine, JobEventPublisher events, OutputStore store,
      Clock clock, Retries retries, Settings settings, Sleeper sleeper) {
    this.claim = new ClaimJob(jobs, clock);
    this.jobs = jobs;
    this.drainOrder = new DrainOrder(jobs, new FairShare(jobs, settings.limits()));
    this.handBack = new HandBackJob(jobs, queue, clock);
    this.watch = new RunningJobWatch(jobs, engine, clock, CHECK_INTERVAL, settings.heartbeatInterval());
    this.inputs = new InputStager(store, jobs, engine, retries);
    this.engine = engine;
    this.events = events;
    this.uploader = new OutputUploader(engine, store, retries.executor());
    this.clock = clock;
    this.retries = retries;
    this.settings = settings;
    this.sleeper = sleeper != null ? sleeper : d -> stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs this task's share of {@code jobIds}; returns the process exit code. */
  public int run(List<String> jobIds) {
    MDC.put("executionName", settings.executionName());
    int exitCode = EXIT_RETRY_MAY_HELP;
    try {
      exitCode = runShare(jobIds);
      return exitCode;
    } finally {
      if (exitCode == EXIT_RETRY_MAY_HELP) {
        slot.keepForRetry();
      } else {
        slot.close();
      }
      MDC.remove("executionName");
    }
  }

  private int runShare(List<String> jobIds) {
    try {
      List<String> mine = settings.share().of(jobIds);
      log.info("task {} of {} has {} of {} jobs", settings.share().index(), settings.share().count(),
          mine.size(), jobIds.size());
      if (jobIds.isEmpty()) {
        return startWarm();
      }
      if (mine.isEmpty()) {
        return EXIT_OK;
      }
      // Before claiming: a job claimed by a task that cannot run it would wait for the reconciler.
      engine.awaitReady(settings.engineReadyTimeout());
      for (int i = 0; i < mine.size(); i++) {
        if (isStopping()) {
          handBackAll(mine.subList(i, mine.size()));
          return EXIT_OK;
        }
        if (pastClaimDeadline()) {
          // Too close to the task's deadline to start another prompt: Cloud Run would kill it midway.
          log.warn("past {}: handing back {} unstarted job(s)", settings.claimUntil(), mine.size() - i);
          handBackAll(mine.subList(i, mine.size()));
          return EXIT_OK;
        }
        JobRun result = runJob(mine.get(i));
        if (result == JobRun.ABANDONED) {
          if (isStopping()) {
            handBackAll(mine.subList(i + 1, mine.size()));
            return EXIT_OK;
          }
          return EXIT_RETRY_MAY_HELP;
        }
      }
      return drain();
    } catch (EngineUnavailableException e) {
      log.error("the engine is not available, no job claimed: {}", e.getMessage());
      return EXIT_RETRY_MAY_HELP;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted: stopping");
      return EXIT_OK;
    }
  }

  /**
   * A task launched with no job (the reconciler's top-up of the warm set): it starts its engine and
   * waits for work as the keep-warm policy says, taking queued jobs and jobs dispatched to tasks
   * still starting, as a task that has drained its share does. Without the policy (or with draining
   * off) there is nothing to wait for: it exits at once, giving its slot back.
   */
  private int startWarm() throws EngineUnavailableException, InterruptedException {
    if (warm == null || settings.drainIdle().isZero()) {
      log.info("launched with no job and no keep-warm policy: nothing to do");
      return EXIT_OK;
    }
    log.info("launched with no job to keep warm: starting the engine, then waiting for work");
    engine.awaitReady(settings.engineReadyTimeout());
    return drain();
  }

  /**
   * Claims and runs queued jobs, those needing the models the last job loaded first, else the
   * oldest of any (paying a model load, which costs less than someone's cold start), until none
   * has come for {@link Settings#drainIdle()}, the task must stop, or its claim deadline passes.
   * While it waits its slot counts as idle, so dispatch leaves new jobs to it; when the wait is
   * over it stops counting as idle first and looks once more, so a job that dispatch left to it
   * in the meantime is not stranded.
   */
  private int drain() throws InterruptedException {
    // Under the policy a task whose job a warm task took still has a ready engine worth keeping.
    if (settings.drainIdle().isZero() || (lastFingerprint == null && warm == null)) {
      return EXIT_OK;
    }
    if (warm != null && lastFingerprint == null) {
      log.info("waiting for queued jobs of any model while the keep-warm policy says so");
    } else if (warm != null) {
      log.info("draining queued jobs (fingerprint {} first) while the keep-warm policy says so", lastFingerprint);
    } else {
      log.info("draining queued jobs (fingerprint {} first) until none comes for {} s", lastFingerprint,
          settings.drainIdle().toSeconds());
    }
    Instant idleSince = clock.instant();
    int drained = 0;
    boolean lastLook = false;
    while (!isStopping() && !pastClaimDeadline()) {
      boolean ranOne = false;
      for (Job candidate : drainable(lastFingerprint)) {
        if (isStopping() || pastClaimDeadline()) {
          break;
        }
        JobRun result = runJob(candidate.id());
        if (result == JobRun.ABANDONED) {
          return isStopping() ? EXIT_OK : EXIT_RETRY_MAY_HELP;
        }
        if (result == JobRun.ENDED) {
          ranOne = true;
          drained++;
        }
      }
      if (ranOne) {
        idleSince = clock.instant();
        lastLook = false;
        continue;
      }
      if (lastLook) {
        break;
      }
      Duration idle = Duration.between(idleSince, clock.instant());
      boolean waitOn = warm != null ? warm.staysWaiting(idleSince) : idle.compareTo(settings.drainIdle()) < 0;
      if (!waitOn) {
        slot.busy();
        lastLook = true;
        continue;
      }
      slot.idle();
      Duration left = settings.drainIdle().minus(idle);
      sleeper.sleep(warm != null ? KeepWarm.WARM_POLL : left.compareTo(DRAIN_POLL) < 0 ? left : DRAIN_POLL);
    }
    if (warm != null) {
      warm.stoppedWaiting();
    }
    log.info("drained {} job(s); exiting", drained);
    return EXIT_OK;
  }

  /** {@link DrainOrder}; a failed look is no reason to end the task: it counts as finding nothing. */
  private List<Job> drainable(String fingerprint) {
    List<Job> candidates;
    try {
      candidates = drainOrder.next(fingerprint, DRAIN_BATCH);
    } catch (RuntimeException e) {
      log.warn("could not look for queued jobs to drain: {}", e.toString());
      return List.of();
    }
    return affinity == null ? candidates : leavingToTasksWithTheirModels(fingerprint, candidates);
  }

  /**
   * The candidates less those {@link ModelAffinity} leaves to other idle tasks that have their
   * models loaded; if the pool cannot be read, all of them (a model load costs less than a wait).
   */
  private List<Job> leavingToTasksWithTheirModels(String fingerprint, List<Job> candidates) {
    List<Job> toTry;
    try {
      toTry = affinity.toTry(fingerprint, slot.lease(), candidates);
    } catch (RuntimeException e) {
      log.warn("could not read which models the other idle tasks have loaded ({}): taking jobs as they come",
          e.toString());
      return candidates;
    }
    Set<String> left = new LinkedHashSet<>();
    candidates.forEach(job -> left.add(job.id()));
    toTry.forEach(job -> left.remove(job.id()));
    if (!leftLastLook.containsAll(left)) {
      log.info("leaving job(s) {} to idle tasks that have their models loaded (for up to {} s each)", left,
          ModelAffinity.LEAVE_FOR.toSeconds());
    }
    leftLastLook = left;
    return toTry;
  }

  /**
   * This task's GPU slot, renewed while it lives and marked idle while it drains with nothing to
   * do; set before {@link #run}.
   */
  Runner holding(TaskSlot taskSlot) {
    this.slot = taskSlot;
    return this;
  }

  /** Where the engine finds model files, named in each prompt's load-time log lines; set before {@link #run}. */
  Runner findingModelsIn(ModelSources sources) {
    this.models = sources;
    return this;
  }

  /**
   * Waits for more work as the {@link KeepWarm} policy decides instead of a fixed drain idle time,
   * looking every {@link KeepWarm#WARM_POLL}, and takes jobs dispatched to tasks still starting
   * too ({@link DrainOrder#takingDispatched}), except those left to another idle task that has
   * their models loaded ({@link ModelAffinity}, its slot saying which models this task has loaded,
   * {@link TaskSlot#loaded}); set before {@link #run}.
   */
  Runner keepingWarm(WarmWait policy) {
    this.warm = policy;
    this.affinity = policy.pool() != null ? new ModelAffinity(policy.pool(), clock) : null;
    this.drainOrder = DrainOrder.takingDispatched(jobs, new FairShare(jobs, settings.limits()), clock);
    return this;
  }

  /** The engine's folders, emptied after each job; set before {@link #run}. */
  Runner clearing(EngineFolders folders) {
    this.folders = folders;
    return this;
  }

  private boolean pastClaimDeadline() {
    return settings.claimUntil() != null && clock.instant().isAfter(settings.claimUntil());
  }

  /**
   * On SIGTERM: claim nothing more and interrupt the prompt that is running. The job it belongs
   * to stays {@code running} (its end is unknown) for the reconciler to requeue.
   */
  public void stop() {
    Job current;
    synchronized (this) {
      stopping = true;
      current = running;
    }
    stopSignal.countDown();
    if (current != null) {
      log.warn("stopping: interrupting job {}", current.id());
      interruptUntilItEnds(current.id());
    }
  }

  /** How long a stop keeps interrupting: Cloud Run kills the task 10 s after SIGTERM. */
  private static final Duration STOP_INTERRUPTS_FOR = Duration.ofSeconds(9);

  /**
   * Interrupts the job's prompt now and again every half second while the job still runs here:
   * the job may be claimed but its prompt not yet queued on the engine (inputs being staged), and
   * an interrupt for a prompt the engine does not have yet does nothing. Interrupts name the
   * prompt, so a repeated one can never stop another.
   */
  private void interruptUntilItEnds(String jobId) {
    Thread interrupter = new Thread(() -> {
      long deadline = System.nanoTime() + STOP_INTERRUPTS_FOR.toNanos();
      while (System.nanoTime() < deadline) {
        synchronized (this) {
          if (running == null || !running.id().equals(jobId)) {
            return;
          }
        }
        engine.interrupt(jobId);
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "runner-stop-interrupts");
    interrupter.setDaemon(true);
    interrupter.start();
  }

  /**
   * Cloud Run's maintenance: SIGTSTP about 10 s before the task is frozen and moved, SIGCONT once it
   * runs again. Nothing needs to stop; on resuming, the prompt's watchdog starts counting afresh
   * (the pause was not the prompt's fault) and the heartbeat is recorded at once, since the frozen
   * time may have made it look stale.
   */
  public void maintenance(boolean resumed) {
    Job current;
    synchronized (this) {
      current = running;
    }
    if (!resumed) {
      log.warn("maintenance announced (SIGTSTP): the task will be paused and may lose its connections");
      return;
    }
    log.warn("resumed after maintenance (SIGCONT)");
    engine.resumed();
    if (current != null) {
      watch.beatNow(current, settings.executionName());
    }
  }

  private synchronized boolean isStopping() {
    return stopping;
  }

  private enum JobRun { SKIPPED, ENDED, ABANDONED }

  private JobRun runJob(String jobId) throws InterruptedException {
    slot.busy();
    Optional<Job> claimed = claim.claim(jobId, settings.executionName());
    if (claimed.isEmpty()) {
      log.info("job {} is not ours to run (another task has it, or it ended): skipped", jobId);
      return JobRun.SKIPPED;
    }
    Job job = claimed.get();
    if (warm != null) {
      warm.stoppedWaiting();
    }
    MDC.put("jobId", job.id());
    MDC.put("userId", job.userId());
    try {
      JobReporter reporter = new JobReporter(events, retries.executor(), clock, job.id(), job.attempt(),
          () -> watch.ending(job, settings.executionName()));
      reporter.started(settings.executionName());
      return runClaimed(job, reporter);
    } catch (JobReporter.ReportFailedException e) {
      log.error("job {} left running: {}", job.id(), e.getMessage());
      return JobRun.ABANDONED;
    } finally {
      MDC.remove("jobId");
      MDC.remove("userId");
    }
  }

  private JobRun runClaimed(Job job, JobReporter reporter) throws InterruptedException {
    synchronized (this) {
      if (stopping) {
        giveBack(job.id());
        return JobRun.ABANDONED;
      }
      running = job;
    }
    lastFingerprint = job.fingerprint();
    if (warm != null) {
      slot.loaded(lastFingerprint);
    }
    Instant began = clock.instant();
    JobRun result;
    // Watched until its end is reported: uploading a large output takes time too, and the
    // heartbeat must not look stale meanwhile.
    try (RunningJobWatch.Watching watching = watch.watch(job, settings.executionName())) {
      result = runWatched(job, reporter, watching);
    }
    if (result != JobRun.ABANDONED) {
      clearEngineFolders(job);
    }
    if (warm != null) {
      warm.ran(Duration.between(began, clock.instant()));
    }
    return result;
  }

  /**
   * After a job, the engine is idle and its files are uploaded: the next job, maybe another user's,
   * finds only what the image ships. If they cannot be cleared, this task claims nothing more.
   */
  private void clearEngineFolders(Job job) {
    try {
      folders.clear();
    } catch (java.io.IOException | RuntimeException e) {
      log.error("could not clear the engine's files after job {} ({}): this task claims no more jobs", job.id(),
          e.toString());
      synchronized (this) {
        stopping = true;
      }
    }
  }

  private JobRun runWatched(Job job, JobReporter reporter, RunningJobWatch.Watching watching)
      throws InterruptedException {
    Instant start = clock.instant();
    PromptOutcome outcome;
    ModelLoads modelLoads;
    AtomicReference<String> runningNode = new AtomicReference<>(); // named in a time-out's error
    try {
      PromptRequest request;
      try {
        request = inputs.stage(job);
      } catch (RuntimeException e) {
        log.error("job {}: could not read its uploaded inputs", job.id(), e);
        reporter.failed(JobError.of("input_unavailable", "could not read an uploaded input: " + e.getMessage()), 0);
        return JobRun.ENDED;
      }
      modelLoads = ModelLoads.of(request.prompt(), System::nanoTime);
      watching.promptStarted();
      outcome = engine.run(request, modelLoads.observing(progress -> {
        runningNode.set(progress.nodeId());
        reporter.progress(progress);
      }));
    } catch (EngineUnavailableException e) {
      log.error("lost the engine while running job {}; it is left running: {}", job.id(), e.getMessage());
      return JobRun.ABANDONED;
    } finally {
      synchronized (this) {
        running = null;
      }
    }
    double gpuSeconds = Duration.between(start, clock.instant()).toNanos() / 1e9;
    // outcome and gpuSeconds are fields of the JSON line too: Terraform's log metrics read them.
    log.atInfo().addKeyValue("outcome", outcome.getClass().getSimpleName()).addKeyValue("gpuSeconds", gpuSeconds)
        .log("job {} ended on the engine as {} after {} s", job.id(), outcome, gpuSeconds);
    if (outcome instanceof PromptOutcome.Completed) {
      modelLoads.finishAndLog(models);
    }
    if (watching.superseded()) {
      log.warn("job {} was taken from this run while it ran: nothing is reported, it runs where it now belongs", job.id());
      return JobRun.SKIPPED;
    }

    if (watching.pastTimeLimit() && (outcome instanceof PromptOutcome.Interrupted
        || outcome instanceof PromptOutcome.TimedOut)) {
      // Billed like any end: the GPU time it used until it stopped, staging its inputs included.
      reporter.timedOut(JobError.interruptedAtTimeLimit(job.maxRunSeconds(), runningNode.get()), gpuSeconds);
    } else if (outcome instanceof PromptOutcome.Completed completed) {
      succeed(job, completed, reporter, gpuSeconds);
    } else if (outcome instanceof PromptOutcome.Failed failed) {
      reporter.failed(failed.error(), gpuSeconds);
    } else if (outcome instanceof PromptOutcome.TimedOut timedOut) {
      reporter.timedOut(JobError.of("timed_out", "no progress for " + timedOut.idle().toSeconds()
          + " s: the prompt was interrupted"), gpuSeconds);
    } else if (isStopping()) {
      giveBack(job.id());
      return JobRun.ABANDONED;
    } else {
      // Nobody but a cancellation interrupts a prompt on our engine.
      reporter.cancelled(gpuSeconds);
    }
    return JobRun.ENDED;
  }

  private void handBackAll(List<String> jobIds) {
    jobIds.forEach(this::giveBack);
  }

  /** Best effort: a job that cannot be given back now is still found by the reconciler. */
  private void giveBack(String jobId) {
    try {
      boolean given = retries.executor().get(() -> handBack.handBack(jobId, settings.executionName()));
      log.warn("stopping: job {} {}", jobId, given ? "handed back to the queue" : "was not ours to hand back");
    } catch (RuntimeException e) {
      log.error("stopping: could not hand back job {}: {}", jobId, e.toString());
    }
  }

  private void succeed(Job job, PromptOutcome.Completed completed, JobReporter reporter, double gpuSeconds) {
    List<JobOutput> outputs = new ArrayList<>(completed.outputs().size() + completed.texts().size());
    for (OutputFile file : completed.outputs()) {
      if (!stored(job, "output " + file.filename(), () -> uploader.upload(job, file), outputs, reporter, gpuSeconds)) {
        return;
      }
    }
    for (OutputText text : completed.texts()) {
      if (!stored(job, "the text of node " + text.nodeId(), () -> uploader.uploadText(job, text), outputs, reporter,
          gpuSeconds)) {
        return;
      }
    }
    reporter.succeeded(outputs, gpuSeconds);
  }

  /** Stores one output and reports it; if that fails even after retries, the job fails (false). */
  private boolean stored(Job job, String what, java.util.function.Supplier<JobOutput> upload, List<JobOutput> outputs,
      JobReporter reporter, double gpuSeconds) {
    JobOutput output;
    try {
      output = upload.get();
    } catch (RuntimeException e) {
      log.error("could not store {} of job {}", what, job.id(), e);
      reporter.failed(JobError.of("output_upload_failed", "could not store " + what + ": " + e.getMessage()), gpuSeconds);
      return false;
    }
    outputs.add(output);
    reporter.output(output);
    return true;
  }
}
