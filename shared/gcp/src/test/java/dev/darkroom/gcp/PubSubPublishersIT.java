package dev.darkroom.gcp;

import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.NotificationPublisher;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import dev.darkroom.testing.PublisherContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/**
 * The Pub/Sub adapters pass the same contract as the recording fakes: each publisher, configured
 * by its topic variable only, puts on its own topic what that topic's consumer decodes.
 */
@SuppressWarnings("deprecation") // PullRequest.returnImmediately: the emulator honours it; no long-poll
class PubSubPublishersIT extends PublisherContract {
  private final String project = SharedLocalCloud.cloud().projectId();
  private final PubSubEmulatorChannels pubsub =
      PubSubEmulatorChannels.connect(SharedLocalCloud.cloud().pubSub().orElseThrow().hostPort());
  private final List<Adapters> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(Adapters::close);
    pubsub.close();
  }

  @Override
  protected Publishers publishers() {
    Map<String, String> env = new LinkedHashMap<>(SharedLocalCloud.cloud().environment());
    Map<String, String> subscriptions = new LinkedHashMap<>();
    for (String variable : List.of("JOB_SUBMITTED_TOPIC", "JOB_EVENTS_TOPIC", "NOTIFICATIONS_TOPIC")) {
      String topic = "t-" + UUID.randomUUID();
      String subscription = "s-" + UUID.randomUUID();
      pubsub.topicAdmin().createTopic(TopicName.of(project, topic));
      pubsub.subscriptionAdmin().createSubscription(ProjectSubscriptionName.of(project, subscription),
          TopicName.of(project, topic), PushConfig.getDefaultInstance(), 10);
      env.put(variable, topic);
      subscriptions.put(variable, subscription);
    }
    Env config = new Env(env);
    Adapters adapters = new Adapters(GoogleCloudConfig.from(config));
    opened.add(adapters);
    return new Publishers() {
      @Override public JobQueue queue() { return adapters.jobQueue(TopicConfig.jobSubmitted(config)); }
      @Override public JobEventPublisher events() { return adapters.jobEvents(TopicConfig.jobEvents(config)); }
      @Override public NotificationPublisher notifications() { return adapters.notifications(TopicConfig.notifications(config)); }
      @Override public List<JobSubmitted> submitted() { return drain(subscriptions.get("JOB_SUBMITTED_TOPIC"), JobSubmitted.class); }
      @Override public List<JobEvent> jobEvents() { return drain(subscriptions.get("JOB_EVENTS_TOPIC"), JobEvent.class); }
      @Override public List<JobNotification> notified() { return drain(subscriptions.get("NOTIFICATIONS_TOPIC"), JobNotification.class); }
    };
  }

  /**
   * Pulls until a pull after the first message finds nothing more, or for about a second when
   * nothing arrives at all: publishing waited for the server's acknowledgement, so what was
   * published is there to pull.
   */
  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private <T> List<T> drain(String subscription, Class<T> type) {
    String name = ProjectSubscriptionName.of(project, subscription).toString();
    List<T> received = new ArrayList<>();
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
        received.add(Messages.decode(message.getMessage().getData().toByteArray(), type));
        ackIds.add(message.getAckId());
      }
      if (!ackIds.isEmpty()) {
        pubsub.subscriptionAdmin().acknowledgeCallable().call(
            AcknowledgeRequest.newBuilder().setSubscription(name).addAllAckIds(ackIds).build());
      }
    }
  }
}
