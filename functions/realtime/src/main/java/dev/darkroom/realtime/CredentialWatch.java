package dev.darkroom.realtime;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.usecase.StandingRecheck;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends open sockets whose credential no longer stands: every {@link StandingRecheck#period()} each
 * socket's caller is rechecked (one lookup per caller and period, shared by their sockets), and a
 * socket whose key was revoked, whose account was disabled or deleted, or whose user's sessions were
 * revoked after it authenticated is closed with 1008 (policy violation). So a socket outlives its
 * credential by at most two periods (the answer's age plus the time to the next sweep). Sockets a
 * newer one replaced (same client id) are watched too: they stay open until the client closes them.
 */
final class CredentialWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CredentialWatch.class);
  /** A WebSocket close reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5). */
  static final int MAX_REASON_BYTES = 123;

  private final StandingRecheck standing;
  private final Set<GatewaySocket> sockets = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "realtime-credential-watch");
    thread.setDaemon(true);
    return thread;
  });

  CredentialWatch(StandingRecheck standing) {
    this.standing = standing;
    long every = standing.period().toMillis();
    timer.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  void add(GatewaySocket socket) {
    sockets.add(socket);
  }

  void remove(GatewaySocket socket) {
    sockets.remove(socket);
  }

  /** Rechecks every open socket once. */
  void sweep() {
    for (GatewaySocket socket : List.copyOf(sockets)) {
      try {
        standing.confirm(socket.caller(), socket.authenticatedAt());
      } catch (AuthFailure failure) {
        log.info("socket of user {} ends: {}", socket.caller().userId(), failure.getMessage());
        sockets.remove(socket);
        socket.end(1008, reason("credential no longer valid: " + failure.getMessage()));
      } catch (RuntimeException e) {
        log.warn("rechecking a socket of user {} failed: {}", socket.caller().userId(), e.toString());
      }
    }
  }

  /** {@code text}, cut to what a close frame holds. */
  static String reason(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return text;
    }
    String cut = new String(bytes, 0, MAX_REASON_BYTES, StandardCharsets.UTF_8);
    // A cut inside a multi-byte character decodes to U+FFFD (3 bytes): drop it.
    while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
