package dev.darkroom.gcp;

import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Fresh topics on the shared Pub/Sub emulator, each with a pull subscription of its own (a fresh
 * subscription per test: the emulator's), and what reached them: for the publishing adapters' tests.
 */
final class EmulatorTopics implements AutoCloseable {
  /** A topic and its one subscription, by their short names. */
  record Topic(String topic, String subscription) {}

  private final String project = SharedLocalCloud.cloud().projectId();
  private final PubSubEmulatorChannels pubsub =
      PubSubEmulatorChannels.connect(SharedLocalCloud.cloud().pubSub().orElseThrow().hostPort());
  private final SubscriptionAdminClient admin = pubsub.subscriptionAdmin();

  Topic create() {
    Topic created = new Topic("t-" + UUID.randomUUID(), "s-" + UUID.randomUUID());
    pubsub.topicAdmin().createTopic(TopicName.of(project, created.topic()));
    admin.createSubscription(ProjectSubscriptionName.of(project, created.subscription()),
        TopicName.of(project, created.topic()), PushConfig.getDefaultInstance(), 10);
    return created;
  }

  /**
   * Everything the topic's subscription received, until about a second passes with nothing more:
   * publishing waited for the server's acknowledgement, so what was published is there to pull.
   */
  List<PubsubMessage> drain(Topic topic) {
    return PubSubEmulatorChannels.drain(admin, SubscriptionName.of(project, topic.subscription()), Duration.ofSeconds(2))
        .stream().map(ReceivedMessage::getMessage).toList();
  }

  @Override
  public void close() {
    pubsub.close();
  }
}
