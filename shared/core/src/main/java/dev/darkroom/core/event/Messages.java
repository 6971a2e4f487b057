package dev.darkroom.core.event;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON encoding of every message Darkroom puts on a topic, shared by publishers and
 * consumers so the two cannot disagree.
 */
public final class Messages {
  private Messages() {}

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static byte[] encode(Object message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Decodes a message.
   *
   * @throws MalformedMessageException if the bytes are not a valid message of that type: such a
   *     message can never succeed, and is acknowledged and logged rather than retried
   */
  public static <T> T decode(byte[] data, Class<T> type) {
    try {
      T value = MAPPER.readValue(data, type);
      if (value == null) {
        throw new MalformedMessageException("empty " + type.getSimpleName(), null);
      }
      return value;
    } catch (IOException e) {
      throw new MalformedMessageException("not a " + type.getSimpleName() + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
    }
  }

  /** A message that can never be processed. */
  public static final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
