package dev.darkroom.core.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's account as the identity provider (Firebase Auth) holds it now: what an API key, which
 * outlives any sign-in, is checked against.
 *
 * @param disabled whether an administrator disabled the account
 * @param tokensValidAfter when the user last signed out everywhere (their sessions were revoked):
 *     credentials made before it are refused; null when never
 * @param tier the account's {@code tier} custom claim, or null when it has none (the default tier)
 * @param admin whether the account's {@value Caller#ADMIN_CLAIM} custom claim is {@code true}
 */
public record Account(String userId, boolean disabled, Instant tokensValidAfter, String tier, boolean admin) {
  public Account {
    Objects.requireNonNull(userId, "userId");
  }

  /** An account that is not an administrator. */
  public Account(String userId, boolean disabled, Instant tokensValidAfter, String tier) {
    this(userId, disabled, tokensValidAfter, tier, false);
  }
}
