package dev.darkroom.core.usecase;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StreamTicket;
import dev.darkroom.core.port.StreamTickets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Stream tickets: how a browser, which cannot set headers on a WebSocket or an EventSource, opens
 * one without putting a reusable credential in a URL (URLs are logged by load balancers and Cloud
 * Run). A signed-in caller asks for a ticket with their credential in a header
 * ({@code POST /api/v2/stream-tickets}); the URL then carries the ticket ({@code ?ticket=}), which
 * opens one stream of one kind, once, within {@link #LIFETIME}, as that caller. A logged ticket is
 * worthless: used, or expired, by the time anyone reads the log.
 */
public final class StreamTicketing {
  /** Long enough for a page to open its stream, short enough that a logged ticket is dead. */
  public static final Duration LIFETIME = Duration.ofSeconds(60);
  /** What a ticket starts with, so that neither a key nor an ID token is ever taken for one. */
  public static final String PREFIX = "dst_";
  /** Where a ticket comes from, for every refusal to name. */
  public static final String ENDPOINT = "POST /api/v2/stream-tickets";
  /** Why a credential in a URL is refused, and what to send instead. */
  public static final String NO_CREDENTIAL_IN_URL = "credentials never go in a URL (URLs are logged): open the"
      + " stream with ?ticket=<ticket from " + ENDPOINT + ">, or send the credential in the Authorization header";
  private static final int SECRET_BYTES = 32;
  /** {@value #PREFIX} and 43 base64url characters; anything longer is no ticket of ours. */
  private static final int MAX_LENGTH = 64;

  /** A new ticket: shown once, to the caller who asked. */
  public record Issued(String ticket, StreamTicket.Purpose purpose, Duration expiresIn) {
    @Override
    public String toString() {
      return "Issued[" + purpose.wireName() + ", " + expiresIn + "]";
    }
  }

  private final StreamTickets tickets;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public StreamTicketing(StreamTickets tickets, Clock clock) {
    this.tickets = Objects.requireNonNull(tickets, "tickets");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Issued issue(Caller caller, StreamTicket.Purpose purpose) {
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    String ticket = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Instant now = clock.instant();
    tickets.save(idOf(ticket), new StreamTicket(caller, purpose, now, now.plus(LIFETIME)));
    return new Issued(ticket, purpose, LIFETIME);
  }

  /**
   * Takes the ticket (it opens nothing after this, whatever the outcome) and returns what it stands
   * for, if it is live and for {@code purpose}.
   */
  public StreamTicket redeem(String presented, StreamTicket.Purpose purpose) throws AuthFailure {
    if (presented == null || !presented.startsWith(PREFIX) || presented.length() > MAX_LENGTH) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "not a stream ticket: get one from " + ENDPOINT);
    }
    StreamTicket ticket = tickets.take(idOf(presented)).orElseThrow(() -> new AuthFailure(AuthFailure.Reason.INVALID,
        "unknown or already used stream ticket (each opens one stream): get a new one from " + ENDPOINT));
    if (!ticket.liveAt(clock.instant())) {
      throw new AuthFailure(AuthFailure.Reason.EXPIRED, "the stream ticket has expired (tickets live "
          + LIFETIME.toSeconds() + " s): get a new one from " + ENDPOINT);
    }
    if (ticket.purpose() != purpose) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "this ticket opens a '" + ticket.purpose().wireName()
          + "' stream, not a '" + purpose.wireName() + "' one: get one for '" + purpose.wireName() + "' from " + ENDPOINT);
    }
    return ticket;
  }

  /** The ticket's store id: its SHA-256, so that the store never holds a usable ticket. */
  static String idOf(String ticket) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
