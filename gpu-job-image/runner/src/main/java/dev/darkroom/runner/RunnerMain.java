package dev.darkroom.runner;

import dev.darkroom.gcp.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU task's entry point: its configuration from the environment, then {@link GpuTask}. The
 * process exits with the task's code ({@link Runner#EXIT_OK}, or {@link Runner#EXIT_RETRY_MAY_HELP}
 * so that Cloud Run retries the task), or {@value #EXIT_BAD_CONFIG} when the configuration is unusable.
 */
public final class RunnerMain {
  private static final Logger log = LoggerFactory.getLogger(RunnerMain.class);

  /** EX_CONFIG: a retry would fail the same way. */
  static final int EXIT_BAD_CONFIG = 78;

  private RunnerMain() {}

  public static void main(String[] args) {
    RunnerConfig config;
    try {
      config = RunnerConfig.fromEnvironment();
    } catch (Env.MissingConfigException e) {
      log.error("cannot start: {}", e.getMessage());
      System.exit(EXIT_BAD_CONFIG);
      return;
    }
    log.info("runner starting: execution {}, task {} of {} (attempt {}), ComfyUI at {}",
        config.executionName(), config.share().index(), config.share().count(), config.taskAttempt(),
        config.comfyUrl());
    int exitCode = new GpuTask(config).run();
    log.info("runner done, exit code {}", exitCode);
    System.exit(exitCode);
  }
}
