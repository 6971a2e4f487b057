package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.pubsub.v1.PubsubMessage;
import dev.darkroom.core.deployment.RunRefusal;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.RunEvents;
import dev.darkroom.core.usecase.RunFromMessage;
import dev.darkroom.testing.RunEventsContract;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The Pub/Sub adapter passes the same contract as the recording fake, on Google's emulator: an
 * integration subscribed to its reply topic, and one to the public topic, read the CloudEvents back.
 * The reply topic is named in full ({@code projects/P/topics/T}), as one in another project would be.
 */
class PubSubRunEventsIT extends RunEventsContract {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EmulatorTopics topics = new EmulatorTopics();
  private final EmulatorTopics.Topic publicTopic = topics.create();
  private final EmulatorTopics.Topic reply = topics.create();
  /** Drained once per test, as a subscriber would read them. */
  private List<PubsubMessage> onPublic;
  private List<PubsubMessage> onReply;

  @AfterEach
  void close() {
    topics.close();
  }

  @Override
  protected RunEvents events() {
    return SharedLocalCloud.adapters().adapters.runEvents(new TopicConfig(publicTopic.topic()));
  }

  @Override
  protected String replyTopic() {
    return "projects/" + SharedLocalCloud.cloud().projectId() + "/topics/" + reply.topic();
  }

  @Override
  protected List<JobNotification> endsOnReplyTopic() {
    return replied().stream().map(PubSubRunEventsIT::event).map(event -> {
      JsonNode data = data(event);
      return new JobNotification(event.getId(), data.path("jobId").asText(), data.path("userId").asText(),
          data.path("status").asText(), Instant.parse(data.path("at").asText()));
    }).toList();
  }

  @Override
  protected List<RunRefusal> refusalsOnPublicTopic() {
    if (onPublic == null) {
      onPublic = topics.drain(publicTopic);
    }
    return refusals(onPublic);
  }

  @Override
  protected List<RunRefusal> refusalsOnReplyTopic() {
    return refusals(replied());
  }

  private List<PubsubMessage> replied() {
    if (onReply == null) {
      onReply = topics.drain(reply);
    }
    return onReply;
  }

  private static List<RunRefusal> refusals(List<PubsubMessage> messages) {
    List<RunRefusal> found = new ArrayList<>();
    for (PubsubMessage message : messages) {
      CloudEvent event = event(message);
      if (!event.getType().equals(RunFromMessage.REFUSED_TYPE)) {
        continue;
      }
      JsonNode data = data(event);
      List<String> reasons = new ArrayList<>();
      data.path("reasons").forEach(reason -> reasons.add(reason.asText()));
      found.add(new RunRefusal(data.path("messageId").asText(), data.path("topic").asText(),
          data.path("integration").textValue(), data.path("userId").textValue(), data.path("deployment").textValue(),
          data.path("idempotency_key").textValue(), reasons, Instant.parse(data.path("at").asText())));
    }
    return found;
  }

  private static CloudEvent event(PubsubMessage message) {
    return EventFormatProvider.getInstance().resolveFormat(message.getAttributesOrThrow("content-type"))
        .deserialize(message.getData().toByteArray());
  }

  private static JsonNode data(CloudEvent event) {
    try {
      return JSON.readTree(event.getData().toBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
