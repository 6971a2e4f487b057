package dev.darkroom.realtime;

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
  private final Deque<String> queue = new ArrayDeque<>();
  private boolean sending;

  SessionSink(Session session) {
    this.session = session;
  }

  @Override
  public void send(String text) {
    synchronized (this) {
      if (sending) {
        if (queue.size() >= MAX_QUEUED) {
          queue.clear();
          session.close(1008, "client too slow to read its messages", Callback.NOOP);
          return;
        }
        queue.add(text);
        return;
      }
      sending = true;
    }
    session.sendText(text, Callback.from(this::next, this::failed));
  }

  private void next() {
    String text;
    synchronized (this) {
      text = queue.poll();
      if (text == null) {
        sending = false;
        return;
      }
    }
    session.sendText(text, Callback.from(this::next, this::failed));
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
