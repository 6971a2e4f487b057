package dev.darkroom.realtime;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClientSink} on a Jetty session: one send in flight at a time (Jetty allows no more),
 * the rest queued in order. A client that stops reading is cut off rather than buffered forever.
 */
final class SessionSink implements ClientSink {
  private static final Logger log = LoggerFactory.getLogger(SessionSink.class);
  /** Far more than a job produces in the time a healthy client takes to read one message. */
  static final int MAX_QUEUED = 1000;

  private final Session session;
  /** Text ({@code String}) and binary ({@code byte[]}) frames, in order. */
  private final Deque<Object> queue = new ArrayDeque<>();
  private boolean sending;
  private volatile boolean previewMetadata;

  SessionSink(Session session) {
    this.session = session;
  }

  @Override
  public void send(String text) {
    enqueue(text);
  }

  @Override
  public void sendBinary(byte[] frame) {
    enqueue(frame);
  }

  @Override
  public boolean wantsPreviewMetadata() {
    return previewMetadata;
  }

  /** What the client's first message, {@code feature_flags}, said. */
  @Override
  public void previewMetadata(boolean supported) {
    previewMetadata = supported;
  }

  private void enqueue(Object frame) {
    synchronized (this) {
      if (sending) {
        if (queue.size() >= MAX_QUEUED) {
          queue.clear();
          session.close(1008, "client too slow to read its messages", Callback.NOOP);
          return;
        }
        queue.add(frame);
        return;
      }
      sending = true;
    }
    transmit(frame);
  }

  private void next() {
    Object frame;
    synchronized (this) {
      frame = queue.poll();
      if (frame == null) {
        sending = false;
        return;
      }
    }
    transmit(frame);
  }

  private void transmit(Object frame) {
    if (frame instanceof byte[] bytes) {
      session.sendBinary(ByteBuffer.wrap(bytes), Callback.from(this::next, this::failed));
    } else {
      session.sendText((String) frame, Callback.from(this::next, this::failed));
    }
  }

  private void failed(Throwable cause) {
    log.debug("a message to a closing socket was lost: {}", cause.toString());
    synchronized (this) {
      queue.clear();
      sending = false;
    }
  }

  @Override
  public void close(int code, String reason) {
    session.close(code, reason, Callback.NOOP);
  }
}
