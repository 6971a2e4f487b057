package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side: one socket per client id (a reconnect with the same id replaces the old
 * socket), and one FIFO publisher thread, as ComfyUI has, so every client sees events in the order
 * they were produced and a Jetty session never has two sends in flight. Events for a client with
 * no socket are dropped, not buffered.
 */
final class WsHub implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WsHub.class);
  private static final Object STOP = new Object();

  private record Outgoing(String clientId, String text, ByteBuffer binary) {}

  private final ObjectMapper json;
  private final Map<String, Session> sockets = new ConcurrentHashMap<>();
  /** Clients whose first message announced {@code supports_preview_metadata: true} (ComfyUI's feature_flags). */
  private final java.util.Set<String> previewMetadataClients = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Object> outgoing = new LinkedBlockingQueue<>();
  private final Thread publisher;

  WsHub(ObjectMapper json) {
    this.json = json;
    this.publisher = new Thread(this::publish, "comfyui-sim-ws-publisher");
    this.publisher.setDaemon(true);
    this.publisher.start();
  }

  void register(String clientId, Session session) {
    previewMetadataClients.remove(clientId);
    sockets.put(clientId, session);
  }

  void unregister(String clientId, Session session) {
    if (sockets.remove(clientId, session)) {
      previewMetadataClients.remove(clientId);
    }
  }

  /** What the client's {@code feature_flags} said; a new socket with its id starts without. */
  void featureFlags(String clientId, JsonNode flags) {
    if (flags.path("supports_preview_metadata").asBoolean(false)) {
      previewMetadataClients.add(clientId);
    } else {
      previewMetadataClients.remove(clientId);
    }
  }

  /** Whether images go to this client as PREVIEW_IMAGE_WITH_METADATA frames rather than PREVIEW_IMAGE. */
  boolean wantsPreviewMetadata(String clientId) {
    return clientId != null && previewMetadataClients.contains(clientId);
  }

  boolean isConnected(String clientId) {
    return sockets.containsKey(clientId);
  }

  /** Queues {@code {"type", "data"}} for one client, or for all when {@code clientId} is null. */
  void send(String type, JsonNode data, String clientId) {
    ObjectNode message = json.createObjectNode();
    message.put("type", type);
    message.set("data", data);
    try {
      outgoing.add(new Outgoing(clientId, json.writeValueAsString(message), null));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  void sendBinary(ByteBuffer frame, String clientId) {
    outgoing.add(new Outgoing(clientId, null, frame));
  }

  /** Cuts every connection without a close handshake, as a crashing server or proxy would. */
  void dropAll() {
    List<Session> all = List.copyOf(sockets.values());
    sockets.clear();
    all.forEach(Session::disconnect);
  }

  private void publish() {
    while (true) {
      Object next;
      try {
        next = outgoing.take();
      } catch (InterruptedException e) {
        return;
      }
      if (next == STOP) return;
      Outgoing o = (Outgoing) next;
      if (o.clientId() == null) {
        sockets.values().forEach(s -> deliver(s, o));
      } else {
        Session s = sockets.get(o.clientId());
        if (s != null) deliver(s, o);
      }
    }
  }

  private void deliver(Session session, Outgoing o) {
    if (!session.isOpen()) return;
    Callback.Completable done = new Callback.Completable();
    try {
      if (o.text() != null) session.sendText(o.text(), done);
      else session.sendBinary(o.binary().duplicate(), done);
      done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("dropping a WebSocket message to a failing socket", e);
    }
  }

  @Override
  public void close() {
    outgoing.add(STOP);
    dropAll();
    try {
      publisher.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
