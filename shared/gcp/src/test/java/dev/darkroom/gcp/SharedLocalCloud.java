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
  private static LocalAdapters adapters;

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
  static synchronized LocalAdapters adapters() {
    if (adapters == null) {
      Map<String, String> env = new LinkedHashMap<>(cloud().environment());
      env.put("OUTPUTS_BUCKET", "darkroom-adapter-tests");
      env.put("MODELS_BUCKET", "darkroom-adapter-tests-models");
      env.put("GPU_JOB_NAME", "projects/darkroom-adapters/locations/us-central1/jobs/gpu");
      adapters = new LocalAdapters(new Env(env));
      adapters.clients().storage().create(com.google.cloud.storage.BucketInfo.of("darkroom-adapter-tests"));
      adapters.clients().storage().create(com.google.cloud.storage.BucketInfo.of("darkroom-adapter-tests-models"));
      Runtime.getRuntime().addShutdownHook(new Thread(adapters.adapters::close));
    }
    return adapters;
  }

  /** {@link Adapters}' ports, each with its configuration read from {@code env} as a deployable's would be. */
  static final class LocalAdapters {
    final Adapters adapters;
    private final Env env;

    LocalAdapters(Env env) {
      this.env = env;
      this.adapters = new Adapters(GoogleCloudConfig.from(env));
    }

    GoogleClients clients() {
      return adapters.clients();
    }

    dev.darkroom.core.port.JobStore jobStore() {
      return adapters.jobStore(CollectionConfig.jobs(env));
    }

    dev.darkroom.core.port.JobFeed jobFeed() {
      return adapters.jobFeed(CollectionConfig.jobs(env));
    }

    dev.darkroom.core.port.IdempotencyKeys idempotencyKeys() {
      return adapters.idempotencyKeys(CollectionConfig.idempotencyKeys(env));
    }

    dev.darkroom.core.port.DeploymentStore deployments() {
      return adapters.deployments(CollectionConfig.deployments(env));
    }

    dev.darkroom.core.port.JobLiveStream jobLive() {
      return adapters.jobLive(CollectionConfig.jobs(env));
    }

    dev.darkroom.core.port.StreamTickets streamTickets() {
      return adapters.streamTickets(CollectionConfig.streamTickets(env));
    }

    dev.darkroom.core.port.DeviceTokens deviceTokens() {
      return adapters.deviceTokens(CollectionConfig.devices(env));
    }

    dev.darkroom.core.port.OutputStore outputStore() {
      return adapters.outputStore(OutputsConfig.from(env));
    }

    dev.darkroom.core.port.UserFiles userFiles() {
      return adapters.userFiles(OutputsConfig.from(env));
    }

    dev.darkroom.core.port.NodeCatalogStore nodeCatalog() {
      return adapters.nodeCatalog(OutputsConfig.from(env));
    }

    dev.darkroom.core.port.ModelStore modelStore() {
      return adapters.modelStore(CollectionConfig.models(env));
    }

    dev.darkroom.core.port.ModelFiles modelFiles() {
      return adapters.modelFiles(ModelsConfig.from(env));
    }

    dev.darkroom.core.port.ModelBucket modelBucket() {
      return adapters.modelBucket(ModelsConfig.from(env), OutputsConfig.from(env), java.time.Clock.systemUTC());
    }

    dev.darkroom.core.port.JobLauncher jobLauncher() {
      return adapters.jobLauncher(GpuJobConfig.from(env));
    }

    dev.darkroom.core.port.ExecutionStatus executionStatus() {
      return adapters.executionStatus(GpuJobConfig.from(env));
    }
  }
}
