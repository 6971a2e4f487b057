package dev.darkroom.core.comfy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * ComfyUI's binary WebSocket frames carrying an image (server.py {@code encode_bytes},
 * {@code send_image}, {@code send_image_with_metadata}; protocol.py {@code BinaryEventTypes}): a
 * 4-byte big-endian event type, then
 * <ul>
 *   <li>{@link #PREVIEW_IMAGE} (1): a 4-byte image type ({@link #JPEG} 1, {@link #PNG} 2), then the
 *       encoded image; what a client gets unless it announced {@code supports_preview_metadata};
 *   <li>{@link #PREVIEW_IMAGE_WITH_METADATA} (4): a 4-byte length, that many bytes of JSON
 *       ({@code node_id, prompt_id, display_node_id, parent_node_id, real_node_id, image_type}, as
 *       Python's {@code json.dumps} writes it), then the encoded image; for clients that did.
 * </ul>
 */
public final class PreviewFrames {
  public static final int PREVIEW_IMAGE = 1;
  public static final int PREVIEW_IMAGE_WITH_METADATA = 4;
  public static final int JPEG = 1;
  public static final int PNG = 2;

  private PreviewFrames() {}

  /** An image as a {@link #PREVIEW_IMAGE} frame. */
  public static byte[] previewImage(int imageType, byte[] encoded) {
    return ByteBuffer.allocate(8 + encoded.length).putInt(PREVIEW_IMAGE).putInt(imageType).put(encoded).array();
  }

  /**
   * An image as a {@link #PREVIEW_IMAGE_WITH_METADATA} frame, with the metadata ComfyUI's progress
   * handler gives a node's image (comfy_execution/progress.py {@code WebUIProgressHandler}); a node
   * of the prompt itself is its own display and real node and has no parent.
   */
  public static byte[] withMetadata(int imageType, byte[] encoded, String nodeId, String promptId) {
    String metadata = "{\"node_id\": " + pythonString(nodeId) + ", \"prompt_id\": " + pythonString(promptId)
        + ", \"display_node_id\": " + pythonString(nodeId) + ", \"parent_node_id\": null, \"real_node_id\": "
        + pythonString(nodeId) + ", \"image_type\": " + pythonString(imageType == PNG ? "image/png" : "image/jpeg") + "}";
    byte[] json = metadata.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(12 + json.length + encoded.length);
    out.writeBytes(ByteBuffer.allocate(8).putInt(PREVIEW_IMAGE_WITH_METADATA).putInt(json.length).array());
    out.writeBytes(json);
    out.writeBytes(encoded);
    return out.toByteArray();
  }

  /** An image a {@link #PREVIEW_IMAGE} frame carries: its type and bytes; empty for any other frame. */
  public static Optional<Image> imageOf(byte[] frame) {
    if (frame.length < 8) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.wrap(frame);
    if (buffer.getInt() != PREVIEW_IMAGE) {
      return Optional.empty();
    }
    return Optional.of(new Image(buffer.getInt(), Arrays.copyOfRange(frame, 8, frame.length)));
  }

  /** An encoded image and its ComfyUI image type ({@link #JPEG}, {@link #PNG}). */
  public record Image(int type, byte[] encoded) {}

  /** A string as Python's {@code json.dumps} writes it (ASCII only: everything else escaped), or null. */
  static String pythonString(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
