package dev.darkroom.emulators;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.NoCredentials;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole local cloud from one entry point, each service reached through its official client. */
class LocalCloudIT {
  @TempDir Path dataDir;

  @Test
  void everyServiceAnswersItsOfficialClientConfiguredOnlyFromTheEnvironment() throws Exception {
    List<Long> childPids;
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.allOnFreePorts("demo-local", dataDir))) {
      Map<String, String> env = cloud.environment();
      assertThat(env).containsKeys("GOOGLE_CLOUD_PROJECT", "FIRESTORE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST",
          "STORAGE_EMULATOR_HOST", "STORAGE_SIGNER_KEY_FILE", "CLOUD_RUN_EMULATOR_HOST");
      assertThat(env.values()).filteredOn(v -> v.contains(":") && !v.startsWith("/"))
          .allSatisfy(v -> assertThat(v).contains("127.0.0.1:"));

      try (Firestore firestore = FirestoreOptions.newBuilder().setProjectId("demo-local")
          .setEmulatorHost(env.get("FIRESTORE_EMULATOR_HOST")).build().getService()) {
        firestore.collection("c").document("d").set(Map.of("k", "v")).get();
        assertThat(firestore.collection("c").document("d").get().get().getString("k")).isEqualTo("v");
      }

      try (PubSubEmulatorChannels pubsub = PubSubEmulatorChannels.connect(env.get("PUBSUB_EMULATOR_HOST"))) {
        pubsub.topicAdmin().createTopic(TopicName.of("demo-local", "topic-a"));
        assertThat(pubsub.topicAdmin().getTopic(TopicName.of("demo-local", "topic-a")).getName()).endsWith("/topics/topic-a");
      }

      Storage storage = StorageOptions.newBuilder().setProjectId("demo-local")
          .setHost(env.get("STORAGE_EMULATOR_HOST")).setCredentials(NoCredentials.getInstance()).build().getService();
      storage.create(BucketInfo.of("bucket-a"));
      assertThat(storage.get("bucket-a")).isNotNull();

      ManagedChannel channel = ManagedChannelBuilder.forTarget(env.get("CLOUD_RUN_EMULATOR_HOST")).usePlaintext().build();
      try (JobsClient jobs = JobsClient.create(JobsSettings.newBuilder()
          .setEndpoint(env.get("CLOUD_RUN_EMULATOR_HOST"))
          .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
          .setCredentialsProvider(NoCredentialsProvider.create()).build())) {
        assertThat(jobs.listJobs("projects/demo-local/locations/us-central1").iterateAll()).isEmpty();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      childPids = ProcessHandle.current().descendants().map(ProcessHandle::pid).toList();
      assertThat(childPids).as("the two Google emulators run as child processes").isNotEmpty();
    }
    assertThat(childPids).allSatisfy(pid ->
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse());
  }
}
