package dev.darkroom.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What one socket was sent, parsed. */
final class RecordingSink implements ClientSink {
  final List<JsonNode> messages = new CopyOnWriteArrayList<>();
  /** Every frame in order: text ones parsed ({@link JsonNode}), binary ones as {@code byte[]}. */
  final List<Object> frames = new CopyOnWriteArrayList<>();
  volatile boolean previewMetadata;
  volatile int closedWith;

  @Override
  public void send(String text) {
    try {
      JsonNode message = ComfyMessages.JSON.readTree(text);
      messages.add(message);
      frames.add(message);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  @Override
  public void sendBinary(byte[] frame) {
    frames.add(frame.clone());
  }

  @Override
  public boolean wantsPreviewMetadata() {
    return previewMetadata;
  }

  @Override
  public void previewMetadata(boolean supported) {
    previewMetadata = supported;
  }

  @Override
  public void close(int code, String reason) {
    closedWith = code;
  }

  List<String> types() {
    return messages.stream().map(m -> m.get("type").asText()).toList();
  }

  /** The messages after the first {@code n}: what came since a point in a test. */
  List<JsonNode> since(int n) {
    return messages.subList(n, messages.size());
  }
}
