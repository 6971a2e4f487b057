package dev.darkroom.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.GpuPoolConfig;
import dev.darkroom.runner.comfy.ComfyClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GPU task from start to exit: the production adapters from its configuration, ComfyUI started
 * (or found) and its catalog published, the jobs of its share run by {@link Runner}, a graceful stop
 * on SIGTERM and Cloud Run's maintenance signals.
 */
final class GpuTask {
  private static final Logger log = LoggerFactory.getLogger(GpuTask.class);

  /** Cloud Run sends SIGKILL 10 s after SIGTERM: leave time to interrupt and say so. */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(8);

  private final RunnerConfig config;
  /** Counted down when {@link #run} returns: what the shutdown hook waits for. */
  private final CountDownLatch over = new CountDownLatch(1);

  GpuTask(RunnerConfig config) {
    this.config = config;
  }

  /**
   * Runs the task and gives the process's exit code ({@link Runner#EXIT_OK}, {@link Runner#EXIT_RETRY_MAY_HELP}).
   * ComfyUI is started before anything else ({@link EngineStartup}): its boot overlaps the clients'
   * start and the slot's first renewal, and the node catalog is published beside the first claim.
   */
  int run() {
    EngineStartup engineStartup;
    try {
      engineStartup = EngineStartup.begin(config.comfyCommandIfSet());
    } catch (EngineUnavailableException e) {
      log.error("ComfyUI did not come up: {}", e.getMessage());
      return Runner.EXIT_RETRY_MAY_HELP;
    }
    try (engineStartup) {
      return run(engineStartup);
    } finally {
      over.countDown();
    }
  }

  private int run(EngineStartup engineStartup) {
    RunnerConfig.Services services = config.services();
    try (Adapters adapters = new Adapters(services.cloud())) {
      Clock clock = Clock.systemUTC();
      ComfyClient engine = new ComfyClient(
          ComfyClient.Settings.defaults(config.comfyUrl(), config.promptIdleTimeout()), new ObjectMapper(),
          adapters.jobLive(services.jobs()));
      Runner runner = new Runner(adapters.jobStore(services.jobs()), adapters.jobQueue(services.jobSubmitted()), engine,
          adapters.jobEvents(services.jobEvents()), adapters.outputStore(services.outputs()), clock, Retries.standard(),
          config.runnerSettings(taskStart()));
      runner.holding(config.gpuSlotIfSet()
          .map(lease -> TaskSlot.hold(adapters.gpuSlotLeases(services.gpuSlots()), lease, clock, config.heartbeatInterval()))
          .orElse(TaskSlot.NONE));
      config.keepWarmIfSet().ifPresent(settings -> runner.keepingWarm(new WarmWait(
          new KeepWarm(settings, adapters.warmSignals(services.jobs(), services.gpuSlots())),
          adapters.gpuPool(new GpuPoolConfig(services.gpuSlots(), config.gpuTaskCap())),
          adapters.jobStore(services.jobs()), clock)));

      Runtime.getRuntime().addShutdownHook(new Thread(() -> stopGracefully(runner), "runner-shutdown"));
      MaintenanceSignals.install(runner::maintenance);
      try {
        engineStartup.awaitReady(engine, config.comfyReadyTimeout());
      } catch (EngineUnavailableException e) {
        log.error("ComfyUI did not come up: {}", e.getMessage());
        return Runner.EXIT_RETRY_MAY_HELP;
      }
      engineStartup.publishCatalog(engine, adapters.nodeCatalog(services.outputs()));
      try {
        EngineFolders folders = config.engineHomeIfSet().isPresent()
            ? EngineFolders.of(config.engineHomeIfSet().get()) : EngineFolders.NOT_OURS;
        log.info("engine files cleared after each job: {}", folders);
        ModelSources models = config.engineHomeIfSet().map(ModelSources::of).orElse(ModelSources.NONE);
        log.info("model files looked up, for load times, in {}", models);
        return runner.clearing(folders).findingModelsIn(models).run(config.jobIds());
      } catch (java.io.IOException e) {
        log.error("cannot read the engine's folders under COMFYUI_HOME: {}", e.toString());
        return Runner.EXIT_RETRY_MAY_HELP;
      } finally {
        // Before the clients close: the publication uploads through them.
        engineStartup.awaitPublication(EngineStartup.PUBLICATION_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Runner.EXIT_OK;
    }
  }

  /** When this task attempt started: Cloud Run's timeout runs from the container's start. */
  private static Instant taskStart() {
    return ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
  }

  /**
   * SIGTERM (or any exit): stop claiming, interrupt the running prompt, and wait a little for the
   * task to end. At a normal exit it has ended already, whatever path it took (its engine may never
   * have come up, and then the runner never ran): nothing is waited for.
   */
  private void stopGracefully(Runner runner) {
    runner.stop();
    try {
      if (!over.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("shutting down with a job still in progress");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
