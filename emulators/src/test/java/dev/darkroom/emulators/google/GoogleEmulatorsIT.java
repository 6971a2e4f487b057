package dev.darkroom.emulators.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GoogleEmulatorsIT {
  private static final String PROJECT = "demo-darkroom";

  private static FirestoreEmulator firestoreEmulator;
  private static PubSubEmulator pubSubEmulator;

  @BeforeAll
  static void startEmulators() {
    firestoreEmulator = FirestoreEmulator.start(0, PROJECT);
    pubSubEmulator = PubSubEmulator.start(0);
  }

  @AfterAll
  static void stopEmulators() {
    if (firestoreEmulator != null) {
      firestoreEmulator.close();
    }
    if (pubSubEmulator != null) {
      pubSubEmulator.close();
    }
  }

  @Test
  void environmentPointsClientsAtTheEmulators() {
    assertThat(firestoreEmulator.environment())
        .containsExactly(Map.entry("FIRESTORE_EMULATOR_HOST", "127.0.0.1:" + firestoreEmulator.port()));
    assertThat(pubSubEmulator.environment())
        .containsExactly(Map.entry("PUBSUB_EMULATOR_HOST", "127.0.0.1:" + pubSubEmulator.port()));
  }

  @Test
  void firestoreStoresDocumentsUntilReset() throws Exception {
    try (Firestore firestore =
        FirestoreOptions.newBuilder()
            .setProjectId(PROJECT)
            .setEmulatorHost(firestoreEmulator.hostPort())
            .build()
            .getService()) {
      firestore.collection("jobs").document("job-1").set(Map.of("status", "queued", "progress", 0)).get(30, TimeUnit.SECONDS);

      DocumentSnapshot written = firestore.collection("jobs").document("job-1").get().get(30, TimeUnit.SECONDS);
      assertThat(written.exists()).isTrue();
      assertThat(written.getString("status")).isEqualTo("queued");

      firestoreEmulator.reset();

      DocumentSnapshot afterReset = firestore.collection("jobs").document("job-1").get().get(30, TimeUnit.SECONDS);
      assertThat(afterReset.exists()).isFalse();
    }
  }

  @Test
  void pubSubDeliversPublishedMessagesWithAttributes() throws Exception {
    TopicName topic = TopicName.of(PROJECT, "emulator-check");
    SubscriptionName subscription = SubscriptionName.of(PROJECT, "emulator-check-pull");
    try (PubSubEmulatorChannels channels = PubSubEmulatorChannels.connect(pubSubEmulator.hostPort())) {
      TopicAdminClient topics = channels.topicAdmin();
      SubscriptionAdminClient subscriptions = channels.subscriptionAdmin();
      topics.createTopic(topic);
      subscriptions.createSubscription(subscription, topic, PushConfig.getDefaultInstance(), 10);

      Publisher publisher = channels.publisher(topic).build();
      String messageId;
      try {
        messageId =
            publisher
                .publish(
                    PubsubMessage.newBuilder()
                        .setData(ByteString.copyFromUtf8("hello"))
                        .putAttributes("jobId", "job-1")
                        .build())
                .get(30, TimeUnit.SECONDS);
      } finally {
        publisher.shutdown();
        publisher.awaitTermination(10, TimeUnit.SECONDS);
      }

      List<ReceivedMessage> received = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                PullResponse response = subscriptions.pull(subscription, 10);
                received.addAll(response.getReceivedMessagesList());
                return !received.isEmpty();
              });
      PubsubMessage message = received.get(0).getMessage();
      assertThat(message.getMessageId()).isEqualTo(messageId);
      assertThat(message.getData().toStringUtf8()).isEqualTo("hello");
      assertThat(message.getAttributesMap()).containsEntry("jobId", "job-1");
      subscriptions.acknowledge(subscription, List.of(received.get(0).getAckId()));
    }
  }

  @Test
  void stoppingAnEmulatorLeavesNoProcessBehind() {
    FirestoreEmulator firestore = FirestoreEmulator.start(0, PROJECT);
    List<ProcessHandle> firestoreTree = processTree(firestore.pid());
    PubSubEmulator pubSub = PubSubEmulator.start(0);
    List<ProcessHandle> pubSubTree = processTree(pubSub.pid());
    assertThat(firestoreTree).allMatch(ProcessHandle::isAlive);
    assertThat(pubSubTree).allMatch(ProcessHandle::isAlive);

    firestore.close();
    pubSub.close();

    assertThat(firestoreTree).noneMatch(ProcessHandle::isAlive);
    assertThat(pubSubTree).noneMatch(ProcessHandle::isAlive);
  }

  private static List<ProcessHandle> processTree(long pid) {
    ProcessHandle root = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }
}
