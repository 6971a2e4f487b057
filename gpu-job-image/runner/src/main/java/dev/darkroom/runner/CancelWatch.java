package dev.darkroom.runner;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the running job for a client's cancel request ({@code POST /interrupt} marks the job
 * document) and interrupts the prompt on the engine; the engine then ends it as interrupted and the
 * runner reports the job {@code cancelled}. One check per interval: a read of one document.
 */
final class CancelWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CancelWatch.class);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "cancel-watch");
    thread.setDaemon(true);
    return thread;
  });
  private final Predicate<String> cancelRequested;
  private final PromptEngine engine;
  private final Duration interval;

  CancelWatch(Predicate<String> cancelRequested, PromptEngine engine, Duration interval) {
    this.cancelRequested = cancelRequested;
    this.engine = engine;
    this.interval = interval;
  }

  /** Stops watching a job. */
  interface Watching extends AutoCloseable {
    @Override
    void close();
  }

  /** Watches {@code jobId} until the returned handle is closed; interrupts it once if asked to. */
  Watching watch(String jobId) {
    ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
    self[0] = timer.scheduleWithFixedDelay(() -> {
      try {
        if (cancelRequested.test(jobId)) {
          log.info("job {}: cancel requested, interrupting its prompt", jobId);
          engine.interrupt(jobId);
          self[0].cancel(false);
        }
      } catch (RuntimeException e) {
        // A failed look (Firestore hiccup) is retried at the next tick.
        log.warn("job {}: could not check for a cancel request: {}", jobId, e.toString());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return () -> self[0].cancel(false);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
