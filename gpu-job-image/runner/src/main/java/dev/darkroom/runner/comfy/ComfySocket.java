package dev.darkroom.runner.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket to ComfyUI's {@code /ws?clientId=}, feeding its frames to a {@link PromptWatch}:
 * text frames, and binary ones (latent previews, {@code SaveImageWebsocket}'s images), which only
 * the live relay uses. The listener methods run one at a time (the socket asks for one message after
 * another), so the buffers need no lock; {@link #isOpen} is read from the following thread, hence
 * volatile.
 */
final class ComfySocket implements WebSocket.Listener {
  private static final Logger log = LoggerFactory.getLogger(ComfySocket.class);

  private final PromptWatch watch;
  private final ObjectMapper json;
  private final StringBuilder text = new StringBuilder();
  private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
  private volatile boolean open = true;
  private volatile WebSocket socket;

  private ComfySocket(PromptWatch watch, ObjectMapper json) {
    this.watch = watch;
    this.json = json;
  }

  /** Connects, or throws if ComfyUI does not accept the socket within {@code timeout}. */
  static ComfySocket open(HttpClient http, URI uri, PromptWatch watch, ObjectMapper json, Duration timeout)
      throws java.io.IOException, InterruptedException {
    ComfySocket listener = new ComfySocket(watch, json);
    try {
      listener.socket = http.newWebSocketBuilder()
          .connectTimeout(timeout)
          .buildAsync(uri, listener)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return listener;
    } catch (ExecutionException e) {
      throw new java.io.IOException("cannot open " + uri + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new java.io.IOException("no WebSocket from " + uri + " within " + timeout, e);
    }
  }

  /**
   * No socket: ComfyUI refused the upgrade. The prompt is then followed by polling, with
   * reconnection attempts on the way, exactly as after a drop.
   */
  static ComfySocket none(PromptWatch watch, ObjectMapper json) {
    ComfySocket listener = new ComfySocket(watch, json);
    listener.open = false;
    return listener;
  }

  boolean isOpen() {
    return open;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      String frame = text.toString();
      text.setLength(0);
      try {
        JsonNode message = json.readTree(frame);
        watch.onFrame(message);
        watch.forward(message, frame);
      } catch (Exception e) {
        log.warn("skipped a ComfyUI frame that could not be read: {}", e.toString());
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] part = new byte[data.remaining()];
    data.get(part);
    binary.writeBytes(part);
    if (last) {
      byte[] frame = binary.toByteArray();
      binary.reset();
      watch.forwardBinary(frame);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    open = false;
    log.info("ComfyUI closed the WebSocket ({} {})", statusCode, reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    open = false;
    log.warn("ComfyUI WebSocket failed: {}", error.toString());
  }

  /** Drops the connection at once; ComfyUI forgets the client when it notices. */
  void close() {
    open = false;
    WebSocket current = socket;
    if (current != null) {
      current.abort();
    }
  }
}
