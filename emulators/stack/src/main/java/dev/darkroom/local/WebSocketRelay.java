package dev.darkroom.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One client's WebSocket, relayed frame by frame to the realtime gateway's, and back: the edge's
 * HTTP reverse proxy cannot carry an upgraded connection. Each direction keeps its order and has
 * one send in flight at a time (neither end allows more); the gateway's messages are read one at a
 * time, only once the previous one has gone to the client, so a slow client slows the gateway's
 * socket rather than filling the edge's memory. Either side closing closes the other.
 *
 * <p>Public only because Jetty binds listener methods through a public lookup.
 */
public final class WebSocketRelay extends Session.Listener.AbstractAutoDemanding {
  private final CompletableFuture<WebSocket> upstream;
  private final CompletableFuture<Session> downstream = new CompletableFuture<>();
  /** The tail of the sends towards the gateway: each waits for the one before. */
  private CompletableFuture<WebSocket> toGateway;

  WebSocketRelay(WebSocket.Builder toGatewayBuilder, URI gateway) {
    upstream = toGatewayBuilder.buildAsync(gateway, new FromGateway()).toCompletableFuture();
    toGateway = upstream;
  }

  /**
   * Waits for the gateway's socket, so that a refused handshake (401 without a valid credential,
   * 503) reaches the client as that status instead of as an accepted socket that closes at once.
   *
   * @return empty when the gateway accepted, else the status it answered (502 if it did not answer)
   */
  java.util.OptionalInt awaitGateway(java.time.Duration timeout) {
    try {
      upstream.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return java.util.OptionalInt.empty();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
        return java.util.OptionalInt.of(refused.getResponse().statusCode());
      }
      return java.util.OptionalInt.of(502);
    } catch (java.util.concurrent.TimeoutException e) {
      upstream.cancel(true);
      return java.util.OptionalInt.of(504);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.OptionalInt.of(503);
    }
  }

  @Override
  public void onWebSocketOpen(Session session) {
    super.onWebSocketOpen(session);
    downstream.complete(session);
    upstream.whenComplete((ws, error) -> {
      if (error != null) {
        session.close(StatusCode.SERVER_ERROR, "realtime gateway unavailable", Callback.NOOP);
      }
    });
  }

  @Override
  public void onWebSocketText(String message) {
    toGateway(ws -> ws.sendText(message, true));
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
    callback.succeed();
    toGateway(ws -> ws.sendBinary(copy, true));
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    // 1005/1006 report a missing or abnormal close; they may not be sent on the wire.
    int code = statusCode == StatusCode.NO_CODE || statusCode == StatusCode.ABNORMAL ? StatusCode.NORMAL : statusCode;
    toGateway(ws -> ws.sendClose(code, reason == null ? "" : reason));
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    upstream.thenAccept(WebSocket::abort);
  }

  private synchronized void toGateway(Function<WebSocket, CompletableFuture<WebSocket>> send) {
    toGateway = toGateway.thenCompose(send);
  }

  /** The gateway's side: whole messages, one at a time, each sent on before the next is asked for. */
  private final class FromGateway implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (!last) {
        ws.request(1);
        return null;
      }
      String message = text.toString();
      text.setLength(0);
      toClient(ws, (session, sent) -> session.sendText(message, sent));
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      binary = ByteBuffer.allocate(binary.remaining() + data.remaining()).put(binary).put(data).flip();
      if (!last) {
        ws.request(1);
        return null;
      }
      ByteBuffer message = binary;
      binary = ByteBuffer.allocate(0);
      toClient(ws, (session, sent) -> session.sendBinary(message, sent));
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      downstream.thenAccept(session -> session.close(statusCode, reason, Callback.NOOP));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      downstream.thenAccept(session -> session.close(StatusCode.SERVER_ERROR, "realtime gateway failed", Callback.NOOP));
    }

    private void toClient(WebSocket ws, ClientSend send) {
      downstream.thenAccept(session -> send.on(session, Callback.from(() -> ws.request(1), failure -> ws.abort())));
    }
  }

  @FunctionalInterface
  private interface ClientSend {
    void on(Session session, Callback sent);
  }
}
