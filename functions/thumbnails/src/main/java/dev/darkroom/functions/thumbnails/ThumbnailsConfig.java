package dev.darkroom.functions.thumbnails;

import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.OutputsConfig;

/** Everything thumbnails reads from the environment (the names {@code terraform/} sets), read at start. */
record ThumbnailsConfig(GoogleCloudConfig cloud, CollectionConfig jobs, OutputsConfig outputs) {

  /** This process's environment; fails naming the first variable missing or malformed. */
  static ThumbnailsConfig fromEnvironment() {
    return from(Env.system());
  }

  static ThumbnailsConfig from(Env env) {
    return new ThumbnailsConfig(GoogleCloudConfig.from(env), CollectionConfig.jobs(env), OutputsConfig.from(env));
  }
}
