package dev.darkroom.gcp;

import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Fresh topics on the shared Pub/Sub emulator, each with a pull subscription of its own (a fresh
 * subscription per test: the emulator's), and what reached them: for the publishing adapters' tests.
 */
@SuppressWarnings("deprecation") // PullRequest.returnImmediately: the emulator honours it; no long-poll
final class EmulatorTopics implements AutoCloseable {
  /** A topic and its one subscription, by their short names. */
  record Topic(String topic, String subscription) {}

  private final String project = SharedLocalCloud.cloud().projectId();
  private final PubSubEmulatorChannels pubsub =
      PubSubEmulatorChannels.connect(SharedLocalCloud.cloud().pubSub().orElseThrow().hostPort());

  Topic create() {
    Topic created = new Topic("t-" + UUID.randomUUID(), "s-" + UUID.randomUUID());
    pubsub.topicAdmin().createTopic(TopicName.of(project, created.topic()));
    pubsub.subscriptionAdmin().createSubscription(ProjectSubscriptionName.of(project, created.subscription()),
        TopicName.of(project, created.topic()), PushConfig.getDefaultInstance(), 10);
    return created;
  }

  /**
   * Pulls until a pull after the first message finds nothing more, or for about a second when
   * nothing arrives at all: publishing waited for the server's acknowledgement, so what was
   * published is there to pull.
   */
  List<PubsubMessage> drain(Topic topic) {
    String name = ProjectSubscriptionName.of(project, topic.subscription()).toString();
    List<PubsubMessage> received = new ArrayList<>();
    long deadline = System.nanoTime() + 1_000_000_000L;
    while (true) {
      List<ReceivedMessage> batch = pubsub.subscriptionAdmin().pullCallable()
          // returnImmediately: an empty subscription would otherwise hold the pull open for long.
          .call(PullRequest.newBuilder().setSubscription(name).setMaxMessages(100).setReturnImmediately(true).build())
          .getReceivedMessagesList();
      if (batch.isEmpty() && (!received.isEmpty() || System.nanoTime() > deadline)) {
        return received;
      }
      if (batch.isEmpty()) {
        pause();
      }
      List<String> ackIds = new ArrayList<>();
      for (ReceivedMessage message : batch) {
        received.add(message.getMessage());
        ackIds.add(message.getAckId());
      }
      if (!ackIds.isEmpty()) {
        pubsub.subscriptionAdmin().acknowledgeCallable().call(
            AcknowledgeRequest.newBuilder().setSubscription(name).addAllAckIds(ackIds).build());
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    pubsub.close();
  }
}
