package dev.darkroom.testing;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/** CloudEvents as Eventarc delivers a Pub/Sub message to a function. */
public final class EventarcEvents {
  private EventarcEvents() {}

  public static CloudEvent messagePublished(String topic, byte[] data) {
    String id = UUID.randomUUID().toString();
    String body = "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString(data)
        + "\",\"attributes\":{},\"messageId\":\"" + id + "\",\"publishTime\":\"2026-11-23T10:00:00Z\"},"
        + "\"subscription\":\"projects/p/subscriptions/eventarc-" + topic + "\"}";
    return CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create("//pubsub.googleapis.com/projects/p/topics/" + topic))
        .withType("google.cloud.pubsub.topic.v1.messagePublished")
        .withTime(OffsetDateTime.parse("2026-11-23T10:00:00Z"))
        .withDataContentType("application/json")
        .withData(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }
}
