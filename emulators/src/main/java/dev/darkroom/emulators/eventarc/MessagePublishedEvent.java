package dev.darkroom.emulators.eventarc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import com.google.pubsub.v1.PubsubMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** The CloudEvent Eventarc makes of a Pub/Sub message, and its binary-mode HTTP request. */
final class MessagePublishedEvent {
  static final String TYPE = "google.cloud.pubsub.topic.v1.messagePublished";

  private static final ObjectMapper JSON = new ObjectMapper();
  // Real dead-lettering writes this attribute with milliseconds and a numeric offset.
  private static final DateTimeFormatter DEAD_LETTER_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx");

  private MessagePublishedEvent() {}

  /**
   * Builds the event. {@code attempt} appears as a top-level {@code deliveryAttempt} in the data
   * only from the second attempt on, where Pub/Sub's push body carries it; a first delivery is
   * byte-for-byte what Eventarc sends.
   */
  static CloudEvent of(String projectId, String topic, String subscription, PubsubMessage message, int attempt) {
    Instant published = toInstant(message.getPublishTime());
    String publishTime = rfc3339(published);

    ObjectNode body = JSON.createObjectNode();
    ObjectNode data = body.putObject("message");
    data.put("data", Base64.getEncoder().encodeToString(message.getData().toByteArray()));
    ObjectNode attributes = data.putObject("attributes");
    // Sorted so that identical messages produce identical bodies.
    new TreeMap<>(message.getAttributesMap()).forEach(attributes::put);
    // Eventarc sends both spellings of these two fields.
    data.put("messageId", message.getMessageId());
    data.put("message_id", message.getMessageId());
    data.put("publishTime", publishTime);
    data.put("publish_time", publishTime);
    if (!message.getOrderingKey().isEmpty()) {
      data.put("orderingKey", message.getOrderingKey());
    }
    body.put("subscription", "projects/" + projectId + "/subscriptions/" + subscription);
    if (attempt > 1) {
      body.put("deliveryAttempt", attempt);
    }
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a Pub/Sub message to JSON", e);
    }

    return CloudEventBuilder.v1()
        .withId(message.getMessageId())
        .withSource(URI.create("//pubsub.googleapis.com/projects/" + projectId + "/topics/" + topic))
        .withType(TYPE)
        .withTime(published.atOffset(ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withData(bytes)
        .build();
  }

  /** The binary-mode request: context attributes as {@code ce-*} headers, data as the body. */
  static HttpRequest request(URI target, CloudEvent event, Duration timeout) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .header("ce-specversion", event.getSpecVersion().toString())
            .header("ce-id", event.getId())
            .header("ce-source", event.getSource().toString())
            .header("ce-type", event.getType())
            .header("Content-Type", event.getDataContentType());
    if (event.getTime() != null) {
      request.header("ce-time", rfc3339(event.getTime().toInstant()));
    }
    if (event.getSubject() != null) {
      request.header("ce-subject", event.getSubject());
    }
    for (String extension : event.getExtensionNames()) {
      request.header("ce-" + extension, String.valueOf(event.getExtension(extension)));
    }
    byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
    return request.POST(HttpRequest.BodyPublishers.ofByteArray(data)).build();
  }

  static Instant toInstant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  static String rfc3339(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  /** Attributes real Pub/Sub adds when it forwards a message to a dead-letter topic. */
  static Map<String, String> deadLetterAttributes(
      String projectId, String subscription, int deliveryCount, Timestamp publishTime) {
    return Map.of(
        "CloudPubSubDeadLetterSourceDeliveryCount", Integer.toString(deliveryCount),
        "CloudPubSubDeadLetterSourceSubscription", subscription,
        "CloudPubSubDeadLetterSourceSubscriptionProject", projectId,
        "CloudPubSubDeadLetterSourceTopicPublishTime",
        DEAD_LETTER_TIME.format(toInstant(publishTime).atOffset(ZoneOffset.UTC)));
  }
}
