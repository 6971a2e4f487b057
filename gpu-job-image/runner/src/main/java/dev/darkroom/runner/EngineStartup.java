package dev.darkroom.runner;

import dev.darkroom.core.port.NodeCatalogStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the engine up for a task: starts ComfyUI when the task owns it ({@code COMFYUI_COMMAND}),
 * waits until it answers, and publishes its {@code /object_info} as the node catalog the API
 * validates prompts against, so the catalog is always the one of the image actually deployed.
 */
final class EngineStartup {
  private static final Logger log = LoggerFactory.getLogger(EngineStartup.class);

  private static final Duration SLICE = Duration.ofSeconds(1);

  private EngineStartup() {}

  /**
   * @param command ComfyUI's command line, or empty when ComfyUI runs elsewhere (the local stack)
   * @return the started process, to close when the task ends; empty if none was started
   */
  static Optional<ComfyUiProcess> start(Optional<String> command, PromptEngine engine,
      NodeCatalogStore catalog, Duration readyTimeout) throws EngineUnavailableException, InterruptedException {
    ComfyUiProcess process = command.isPresent() ? ComfyUiProcess.start(command.get(), Map.of()) : null;
    try {
      awaitReady(engine, process, readyTimeout);
      // From this JVM's start: what a task's cold start costs after its container is running (the
      // image pull and container start before it are not seen from in here).
      double coldStartSeconds = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
      log.atInfo().addKeyValue("coldStartSeconds", coldStartSeconds)
          .log("engine ready {} s after the task started", coldStartSeconds);
    } catch (EngineUnavailableException | InterruptedException | RuntimeException e) {
      if (process != null) {
        process.close();
      }
      throw e;
    }
    try {
      catalog.publish(engine.objectInfo());
      log.info("published the engine's node catalog");
    } catch (RuntimeException | EngineUnavailableException e) {
      // Validation keeps the previous catalog; running prompts does not depend on it.
      log.warn("could not publish the engine's node catalog: {}", e.toString());
    }
    return Optional.ofNullable(process);
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
