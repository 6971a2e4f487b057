package dev.darkroom.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON encoding of every message Darkroom puts on a topic, shared by publishers and
 * consumers so the two cannot disagree. Each message is a JSON object that carries its
 * {@link SchemaVersion} ({@value SchemaVersion#FIELD}, {@value #SCHEMA_VERSION} today); a message
 * without one is read as version 1, one of a newer version is malformed. Unknown fields are
 * ignored, so a reader deployed before a writer that added a field still reads its messages. The
 * golden examples of each message are in {@code src/test/resources/wire}.
 */
public final class Messages {
  private Messages() {}

  /** The version of the messages this code writes, and the newest it reads. */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static byte[] encode(Object message) {
    JsonNode fields = MAPPER.valueToTree(message);
    if (!(fields instanceof ObjectNode object)) {
      throw new IllegalArgumentException("a message is a JSON object, not " + fields.getNodeType());
    }
    ObjectNode versioned = MAPPER.createObjectNode().put(SchemaVersion.FIELD, SCHEMA_VERSION);
    versioned.setAll(object);
    try {
      return MAPPER.writeValueAsBytes(versioned);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Decodes a message.
   *
   * @throws MalformedMessageException if the bytes are not a valid message of that type, or are
   *     of a schema version newer than {@link #SCHEMA_VERSION}: such a message can never succeed
   *     here, and is acknowledged and logged rather than retried
   */
  public static <T> T decode(byte[] data, Class<T> type) {
    try {
      JsonNode fields = MAPPER.readTree(data);
      if (fields instanceof ObjectNode object) {
        SchemaVersion.takenFrom(object, SCHEMA_VERSION, type.getSimpleName());
      }
      T value = fields == null ? null : MAPPER.treeToValue(fields, type);
      if (value == null) {
        throw new MalformedMessageException("empty " + type.getSimpleName(), null);
      }
      return value;
    } catch (SchemaVersion.UnsupportedSchemaVersionException e) {
      throw new MalformedMessageException(e.getMessage(), e);
    } catch (IOException e) {
      throw new MalformedMessageException("not a " + type.getSimpleName() + ": "
          + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
    }
  }

  /** A message that can never be processed. */
  public static final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
