package dev.darkroom.core.auth;

import java.util.Objects;

/**
 * Why a request's credentials were not accepted; always answered {@code 401} with the reason
 * (never the credential itself, which must not reach a log or a response).
 */
public final class AuthFailure extends Exception {
  public enum Reason {
    /** No {@code Authorization} or {@code X-API-Key} header. */
    MISSING,
    /** Not a token or key at all, or not one of ours (bad signature, wrong audience, unknown key). */
    INVALID,
    EXPIRED,
    /** An ID token issued before the user's sessions were revoked, or a revoked API key. */
    REVOKED,
    /** The user's account is disabled. */
    DISABLED,
    /** Firebase could not be asked (network, outage): a 503, not the caller's fault. */
    UNAVAILABLE
  }

  private final Reason reason;

  public AuthFailure(Reason reason, String message) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public AuthFailure(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
