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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the events of one attempt of one job, one at a time and in the order their sequence
 * numbers were given out, on a sender thread of its own. Progress is handed to that thread and not
 * waited for: it arrives on the engine's socket listener thread, which must go on reading frames
 * (the end of the prompt among them) while Pub/Sub takes its time. Every other event (started,
 * each output, the end) waits until it and everything before it is published: the runner goes on
 * (runs the prompt, reports success, exits) only once job-events is sure to hear of it.
 *
 * <p>Job-events ignores an event whose sequence is not after the last one it applied, so an event
 * overtaken by a later one would be lost; publishing in sequence order from one thread keeps the
 * order Pub/Sub is given the same as before. A number whose publication failed is not reused: a
 * later event must never be mistaken for a duplicate of one that perhaps did arrive; gaps are
 * harmless.
 */
final class JobReporter {
  private static final Logger log = LoggerFactory.getLogger(JobReporter.class);

  /** Progress is for humans watching a bar: about one update per second is plenty. */
  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);
  /**
   * Progress updates waiting for the sender at most; past this Pub/Sub is not keeping up and newer
   * ones are dropped (each is best effort, and the next one that goes out says where the job is).
   */
  static final int MAX_PENDING_PROGRESS = 16;

  private final JobEventPublisher publisher;
  private final FailsafeExecutor<Object> retry;
  private final Clock clock;
  private final String jobId;
  private final int attempt;

  private final Runnable beforeEnd;
  /** One thread at most, so events leave in order; it ends when idle, so an abandoned job leaks none. */
  private final ThreadPoolExecutor sender;
  private final AtomicInteger pendingProgress = new AtomicInteger();
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
    this.sender = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
      Thread thread = new Thread(task, "job-events-sender-" + jobId);
      thread.setDaemon(true);
      return thread;
    });
    sender.allowCoreThreadTimeOut(true);
  }

  void started(String executionName) {
    confirm(send((seq, at) -> new JobEvent.Started(jobId, attempt, seq, at, executionName)));
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
    if (pendingProgress.get() >= MAX_PENDING_PROGRESS) {
      log.warn("dropped a progress update of job {}: {} still waiting to be published", jobId, MAX_PENDING_PROGRESS);
      return;
    }
    lastNodeId = progress.nodeId();
    if (progress.max() > 0) {
      lastProgress = now;
    }
    pendingProgress.incrementAndGet();
    send((seq, at) -> new JobEvent.Progressed(jobId, attempt, seq, at, progress))
        .whenComplete((sent, failure) -> {
          pendingProgress.decrementAndGet();
          if (failure != null) {
            log.warn("dropped a progress update of job {}: {}", jobId, failure.getMessage());
          }
        });
  }

  void output(JobOutput output) {
    confirm(send((seq, at) -> new JobEvent.OutputProduced(jobId, attempt, seq, at, output)));
  }

  void succeeded(List<JobOutput> outputs, double gpuSeconds) {
    finish((seq, at) -> new JobEvent.Succeeded(jobId, attempt, seq, at, outputs, gpuSeconds));
  }

  void failed(JobError error, double gpuSeconds) {
    finish((seq, at) -> new JobEvent.Failed(jobId, attempt, seq, at, error, gpuSeconds));
  }

  void timedOut(JobError error, double gpuSeconds) {
    finish((seq, at) -> new JobEvent.TimedOut(jobId, attempt, seq, at, error, gpuSeconds));
  }

  void cancelled(double gpuSeconds) {
    finish((seq, at) -> new JobEvent.Cancelled(jobId, attempt, seq, at, gpuSeconds));
  }

  private void finish(EventAt event) {
    // Closed before publishing: even if the terminal event cannot be sent, nothing may follow it.
    synchronized (this) {
      finished = true;
    }
    beforeEnd.run();
    try {
      confirm(send(event));
    } finally {
      sender.shutdown();
    }
  }

  /**
   * Numbers the event and queues it behind every event numbered before it; the lock makes number
   * order and queue order the same, and is held only for that (never while publishing).
   */
  private synchronized CompletableFuture<JobEvent> send(EventAt factory) {
    JobEvent event = factory.make(++sequence, clock.instant());
    return CompletableFuture.supplyAsync(() -> {
      try {
        retry.run(() -> publisher.publish(event));
        return event;
      } catch (RuntimeException e) { // the last failure, or a FailsafeException wrapping it
        throw new ReportFailedException("cannot publish " + event.getClass().getSimpleName()
            + " " + event.eventId() + ": " + e.getMessage(), e);
      }
    }, sender);
  }

  /**
   * Waits until the event is published. Not cut short by an interrupt (a stop asked for meanwhile):
   * the publish is bounded by its retries, and an end that was not confirmed would leave the job
   * to the reconciler's stale-heartbeat sweep.
   */
  private static void confirm(CompletableFuture<JobEvent> sending) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          sending.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof ReportFailedException failed) {
            throw failed;
          }
          throw new ReportFailedException("cannot publish: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
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
