package dev.darkroom.runner;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI as a child of the runner, started once per task from {@code COMFYUI_COMMAND}. Its output
 * goes straight to the container's (so Cloud Logging has it); it is stopped like Cloud Run stops
 * the container, SIGTERM and then SIGKILL, within Cloud Run's own grace period.
 */
final class ComfyUiProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ComfyUiProcess.class);
  /** Cloud Run sends SIGKILL 10 s after SIGTERM; leave the runner time to exit after this. */
  static final long STOP_GRACE_SECONDS = 5;

  private final Process process;

  private ComfyUiProcess(Process process) {
    this.process = process;
  }

  /** Starts {@code command} through {@code sh -c 'exec …'}, so signals reach ComfyUI itself. */
  static ComfyUiProcess start(String command, Map<String, String> extraEnv) throws EngineUnavailableException {
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", "exec " + command).inheritIO();
    builder.environment().putAll(extraEnv);
    try {
      Process process = builder.start();
      log.info("started ComfyUI (pid {}): {}", process.pid(), command);
      return new ComfyUiProcess(process);
    } catch (IOException e) {
      throw new EngineUnavailableException("cannot start ComfyUI with '" + command + "': " + e.getMessage(), e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Why the engine is not there: for errors while waiting for it. */
  String describeExit() {
    return process.isAlive() ? "ComfyUI is running (pid " + process.pid() + ")"
        : "ComfyUI exited with code " + process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
        log.warn("ComfyUI did not stop within {} s of SIGTERM: killing it", STOP_GRACE_SECONDS);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
