package dev.darkroom.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PreviewFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * ComfyUI's binary WebSocket frames written as JSON in the conformance table (server.py
 * {@code send_image}, {@code send_image_with_metadata}): {@code {"binary": 1, "image_type": 1|2,
 * "image": text}} for a {@code PREVIEW_IMAGE}, {@code {"binary": 4, "metadata": {...}, "image": text}}
 * for a {@code PREVIEW_IMAGE_WITH_METADATA}; the image is stood in for by the bytes of a text, which
 * nothing between the engine and the client decodes. Any other frame is {@code {"binary": type, "bytes": base64}}.
 */
final class BinaryFrames {
  private BinaryFrames() {}

  static byte[] encode(JsonNode description) {
    byte[] image = description.path("image").asText().getBytes(StandardCharsets.UTF_8);
    int event = description.get("binary").asInt();
    if (event == PreviewFrames.PREVIEW_IMAGE) {
      return PreviewFrames.previewImage(description.get("image_type").asInt(), image);
    }
    if (event == PreviewFrames.PREVIEW_IMAGE_WITH_METADATA) {
      byte[] metadata = description.get("metadata").toString().getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(ByteBuffer.allocate(8).putInt(event).putInt(metadata.length).array());
      out.writeBytes(metadata);
      out.writeBytes(image);
      return out.toByteArray();
    }
    throw new IllegalArgumentException("no such image frame in the table: " + description);
  }

  static JsonNode describe(byte[] frame) {
    ByteBuffer buffer = ByteBuffer.wrap(frame);
    int event = buffer.getInt();
    ObjectNode out = ComfyMessages.JSON.createObjectNode().put("binary", event);
    if (event == PreviewFrames.PREVIEW_IMAGE && frame.length >= 8) {
      out.put("image_type", buffer.getInt());
      return out.put("image", text(frame, 8));
    }
    if (event == PreviewFrames.PREVIEW_IMAGE_WITH_METADATA && frame.length >= 8) {
      int length = buffer.getInt();
      try {
        out.set("metadata", ComfyMessages.JSON.readTree(Arrays.copyOfRange(frame, 8, 8 + length)));
      } catch (IOException e) {
        out.put("metadata", "not JSON: " + e.getMessage());
      }
      return out.put("image", text(frame, 8 + length));
    }
    return out.put("bytes", Base64.getEncoder().encodeToString(Arrays.copyOfRange(frame, 4, frame.length)));
  }

  private static String text(byte[] frame, int from) {
    return new String(frame, from, frame.length - from, StandardCharsets.UTF_8);
  }
}
