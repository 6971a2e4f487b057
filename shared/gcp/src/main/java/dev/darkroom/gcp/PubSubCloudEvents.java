package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.event.Messages;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.util.Base64;

/**
 * Reads the Pub/Sub message out of an Eventarc CloudEvent
 * ({@code google.cloud.pubsub.topic.v1.messagePublished}, data
 * {@code {message:{data(base64),attributes,messageId,publishTime},subscription}}).
 */
public final class PubSubCloudEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PubSubCloudEvents() {}

  /** The decoded message body, parsed as {@code type}; malformed input is a {@link Messages.MalformedMessageException}. */
  public static <T> T message(CloudEvent event, Class<T> type) {
    return Messages.decode(data(event), type);
  }

  /** The message's raw bytes. */
  public static byte[] data(CloudEvent event) {
    if (event.getData() == null) {
      throw new Messages.MalformedMessageException("CloudEvent " + event.getId() + " has no data", null);
    }
    try {
      JsonNode body = JSON.readTree(event.getData().toBytes());
      JsonNode data = body.path("message").path("data");
      if (!data.isTextual()) {
        throw new Messages.MalformedMessageException(
            "CloudEvent " + event.getId() + " is not a Pub/Sub messagePublished event", null);
      }
      return Base64.getDecoder().decode(data.asText());
    } catch (IOException | IllegalArgumentException e) {
      throw new Messages.MalformedMessageException("CloudEvent " + event.getId() + ": " + e.getMessage(), e);
    }
  }
}
