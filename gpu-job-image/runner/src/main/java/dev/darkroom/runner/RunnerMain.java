package dev.darkroom.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.Env;
import dev.darkroom.runner.comfy.ComfyClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU task's entry point: production adapters from the environment, then {@link Runner}.
 * The process exits with the runner's code ({@link Runner#EXIT_OK}, or
 * {@link Runner#EXIT_RETRY_MAY_HELP} so that Cloud Run retries the task), or
 * {@value #EXIT_BAD_CONFIG} when the configuration is unusable.
 */
public final class RunnerMain {
  private static final Logger log = LoggerFactory.getLogger(RunnerMain.class);

  /** EX_CONFIG: a retry would fail the same way. */
  static final int EXIT_BAD_CONFIG = 78;
  /** Cloud Run sends SIGKILL 10 s after SIGTERM: leave time to interrupt and say so. */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(8);

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

    RunnerConfig.Services services = config.services();
    Adapters adapters = new Adapters(services.cloud());
    Clock clock = Clock.systemUTC();
    ComfyClient engine = new ComfyClient(ComfyClient.Settings.defaults(config.comfyUrl(), config.promptIdleTimeout()), new ObjectMapper());
    Runner runner = new Runner(adapters.jobStore(services.jobs()), adapters.jobQueue(services.jobSubmitted()), engine,
        adapters.jobEvents(services.jobEvents()), adapters.outputStore(services.outputs()), clock, Retries.standard(),
        config.runnerSettings(taskStart()));
    runner.holding(config.gpuSlotIfSet()
        .map(lease -> TaskSlot.hold(adapters.gpuSlotLeases(services.gpuSlots()), lease, clock, config.heartbeatInterval()))
        .orElse(TaskSlot.NONE));

    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopGracefully(runner), "runner-shutdown"));
    MaintenanceSignals.install(runner::maintenance);
    Optional<ComfyUiProcess> comfyUi;
    try {
      comfyUi = EngineStartup.start(config.comfyCommandIfSet(), engine, adapters.nodeCatalog(services.outputs()), config.comfyReadyTimeout());
    } catch (EngineUnavailableException e) {
      log.error("ComfyUI did not come up: {}", e.getMessage());
      adapters.close();
      System.exit(Runner.EXIT_RETRY_MAY_HELP);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(Runner.EXIT_OK);
      return;
    }
    int exitCode;
    try {
      exitCode = runner.run(config.jobIds());
    } finally {
      comfyUi.ifPresent(ComfyUiProcess::close);
    }
    adapters.close();
    log.info("runner done, exit code {}", exitCode);
    System.exit(exitCode);
  }

  /** When this task attempt started: Cloud Run's timeout runs from the container's start. */
  private static java.time.Instant taskStart() {
    return ProcessHandle.current().info().startInstant().orElseGet(java.time.Instant::now);
  }

  /** SIGTERM (or any exit): stop claiming, interrupt the running prompt, wait a little for both. */
  private static void stopGracefully(Runner runner) {
    runner.stop();
    try {
      if (!runner.awaitFinished(SHUTDOWN_GRACE)) {
        log.warn("shutting down with a job still in progress");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
