package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each Pub/Sub adapter puts exactly the message its consumer decodes on exactly its topic. */
class PubSubPublishersIT {
  private final String project = SharedLocalCloud.cloud().projectId();

  /** Publishes through adapters whose topic variable names a fresh topic, then pulls what arrived. */
  private List<ReceivedMessage> publishAndPull(String topicVariable, java.util.function.Consumer<Adapters> publish) {
    String topic = "t-" + UUID.randomUUID();
    String subscription = "s-" + UUID.randomUUID();
    try (PubSubEmulatorChannels pubsub = PubSubEmulatorChannels.connect(SharedLocalCloud.cloud().pubSub().orElseThrow().hostPort())) {
      pubsub.topicAdmin().createTopic(TopicName.of(project, topic));
      pubsub.subscriptionAdmin().createSubscription(ProjectSubscriptionName.of(project, subscription),
          TopicName.of(project, topic), PushConfig.getDefaultInstance(), 10);
      java.util.Map<String, String> env = new java.util.LinkedHashMap<>(SharedLocalCloud.cloud().environment());
      env.put(topicVariable, topic);
      try (Adapters adapters = new Adapters(new Env(env))) {
        publish.accept(adapters);
      }
      return pubsub.subscriptionAdmin().pullCallable().call(PullRequest.newBuilder()
          .setSubscription(ProjectSubscriptionName.of(project, subscription).toString()).setMaxMessages(10).build())
          .getReceivedMessagesList();
    }
  }

  @Test
  void jobSubmittedGoesToItsTopicWithIdAttributes() {
    JobSubmitted sent = new JobSubmitted("j-1", "alice", 2);
    List<ReceivedMessage> received = publishAndPull("JOB_SUBMITTED_TOPIC",
        adapters -> adapters.jobQueue().publish(sent));
    PubsubMessage message = received.get(0).getMessage();
    assertThat(received).hasSize(1);
    assertThat(Messages.decode(message.getData().toByteArray(), JobSubmitted.class)).isEqualTo(sent);
    assertThat(message.getAttributesMap()).containsEntry("jobId", "j-1").containsEntry("userId", "alice");
  }

  @Test
  void jobEventsAndNotificationsRoundTrip() {
    JobEvent event = new JobEvent.Succeeded("j-2", 1, 5, Instant.parse("2026-11-23T10:00:00Z"), List.of(), 3.5);
    List<ReceivedMessage> events = publishAndPull("JOB_EVENTS_TOPIC", adapters -> adapters.jobEvents().publish(event));
    assertThat(Messages.decode(events.get(0).getMessage().getData().toByteArray(), JobEvent.class)).isEqualTo(event);
    assertThat(events.get(0).getMessage().getAttributesMap()).containsEntry("eventId", "j-2/1/5");

    JobNotification notification = new JobNotification("j-2/1/succeeded", "j-2", "alice", "succeeded", Instant.parse("2026-11-23T10:00:00Z"));
    List<ReceivedMessage> notes = publishAndPull("NOTIFICATIONS_TOPIC", adapters -> adapters.notifications().publish(notification));
    assertThat(Messages.decode(notes.get(0).getMessage().getData().toByteArray(), JobNotification.class)).isEqualTo(notification);
  }
}
