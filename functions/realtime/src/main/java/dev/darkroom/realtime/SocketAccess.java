package dev.darkroom.realtime;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StreamTicket;
import dev.darkroom.core.limits.OpenStreams;
import dev.darkroom.core.usecase.Authenticator;
import dev.darkroom.core.usecase.StandingRecheck;
import dev.darkroom.core.usecase.StreamTicketing;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Who may open a socket, and how many, decided before the upgrade. The credential is a header
 * ({@code Authorization: Bearer …}, {@code X-API-Key}), as for an API call, or, from a browser (which
 * cannot set headers on a WebSocket), a single-use ticket in {@code ?ticket=} ({@link StreamTicketing}).
 * A reusable credential in the URL ({@code ?token=}) is refused, even beside a header: URLs are logged,
 * and the client must stop sending it. Then the user's and
 * the instance's socket limits ({@link OpenStreams}). Without authentication every socket is the
 * local user's and needs nothing, as ComfyUI's clients expect.
 */
final class SocketAccess {
  /** A socket that may open: whose, since when its credential stands, and its place among the open ones. */
  record Admitted(Caller caller, Instant authenticatedAt, OpenStreams.Slot slot) {}

  /** The upgrade is refused with this HTTP status and message. */
  static final class Refused extends Exception {
    final int status;
    /** Seconds for {@code Retry-After}, or null. */
    final String retryAfter;

    Refused(int status, String message, String retryAfter) {
      super(message, null, false, false);
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  private final Authenticator authenticator;
  private final StreamTicketing tickets;
  private final OpenStreams sockets;
  private final StandingRecheck standing;
  private final Clock clock;

  SocketAccess(Authenticator authenticator, StreamTicketing tickets, OpenStreams sockets, StandingRecheck standing,
      Clock clock) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.tickets = Objects.requireNonNull(tickets, "tickets");
    this.sockets = Objects.requireNonNull(sockets, "sockets");
    this.standing = Objects.requireNonNull(standing, "standing");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  StandingRecheck standing() {
    return standing;
  }

  /**
   * @param authorization the {@code Authorization} header, or null
   * @param apiKey the {@code X-API-Key} header, or null
   * @param ticket the {@code ticket} query parameter, or null
   * @param token the {@code token} query parameter (refused), or null
   */
  Admitted admit(String authorization, String apiKey, String ticket, String token) throws Refused {
    Caller caller;
    Instant authenticatedAt = clock.instant();
    try {
      if (!authenticator.required()) {
        caller = authenticator.authenticate(authorization, apiKey);
      } else if (token != null) {
        // Even beside a header: the token has been logged; the client must stop sending it.
        throw new AuthFailure(AuthFailure.Reason.INVALID, StreamTicketing.NO_CREDENTIAL_IN_URL);
      } else if (authorization != null || apiKey != null) {
        caller = authenticator.authenticate(authorization, apiKey);
      } else if (ticket != null) {
        StreamTicket redeemed = tickets.redeem(ticket, StreamTicket.Purpose.WS);
        caller = redeemed.caller();
        authenticatedAt = redeemed.issuedAt();
      } else {
        caller = authenticator.authenticate(null, null);
      }
    } catch (AuthFailure failure) {
      boolean unavailable = failure.reason() == AuthFailure.Reason.UNAVAILABLE;
      throw new Refused(unavailable ? 503 : 401, failure.getMessage(), unavailable ? "5" : null);
    }
    try {
      return new Admitted(caller, authenticatedAt, sockets.open(caller.userId()));
    } catch (OpenStreams.LimitReached tooMany) {
      throw new Refused(429, tooMany.getMessage(), tooMany.perUser() ? null : "5");
    }
  }
}
