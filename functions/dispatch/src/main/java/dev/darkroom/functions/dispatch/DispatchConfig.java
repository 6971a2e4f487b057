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
import java.util.Optional;

/**
 * Everything dispatch reads from the environment (the names {@code terraform/} sets), read at start.
 *
 * @param keepWarm the keep-warm policy's settings ({@link KeepWarmConfig}), or null when it is off
 */
record DispatchConfig(GoogleCloudConfig cloud, DatabaseConfig database, CollectionConfig jobs, GpuJobConfig gpuJob,
    GpuPoolConfig gpuPool, TierConcurrencyConfig tiers, GpuQuotaConfig quota, TopicConfig jobEvents,
    KeepWarm.Settings keepWarm) {

  /** This process's environment; fails naming the first variable missing or malformed. */
  static DispatchConfig fromEnvironment() {
    return from(Env.system());
  }

  static DispatchConfig from(Env env) {
    return new DispatchConfig(GoogleCloudConfig.from(env), DatabaseConfig.from(env), CollectionConfig.jobs(env),
        GpuJobConfig.from(env), GpuPoolConfig.from(env), TierConcurrencyConfig.from(env), GpuQuotaConfig.from(env),
        TopicConfig.jobEvents(env), KeepWarmConfig.from(env).orElse(null));
  }

  /** The keep-warm policy's settings, if the deployment gave it a budget or a schedule. */
  Optional<KeepWarm.Settings> keepWarmIfSet() {
    return Optional.ofNullable(keepWarm);
  }
}
