package dev.darkroom.functions.deadletters;

import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.DatabaseConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.TopicConfig;

/** Everything dead-letters reads from the environment (the names {@code terraform/} sets), read at start. */
record DeadLettersConfig(GoogleCloudConfig cloud, DatabaseConfig database, CollectionConfig jobs,
    TopicConfig jobEvents, TopicConfig notifications) {

  /** This process's environment; fails naming the first variable missing or malformed. */
  static DeadLettersConfig fromEnvironment() {
    return from(Env.system());
  }

  static DeadLettersConfig from(Env env) {
    return new DeadLettersConfig(GoogleCloudConfig.from(env), DatabaseConfig.from(env), CollectionConfig.jobs(env),
        TopicConfig.jobEvents(env), TopicConfig.notifications(env));
  }
}
