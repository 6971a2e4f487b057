package dev.darkroom.core.job;

import java.util.Arrays;
import java.util.Objects;

/**
 * One WebSocket frame the engine sent about a running job, as it sent it: a text message
 * ({@code {"type", "data"}} JSON) or a binary frame (a 4-byte big-endian event type, then its
 * payload: COMFYUI_API.md §7). Exactly one of {@code text} and {@code binary} is set.
 *
 * @param sequence its place in its run (see {@link LiveWindow#run}), from 1, without gaps as the runner numbers them
 * @param nodeId the node the engine was executing when it sent the frame (a preview names none), or null
 */
public record LiveFrame(long sequence, String text, byte[] binary, String nodeId) {
  public LiveFrame {
    if ((text == null) == (binary == null)) {
      throw new IllegalArgumentException("a frame is either text or binary");
    }
  }

  public static LiveFrame text(long sequence, String json, String nodeId) {
    return new LiveFrame(sequence, json, null, nodeId);
  }

  public static LiveFrame binary(long sequence, byte[] frame, String nodeId) {
    return new LiveFrame(sequence, null, frame.clone(), nodeId);
  }

  public boolean isBinary() {
    return binary != null;
  }

  /** Bytes it takes in a window: what the per-job size bound counts. */
  public int size() {
    return (isBinary() ? binary.length : text.length()) + 32;
  }

  @Override
  public byte[] binary() {
    return binary == null ? null : binary.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LiveFrame that && sequence == that.sequence && Objects.equals(text, that.text)
        && Arrays.equals(binary, that.binary) && Objects.equals(nodeId, that.nodeId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sequence, text, Arrays.hashCode(binary), nodeId);
  }

  @Override
  public String toString() {
    return "LiveFrame[" + sequence + ", " + (isBinary() ? binary.length + " bytes" : text) + ", node " + nodeId + "]";
  }
}
