package dev.darkroom.runner;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobEventPublisher;
import dev.failsafe.FailsafeExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the events of one attempt of one job. Sequence numbers are given out and published
 * under one lock, so they rise in the order the events leave, even though progress arrives on the
 * engine's listener thread while the main thread reports the rest. A number whose publication
 * failed is not reused: a later event must never be mistaken for a duplicate of one that perhaps
 * did arrive; gaps are harmless.
 */
final class JobReporter {
  private static final Logger log = LoggerFactory.getLogger(JobReporter.class);

  /** Progress is for humans watching a bar: about one update per second is plenty. */
  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

  private final JobEventPublisher publisher;
  private final FailsafeExecutor<Object> retry;
  private final Clock clock;
  private final String jobId;
  private final int attempt;

  private final Runnable beforeEnd;
  private long sequence;
  private Instant lastProgress;
  private String lastNodeId;
  private boolean finished;

  JobReporter(JobEventPublisher publisher, FailsafeExecutor<Object> retry, Clock clock, String jobId, int attempt) {
    this(publisher, retry, clock, jobId, attempt, () -> { });
  }

  /** @param beforeEnd runs once before the terminal event is published (the runner stamps {@code endingAt}) */
  JobReporter(JobEventPublisher publisher, FailsafeExecutor<Object> retry, Clock clock, String jobId, int attempt,
      Runnable beforeEnd) {
    this.beforeEnd = beforeEnd;
    this.publisher = publisher;
    this.retry = retry;
    this.clock = clock;
    this.jobId = jobId;
    this.attempt = attempt;
  }

  synchronized void started(String executionName) {
    emit((seq, at) -> new JobEvent.Started(jobId, attempt, seq, at, executionName));
  }

  /**
   * Best effort: a progress update that cannot be published is dropped. Steps of one node are
   * throttled; a node starting (a change of node, usually {@code 0 of 0}) always goes out, so
   * clients can follow which node runs: there are only as many of those as nodes. A node start
   * does not open the throttle window, so the first step of a sampler is always seen.
   */
  synchronized void progress(Progress progress) {
    Instant now = clock.instant();
    boolean nodeChanged = !Objects.equals(progress.nodeId(), lastNodeId);
    boolean throttled = lastProgress != null && now.isBefore(lastProgress.plus(PROGRESS_INTERVAL));
    if (finished || (throttled && !nodeChanged)) {
      return;
    }
    lastNodeId = progress.nodeId();
    if (progress.max() > 0) {
      lastProgress = now;
    }
    try {
      emit((seq, at) -> new JobEvent.Progressed(jobId, attempt, seq, at, progress));
    } catch (ReportFailedException e) {
      log.warn("dropped a progress update of job {}: {}", jobId, e.getMessage());
    }
  }

  synchronized void output(JobOutput output) {
    emit((seq, at) -> new JobEvent.OutputProduced(jobId, attempt, seq, at, output));
  }

  synchronized void succeeded(List<JobOutput> outputs, double gpuSeconds) {
    finish((seq, at) -> new JobEvent.Succeeded(jobId, attempt, seq, at, outputs, gpuSeconds));
  }

  synchronized void failed(JobError error, double gpuSeconds) {
    finish((seq, at) -> new JobEvent.Failed(jobId, attempt, seq, at, error, gpuSeconds));
  }

  synchronized void timedOut(JobError error, double gpuSeconds) {
    finish((seq, at) -> new JobEvent.TimedOut(jobId, attempt, seq, at, error, gpuSeconds));
  }

  synchronized void cancelled(double gpuSeconds) {
    finish((seq, at) -> new JobEvent.Cancelled(jobId, attempt, seq, at, gpuSeconds));
  }

  private void finish(EventAt event) {
    // Closed before publishing: even if the terminal event cannot be sent, nothing may follow it.
    finished = true;
    beforeEnd.run();
    emit(event);
  }

  private void emit(EventAt factory) {
    JobEvent event = factory.make(++sequence, clock.instant());
    try {
      retry.run(() -> publisher.publish(event));
    } catch (RuntimeException e) { // the last failure, or a FailsafeException wrapping it
      throw new ReportFailedException("cannot publish " + event.getClass().getSimpleName()
          + " " + event.eventId() + ": " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface EventAt {
    JobEvent make(long sequence, Instant at);
  }

  /** An event could not be published, even after retries. */
  static final class ReportFailedException extends RuntimeException {
    ReportFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
