package dev.darkroom.runner;

import dev.darkroom.core.port.NodeCatalogStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the engine up for a task, in the order that keeps the task's first claim early:
 * <ol>
 *   <li>{@link #begin}: ComfyUI is started first thing when the task owns it
 *       ({@code COMFYUI_COMMAND}), so that its boot (Python importing PyTorch and every node pack,
 *       seconds) runs while the runner builds its clients and takes its GPU slot, not after them;
 *   <li>{@link #awaitReady}: the runner waits until it answers before claiming, since a job claimed
 *       by a task whose engine never comes up would wait for the reconciler;
 *   <li>{@link #publishCatalog}: its {@code /object_info} is published as the node catalog the API
 *       validates prompts against (so the catalog is always the deployed image's) on a thread of its
 *       own, while the first job is claimed and runs: no prompt depends on it.
 * </ol>
 * The task waits a little for the publication before its clients close ({@link #awaitPublication});
 * closing stops the ComfyUI it started.
 */
final class EngineStartup implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EngineStartup.class);

  private static final Duration SLICE = Duration.ofSeconds(1);
  /** How long closing waits for the catalog's publication (one upload of a few MB). */
  static final Duration PUBLICATION_WAIT = Duration.ofSeconds(30);

  private final ComfyUiProcess process;
  private CompletableFuture<Void> publication = CompletableFuture.completedFuture(null);

  private EngineStartup(ComfyUiProcess process) {
    this.process = process;
  }

  /**
   * Starts ComfyUI with {@code command}, or nothing when ComfyUI runs elsewhere (the local stack).
   *
   * @throws EngineUnavailableException when the command cannot be started at all
   */
  static EngineStartup begin(Optional<String> command) throws EngineUnavailableException {
    return new EngineStartup(command.isPresent() ? ComfyUiProcess.start(command.get(), Map.of()) : null);
  }

  /** The ComfyUI this task started; empty when it uses one running elsewhere. */
  Optional<ComfyUiProcess> process() {
    return Optional.ofNullable(process);
  }

  /**
   * Waits until the engine answers, and logs how long after the task's start that was (its JVM's
   * start: the image pull and container start before it are not seen from in here).
   */
  void awaitReady(PromptEngine engine, Duration timeout) throws EngineUnavailableException, InterruptedException {
    awaitReady(engine, process, timeout);
    double coldStartSeconds = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
    log.atInfo().addKeyValue("coldStartSeconds", coldStartSeconds)
        .log("engine ready {} s after the task started", coldStartSeconds);
  }

  /**
   * Publishes the engine's node catalog on a thread of its own; a failure is logged, and validation
   * keeps the previous catalog. Call once the engine is ready.
   */
  void publishCatalog(PromptEngine engine, NodeCatalogStore catalog) {
    publication = CompletableFuture.runAsync(() -> {
      try {
        catalog.publish(engine.objectInfo());
        log.info("published the engine's node catalog");
      } catch (RuntimeException | EngineUnavailableException e) {
        log.warn("could not publish the engine's node catalog: {}", e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, runnable -> {
      Thread thread = new Thread(runnable, "catalog-publication");
      thread.setDaemon(true);
      thread.start();
    });
  }

  /**
   * Waits up to {@code timeout} for the catalog's publication (before the clients it uses close).
   *
   * @return false if it was still going
   */
  boolean awaitPublication(Duration timeout) throws InterruptedException {
    try {
      publication.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      log.warn("the node catalog's publication is still going after {} s: left unfinished", timeout.toSeconds());
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /** Stops the ComfyUI this task started. */
  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }

  /** Waits in short slices, so a ComfyUI that died at start fails the task at once, not at the timeout. */
  static void awaitReady(PromptEngine engine, ComfyUiProcess process, Duration timeout)
      throws EngineUnavailableException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      try {
        engine.awaitReady(left.compareTo(SLICE) < 0 ? left : SLICE);
        return;
      } catch (EngineUnavailableException e) {
        if (process != null && !process.isAlive()) {
          throw new EngineUnavailableException(process.describeExit() + " before it was ready", e);
        }
        if (System.nanoTime() >= deadline) {
          throw new EngineUnavailableException(e.getMessage()
              + (process == null ? "" : " (" + process.describeExit() + ")"), e);
        }
      }
    }
  }
}
