package dev.darkroom.functions.dispatch;

import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.DatabaseConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.GpuJobConfig;
import dev.darkroom.gcp.GpuPoolConfig;
import dev.darkroom.gcp.GpuQuotaConfig;
import dev.darkroom.gcp.KeepWarmConfig;
import dev.darkroom.gcp.TierConcurrencyConfig;
import dev.darkroom.gcp.TopicConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything dispatch reads from the environment (the names {@code terraform/} sets), read at start.
 *
 * @param keepWarm the keep-warm policy's settings ({@link KeepWarmConfig}), or null when it is off
 */
record DispatchConfig(GoogleCloudConfig cloud, DatabaseConfig database, CollectionConfig jobs, GpuJobConfig gpuJob,
    GpuPoolConfig gpuPool, TierConcurrencyConfig tiers, GpuQuotaConfig quota, TopicConfig jobEvents,
    KeepWarm.Settings keepWarm) {

  /**
   * The runner's default {@code DRAIN_IDLE_SECONDS} (gpu-job-image's {@code RunnerConfig}): the
   * policy's grace, read as the runner reads it so that both hold the same settings.
   */
  static final int DEFAULT_DRAIN_IDLE_SECONDS = 60;

  /** This process's environment; fails naming the first variable missing or malformed. */
  static DispatchConfig fromEnvironment() {
    return from(Env.system());
  }

  static DispatchConfig from(Env env) {
    int drainIdle = env.intOrDefault("DRAIN_IDLE_SECONDS", DEFAULT_DRAIN_IDLE_SECONDS);
    if (drainIdle < 0) {
      throw new Env.MissingConfigException("DRAIN_IDLE_SECONDS must be 0 (no draining) or more, got " + drainIdle);
    }
    Duration grace = Duration.ofSeconds(drainIdle);
    return new DispatchConfig(GoogleCloudConfig.from(env), DatabaseConfig.from(env), CollectionConfig.jobs(env),
        GpuJobConfig.from(env), GpuPoolConfig.from(env), TierConcurrencyConfig.from(env), GpuQuotaConfig.from(env),
        TopicConfig.jobEvents(env), KeepWarmConfig.from(env, grace).orElse(null));
  }

  /** The keep-warm policy's settings, if the deployment gave it a budget or a schedule. */
  Optional<KeepWarm.Settings> keepWarmIfSet() {
    return Optional.ofNullable(keepWarm);
  }
}
