package dev.darkroom.emulators.eventarc;

import com.google.pubsub.v1.PubsubMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * The CloudEvent Eventarc makes of a Cloud Storage notification: type
 * {@code google.cloud.storage.object.v1.finalized}, source
 * {@code //storage.googleapis.com/projects/_/buckets/{bucket}}, subject {@code objects/{name}},
 * the {@code bucket} extension, and the object's JSON API resource as data (the notification's
 * JSON_API_V1 payload, unchanged).
 */
final class StorageObjectEvent {
  static final String FINALIZED = "google.cloud.storage.object.v1.finalized";

  private StorageObjectEvent() {}

  /** The event, or empty for a notification of another kind (a delete, a metadata update). */
  static Optional<CloudEvent> of(PubsubMessage message) {
    Map<String, String> attributes = message.getAttributesMap();
    if (!"OBJECT_FINALIZE".equals(attributes.get("eventType"))) {
      return Optional.empty();
    }
    String bucket = attributes.getOrDefault("bucketId", "");
    String object = attributes.getOrDefault("objectId", "");
    Instant time = attributes.containsKey("eventTime")
        ? Instant.parse(attributes.get("eventTime"))
        : MessagePublishedEvent.toInstant(message.getPublishTime());
    return Optional.of(CloudEventBuilder.v1()
        .withId(message.getMessageId())
        .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + bucket))
        .withType(FINALIZED)
        .withSubject("objects/" + object)
        .withTime(time.atOffset(ZoneOffset.UTC))
        .withExtension("bucket", bucket)
        .withDataContentType("application/json")
        .withData(message.getData().toByteArray())
        .build());
  }
}
