package dev.darkroom.functions.jobevents;

import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.DatabaseConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.GpuQuotaConfig;
import dev.darkroom.gcp.TopicConfig;

/** Everything job-events reads from the environment (the names {@code terraform/} sets), read at start. */
record JobEventsConfig(GoogleCloudConfig cloud, DatabaseConfig database, CollectionConfig jobs,
    TopicConfig notifications, GpuQuotaConfig quota) {

  /** This process's environment; fails naming the first variable missing or malformed. */
  static JobEventsConfig fromEnvironment() {
    return from(Env.system());
  }

  static JobEventsConfig from(Env env) {
    return new JobEventsConfig(GoogleCloudConfig.from(env), DatabaseConfig.from(env), CollectionConfig.jobs(env),
        TopicConfig.notifications(env), GpuQuotaConfig.from(env));
  }
}
