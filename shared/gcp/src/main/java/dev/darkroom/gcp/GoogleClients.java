package dev.darkroom.gcp;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.pubsub.v1.TopicName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The official Google clients, each built once, on first use, from {@link GoogleCloudConfig}: in the
 * cloud with Application Default Credentials, locally pointed at the emulators it names. Thread-safe.
 */
public final class GoogleClients implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GoogleClients.class);

  private final GoogleCloudConfig config;
  private final String projectId;
  private Firestore firestore;
  private Storage storage;
  private JobsClient jobs;
  private ExecutionsClient executions;
  private final Map<String, Publisher> publishers = new ConcurrentHashMap<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  public GoogleClients(GoogleCloudConfig config) {
    this.config = config;
    this.projectId = config.projectId();
  }

  public String projectId() {
    return projectId;
  }

  public GoogleCloudConfig config() {
    return config;
  }

  // Each client is made on first use (a deployable builds only those its ports need), once.

  public synchronized Firestore firestore() {
    if (firestore == null) {
      FirestoreOptions.Builder options = FirestoreOptions.newBuilder().setProjectId(projectId);
      // setEmulatorHost alone: adding NoCredentials would send the client to the real endpoint.
      config.firestoreEmulator().ifPresent(options::setEmulatorHost);
      firestore = options.build().getService();
    }
    return firestore;
  }

  public synchronized Storage storage() {
    if (storage == null) {
      StorageOptions.Builder options = StorageOptions.newBuilder().setProjectId(projectId);
      Optional<String> emulator = config.storageEmulator();
      if (emulator.isPresent()) {
        options.setHost(emulator.get()).setCredentials(NoCredentials.getInstance());
      }
      storage = options.build().getService();
    }
    return storage;
  }

  public synchronized JobsClient cloudRunJobs() {
    if (jobs == null) {
      jobs = cloudRunClient("Jobs", () -> JobsClient.create(cloudRunSettings(JobsSettings.newBuilder()).build()));
    }
    return jobs;
  }

  /** Cloud Run's Executions API (the emulator's when the config names a Cloud Run emulator). */
  public synchronized ExecutionsClient cloudRunExecutions() {
    if (executions == null) {
      executions = cloudRunClient("Executions",
          () -> ExecutionsClient.create(cloudRunSettings(ExecutionsSettings.newBuilder()).build()));
    }
    return executions;
  }

  private interface ClientFactory<T> {
    T create() throws IOException;
  }

  private static <T> T cloudRunClient(String api, ClientFactory<T> factory) {
    try {
      return factory.create();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Cloud Run " + api + " client", e);
    }
  }

  /** Pointed at the Cloud Run emulator when the config names a Cloud Run emulator. */
  private <B extends com.google.api.gax.rpc.ClientSettings.Builder<?, B>> B cloudRunSettings(B settings) {
    Optional<String> emulator = config.cloudRunEmulator();
    if (emulator.isPresent()) {
      settings.setEndpoint(emulator.get())
          .setTransportChannelProvider(plaintextChannel(emulator.get()))
          .setCredentialsProvider(NoCredentialsProvider.create());
    }
    return settings;
  }

  /**
   * One publisher per topic, with batching tuned for latency: messages here are few and small.
   *
   * @param topic an id in this project, or a full name {@code projects/P/topics/T} (an integration's reply topic)
   */
  public Publisher publisher(String topic) {
    return publishers.computeIfAbsent(topic, t -> {
      try {
        Publisher.Builder builder = Publisher.newBuilder(
            TopicName.isParsableFrom(t) ? TopicName.parse(t) : TopicName.of(projectId, t));
        Optional<String> emulator = config.pubSubEmulator();
        if (emulator.isPresent()) {
          builder.setChannelProvider(plaintextChannel(emulator.get()))
              .setCredentialsProvider(NoCredentialsProvider.create());
        }
        return builder.build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a publisher for topic " + t, e);
      }
    });
  }

  private synchronized TransportChannelProvider plaintextChannel(String hostPort) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(hostPort).usePlaintext().build();
    channels.add(channel);
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }

  @Override
  public synchronized void close() {
    publishers.values().forEach(p -> {
      p.shutdown();
      try {
        p.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    if (executions != null) {
      executions.close();
    }
    if (jobs != null) {
      jobs.close();
    }
    if (firestore != null) {
      try {
        firestore.close();
      } catch (Exception e) {
        log.warn("closing Firestore: {}", e.toString());
      }
    }
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
