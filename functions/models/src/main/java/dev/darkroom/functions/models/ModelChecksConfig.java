package dev.darkroom.functions.models;

import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.ModelsConfig;

/** Everything the models function reads from the environment (the names {@code terraform/} sets), read at start. */
record ModelChecksConfig(GoogleCloudConfig cloud, ModelsConfig models) {

  /** This process's environment; fails naming the first variable missing or malformed. */
  static ModelChecksConfig fromEnvironment() {
    return from(Env.system());
  }

  static ModelChecksConfig from(Env env) {
    return new ModelChecksConfig(GoogleCloudConfig.from(env), ModelsConfig.from(env));
  }
}
