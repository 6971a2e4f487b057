package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.darkroom.core.deployment.RunRefusal;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.port.RunEvents;
import dev.darkroom.core.usecase.RunFromMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@link RunEvents} on Pub/Sub, as CloudEvents 1.0 in structured JSON mode like
 * {@link PubSubIntegrationEvents}: a job's end on a reply topic is the very message the public topic
 * gets; a refused run message is type {@value RunFromMessage#REFUSED_TYPE}, id
 * {@code refused/<message id>}, subject the deployment, data {@code {schemaVersion, messageId, topic,
 * integration, userId, deployment, idempotency_key, reasons, at}}. A reply topic is an id in this
 * project or a full name {@code projects/P/topics/T}; publishing there needs
 * {@code roles/pubsub.publisher} on it, granted by whoever owns it.
 */
public final class PubSubRunEvents implements RunEvents {
  /** The {@link SchemaVersion} of a refusal's data. */
  public static final int REFUSAL_SCHEMA_VERSION = 1;
  private static final EventFormat FORMAT = new JsonFormat();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Function<String, Publisher> publishers;
  private final String publicTopic;
  private final URI jobs;
  private final URI runs;

  /** @param publishers a publisher per topic (an id of this project or a full name), made once each */
  public PubSubRunEvents(Function<String, Publisher> publishers, String publicTopic, String projectId) {
    this.publishers = publishers;
    this.publicTopic = publicTopic;
    this.jobs = URI.create("//darkroom.dev/projects/" + projectId + "/jobs");
    this.runs = URI.create("//darkroom.dev/projects/" + projectId + "/runs");
  }

  @Override
  public void ended(JobNotification notification, String replyTopic) {
    publish(replyTopic, PubSubIntegrationEvents.message(notification, jobs));
  }

  @Override
  public void refused(RunRefusal refusal, String replyTopic) {
    PubsubMessage message = message(refusal, runs);
    publish(publicTopic, message);
    if (replyTopic != null) {
      publish(replyTopic, message);
    }
  }

  public static CloudEvent cloudEvent(RunRefusal refusal, URI source) {
    ObjectNode data = JSON.createObjectNode();
    data.put(SchemaVersion.FIELD, REFUSAL_SCHEMA_VERSION);
    data.put("messageId", refusal.messageId());
    data.put("topic", refusal.topic());
    data.put("integration", refusal.integration());
    data.put("userId", refusal.userId());
    data.put("deployment", refusal.deployment());
    data.put("idempotency_key", refusal.idempotencyKey());
    refusal.reasons().forEach(data.putArray("reasons")::add);
    data.put("at", refusal.at().toString());
    CloudEventBuilder event = CloudEventBuilder.v1()
        .withId("refused/" + refusal.messageId())
        .withSource(source)
        .withType(RunFromMessage.REFUSED_TYPE)
        .withTime(refusal.at().atOffset(ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withData(data.toString().getBytes(StandardCharsets.UTF_8));
    if (refusal.deployment() != null) {
      event.withSubject(refusal.deployment());
    }
    return event.build();
  }

  static PubsubMessage message(RunRefusal refusal, URI source) {
    CloudEvent event = cloudEvent(refusal, source);
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFrom(FORMAT.serialize(event)))
        .putAttributes("content-type", JsonFormat.CONTENT_TYPE)
        .putAttributes("ce-type", event.getType())
        .build();
  }

  private void publish(String topic, PubsubMessage message) {
    Publisher publisher = publishers.apply(topic);
    try {
      publisher.publish(message).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted publishing to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw GoogleErrors.translated(new IllegalStateException("publishing to " + topic + " failed", e));
    }
  }
}
