package dev.darkroom.gcp;

import dev.darkroom.emulators.LocalCloud;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One local cloud for all adapter tests in this JVM (the Google emulators take a second each to
 * start); tests isolate themselves by using fresh ids and names.
 */
final class SharedLocalCloud {
  private static LocalCloud cloud;
  private static Adapters adapters;

  private SharedLocalCloud() {}

  static synchronized LocalCloud cloud() {
    if (cloud == null) {
      try {
        cloud = LocalCloud.start(LocalCloud.Options.allOnFreePorts("darkroom-adapters",
            Files.createTempDirectory("darkroom-adapters")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(cloud::close));
    }
    return cloud;
  }

  /** The production adapters, configured only from the local cloud's environment. */
  static synchronized Adapters adapters() {
    if (adapters == null) {
      Map<String, String> env = new LinkedHashMap<>(cloud().environment());
      env.put("OUTPUTS_BUCKET", "darkroom-adapter-tests");
      env.put("GPU_JOB_NAME", "projects/darkroom-adapters/locations/us-central1/jobs/gpu");
      adapters = new Adapters(new Env(env));
      adapters.clients().storage().create(com.google.cloud.storage.BucketInfo.of("darkroom-adapter-tests"));
      Runtime.getRuntime().addShutdownHook(new Thread(adapters::close));
    }
    return adapters;
  }
}
