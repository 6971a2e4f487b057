package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
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
  private static final String TOPICS = "/topics/";
  /** Set by Pub/Sub on a message it moves to a dead-letter topic. */
  public static final String DEAD_LETTER_DELIVERY_COUNT = "CloudPubSubDeadLetterSourceDeliveryCount";

  private PubSubCloudEvents() {}

  /** The decoded message body, parsed as {@code type}; malformed input is a {@link Messages.MalformedMessageException}. */
  public static <T> T message(CloudEvent event, Class<T> type) {
    return Messages.decode(data(event), type);
  }

  /** The message's raw bytes. */
  public static byte[] data(CloudEvent event) {
    JsonNode data = body(event).path("message").path("data");
    if (!data.isTextual()) {
      throw new Messages.MalformedMessageException(
          "CloudEvent " + event.getId() + " is not a Pub/Sub messagePublished event", null);
    }
    try {
      return Base64.getDecoder().decode(data.asText());
    } catch (IllegalArgumentException e) {
      throw new Messages.MalformedMessageException("CloudEvent " + event.getId() + ": " + e.getMessage(), e);
    }
  }

  /** The id of the topic the message was published to, from the source {@code //pubsub.googleapis.com/projects/P/topics/T}. */
  public static String topic(CloudEvent event) {
    String source = event.getSource() == null ? "" : event.getSource().toString();
    int at = source.lastIndexOf(TOPICS);
    if (at < 0 || at + TOPICS.length() == source.length()) {
      throw new Messages.MalformedMessageException(
          "CloudEvent " + event.getId() + " does not come from a Pub/Sub topic: " + source, null);
    }
    return source.substring(at + TOPICS.length());
  }

  /**
   * How many deliveries had failed when Pub/Sub dead-lettered the message (the attribute
   * {@value #DEAD_LETTER_DELIVERY_COUNT} it adds), or 0 if the message carries no such count.
   */
  public static int deadLetterDeliveryCount(CloudEvent event) {
    String count = body(event).path("message").path("attributes").path(DEAD_LETTER_DELIVERY_COUNT).asText("");
    try {
      return Math.max(0, Integer.parseInt(count));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static JsonNode body(CloudEvent event) {
    if (event.getData() == null) {
      throw new Messages.MalformedMessageException("CloudEvent " + event.getId() + " has no data", null);
    }
    try {
      JsonNode body = JSON.readTree(event.getData().toBytes());
      return body == null ? MissingNode.getInstance() : body;
    } catch (IOException e) {
      throw new Messages.MalformedMessageException("CloudEvent " + event.getId() + ": " + e.getMessage(), e);
    }
  }
}
