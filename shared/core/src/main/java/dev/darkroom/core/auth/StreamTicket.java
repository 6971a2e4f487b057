package dev.darkroom.core.auth;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * What a stream ticket stands for, as stored: the caller who asked for it, the one kind of stream
 * it opens, and when it stops opening anything. The ticket itself (the secret a URL carries) is
 * never stored, only its hash, as the store's key.
 *
 * @param caller who asked for it, with the credential they asked with (ID token or key)
 * @param issuedAt when that credential was last checked: a stream opened with the ticket is
 *     rechecked against sessions revoked after this moment
 */
public record StreamTicket(Caller caller, Purpose purpose, Instant issuedAt, Instant expiresAt) {

  /** The one kind of stream a ticket opens. */
  public enum Purpose {
    /** The realtime gateway's {@code /ws} (ComfyUI's WebSocket). */
    WS,
    /** The api's Server-Sent Events, {@code GET /api/v2/jobs/{id}/events}. */
    SSE;

    /** As a client writes it: {@code ws}, {@code sse}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public StreamTicket {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  public boolean liveAt(Instant now) {
    return now.isBefore(expiresAt);
  }
}
