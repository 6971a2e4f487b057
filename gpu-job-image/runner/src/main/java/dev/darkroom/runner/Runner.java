package dev.darkroom.runner;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.usecase.ClaimJob;
import dev.darkroom.core.usecase.HandBackJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs this task's jobs, one after the other, on one engine: claim (so no job ever runs twice),
 * report {@code started}, run the prompt, upload and report each output, report how it ended.
 * Ports only, so that it runs the same against fakes and against Google Cloud.
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
  private final CancelWatch cancels;
  private final PromptEngine engine;
  private final JobEventPublisher events;
  private final OutputUploader uploader;
  private final Clock clock;
  private final Retries retries;
  private final Settings settings;
  private final CountDownLatch finished = new CountDownLatch(1);

  private boolean stopping;
  private String runningPromptId;

  /**
   * @param executionName recorded on each claimed job, and in every log line
   * @param engineReadyTimeout how long to wait for the engine before claiming anything
   */
  /**
   * @param claimUntil no job is claimed after this instant (the task's deadline less a margin);
   *     what is left then goes back to the queue. Null: no deadline.
   */
  public record Settings(String executionName, TaskShare share, Duration engineReadyTimeout, Instant claimUntil) {
    public Settings(String executionName, TaskShare share, Duration engineReadyTimeout) {
      this(executionName, share, engineReadyTimeout, null);
    }
  }

  /** How often a running job's document is read for a client's cancel request. */
  static final Duration CANCEL_CHECK_INTERVAL = Duration.ofSeconds(1);

  /**
   * @param cancelRequested whether a client asked to cancel a job (its document's flag); read about
   *     once a second while the job runs
   */
  public Runner(ClaimJob claim, HandBackJob handBack, java.util.function.Predicate<String> cancelRequested,
      PromptEngine engine, JobEventPublisher events, OutputStore outputs, Clock clock, Retries retries,
      Settings settings) {
    this.claim = claim;
    this.handBack = handBack;
    this.cancels = new CancelWatch(cancelRequested, engine, CANCEL_CHECK_INTERVAL);
    this.engine = engine;
    this.events = events;
    this.uploader = new OutputUploader(engine, outputs, retries.executor());
    this.clock = clock;
    this.retries = retries;
    this.settings = settings;
  }

  /** Runs this task's share of {@code jobIds}; returns the process exit code. */
  public int run(List<String> jobIds) {
    MDC.put("executionName", settings.executionName());
    try {
      List<String> mine = settings.share().of(jobIds);
      log.info("task {} of {} has {} of {} jobs", settings.share().index(), settings.share().count(),
          mine.size(), jobIds.size());
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
        if (settings.claimUntil() != null && clock.instant().isAfter(settings.claimUntil())) {
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
      return EXIT_OK;
    } catch (EngineUnavailableException e) {
      log.error("the engine is not available, no job claimed: {}", e.getMessage());
      return EXIT_RETRY_MAY_HELP;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted: stopping");
      return EXIT_OK;
    } finally {
      MDC.remove("executionName");
      finished.countDown();
    }
  }

  /**
   * On SIGTERM: claim nothing more and interrupt the prompt that is running. The job it belongs
   * to stays {@code running} (its end is unknown) for the reconciler to requeue.
   */
  public void stop() {
    String promptId;
    synchronized (this) {
      stopping = true;
      promptId = runningPromptId;
    }
    if (promptId != null) {
      log.warn("stopping: interrupting job {}", promptId);
      engine.interrupt(promptId);
    }
  }

  /** Waits for {@link #run} to return, e.g. from a shutdown hook. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized boolean isStopping() {
    return stopping;
  }

  private enum JobRun { SKIPPED, ENDED, ABANDONED }

  private JobRun runJob(String jobId) throws InterruptedException {
    Optional<Job> claimed = claim.claim(jobId, settings.executionName());
    if (claimed.isEmpty()) {
      log.info("job {} is not ours to run (another task has it, or it ended): skipped", jobId);
      return JobRun.SKIPPED;
    }
    Job job = claimed.get();
    MDC.put("jobId", job.id());
    MDC.put("userId", job.userId());
    try {
      JobReporter reporter = new JobReporter(events, retries.executor(), clock, job.id(), job.attempt());
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
      runningPromptId = job.id();
    }
    Instant start = clock.instant();
    PromptOutcome outcome;
    try (CancelWatch.Watching watching = cancels.watch(job.id())) {
      outcome = engine.run(new PromptRequest(job.id(), job.prompt(), job.extraData()), reporter::progress);
    } catch (EngineUnavailableException e) {
      log.error("lost the engine while running job {}; it is left running: {}", job.id(), e.getMessage());
      return JobRun.ABANDONED;
    } finally {
      synchronized (this) {
        runningPromptId = null;
      }
    }
    double gpuSeconds = Duration.between(start, clock.instant()).toNanos() / 1e9;
    log.info("job {} ended on the engine as {} after {} s", job.id(), outcome, gpuSeconds);

    if (outcome instanceof PromptOutcome.Completed completed) {
      succeed(job, completed.outputs(), reporter, gpuSeconds);
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

  private void succeed(Job job, List<OutputFile> files, JobReporter reporter, double gpuSeconds) {
    List<JobOutput> outputs = new ArrayList<>(files.size());
    for (OutputFile file : files) {
      JobOutput output;
      try {
        output = uploader.upload(job, file);
      } catch (RuntimeException e) {
        log.error("could not store output {} of job {}", file.filename(), job.id(), e);
        reporter.failed(JobError.of("output_upload_failed",
            "could not store output " + file.filename() + ": " + e.getMessage()), gpuSeconds);
        return;
      }
      outputs.add(output);
      reporter.output(output);
    }
    reporter.succeeded(outputs, gpuSeconds);
  }
}
