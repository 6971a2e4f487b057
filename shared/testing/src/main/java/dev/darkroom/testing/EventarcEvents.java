package dev.darkroom.testing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** CloudEvents as Eventarc delivers a Pub/Sub message to a function. */
public final class EventarcEvents {
  private EventarcEvents() {}

  public static CloudEvent messagePublished(String topic, byte[] data) {
    return messagePublished(topic, data, Map.of());
  }

  /** With message attributes, e.g. those Pub/Sub adds to a dead-lettered message. */
  public static CloudEvent messagePublished(String topic, byte[] data, Map<String, String> attributes) {
    return messagePublished(topic, data, attributes, OffsetDateTime.parse("2026-11-23T10:00:00Z"));
  }

  /** Published at {@code publishTime} (Eventarc's event time is the message's publish time). */
  public static CloudEvent messagePublished(String topic, byte[] data, Map<String, String> attributes,
      OffsetDateTime publishTime) {
    String id = UUID.randomUUID().toString();
    StringBuilder attributesJson = new StringBuilder("{");
    new TreeMap<>(attributes).forEach((name, value) -> attributesJson.append(attributesJson.length() > 1 ? "," : "")
        .append('"').append(name).append("\":\"").append(value).append('"'));
    attributesJson.append('}');
    String body = "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(data)
        + "\",\"attributes\":" + attributesJson + ",\"messageId\":\"" + id + "\",\"publishTime\":\"" + publishTime + "\"},"
        + "\"subscription\":\"projects/p/subscriptions/eventarc-" + topic + "\"}";
    return CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create("//pubsub.googleapis.com/projects/p/topics/" + topic))
        .withType("google.cloud.pubsub.topic.v1.messagePublished")
        .withTime(publishTime)
        .withDataContentType("application/json")
        .withData(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }
}
