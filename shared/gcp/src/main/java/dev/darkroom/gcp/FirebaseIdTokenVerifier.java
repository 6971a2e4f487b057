package dev.darkroom.gcp;

import com.google.firebase.ErrorCode;
import com.google.firebase.FirebaseApp;
import com.google.firebase.auth.AuthErrorCode;
import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.FirebaseAuthException;
import com.google.firebase.auth.FirebaseToken;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.AuthFailure.Reason;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.port.IdTokenVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link IdTokenVerifier} on the Firebase Admin SDK: signature (Google's public keys), project and
 * expiry on every call, in process; and the user's record in Firebase Auth, so that revoked
 * sessions and disabled accounts are refused ({@code verifyIdToken(token, checkRevoked = true)}),
 * at most {@link #REVOCATION_RECHECK} after the token was last checked that way. That check is a
 * call to Firebase Auth, the one round trip of an ID token; a client sends the same token with
 * every request for its hour, so checking it once a minute keeps a revoked token working for at
 * most a minute and takes the call off nearly every request. The tokens are remembered by their
 * SHA-256 only, never kept themselves.
 *
 * <p>Neither the token nor the SDK's messages about it (which may quote it) reach an
 * {@link AuthFailure}; only the SDK's error code does, and the cause when Firebase could not be asked.
 */
public final class FirebaseIdTokenVerifier implements IdTokenVerifier {
  /** The custom claim that names the user's tier ({@code setCustomUserClaims(uid, {"tier": "pro"})}). */
  public static final String TIER_CLAIM = "tier";

  /** How long a token that passed the revocation check is trusted not to be revoked. */
  static final Duration REVOCATION_RECHECK = Duration.ofSeconds(60);
  /** Tokens remembered at most; past it, the expired are forgotten, then all if that is not enough. */
  static final int MAX_REMEMBERED = 10_000;

  private final FirebaseAuth auth;
  private final Clock clock;
  /** When each token (by its hash) last passed the revocation check. */
  private final Map<String, Instant> checkedAt = new ConcurrentHashMap<>();

  /**
   * Verifies tokens of {@code app}'s project (its options must name one: the tokens' audience).
   * The Admin SDK is in emulator mode, accepting the Auth emulator's unsigned tokens, exactly when
   * {@code FIREBASE_AUTH_EMULATOR_HOST} is set in the process environment.
   */
  public FirebaseIdTokenVerifier(FirebaseApp app) {
    this(app, Clock.systemUTC());
  }

  FirebaseIdTokenVerifier(FirebaseApp app, Clock clock) {
    String projectId = app.getOptions().getProjectId();
    if (projectId == null || projectId.isBlank()) {
      throw new IllegalArgumentException("FirebaseApp " + app.getName()
          + " has no project id: ID tokens are verified against their project");
    }
    this.auth = FirebaseAuth.getInstance(app);
    this.clock = clock;
  }

  @Override
  public Caller verify(String idToken, String defaultTier) throws AuthFailure {
    if (idToken == null || idToken.isBlank()) {
      throw new AuthFailure(Reason.INVALID, "the ID token is empty");
    }
    String key = hashOf(idToken);
    Instant now = clock.instant();
    Instant checked = checkedAt.get(key);
    boolean checkRevocation = checked == null || !now.isBefore(checked.plus(REVOCATION_RECHECK));
    FirebaseToken token;
    try {
      token = auth.verifyIdToken(idToken, checkRevocation);
    } catch (FirebaseAuthException e) {
      checkedAt.remove(key);
      Reason reason = reasonFor(e.getAuthErrorCode(), e.getErrorCode());
      String code = e.getAuthErrorCode() != null ? e.getAuthErrorCode().name() : e.getErrorCode().name();
      if (reason == Reason.UNAVAILABLE) {
        throw new AuthFailure(reason, "Firebase Auth could not verify the ID token (" + code + ")", e);
      }
      throw new AuthFailure(reason, messageFor(reason) + " (" + code + ")");
    } catch (RuntimeException e) {
      checkedAt.remove(key);
      // The SDK's own failures (a deleted app, a claim of an unexpected type in an emulator token).
      throw new AuthFailure(Reason.UNAVAILABLE, "Firebase Auth could not verify the ID token ("
          + e.getClass().getSimpleName() + ")", e);
    }
    if (checkRevocation) {
      remember(key, now);
    }
    return Caller.idToken(token.getUid(), tierOf(token.getClaims(), defaultTier), adminOf(token.getClaims()));
  }

  private static String hashOf(String idToken) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(idToken.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private void remember(String key, Instant now) {
    if (checkedAt.size() >= MAX_REMEMBERED) {
      checkedAt.values().removeIf(at -> !now.isBefore(at.plus(REVOCATION_RECHECK)));
      if (checkedAt.size() >= MAX_REMEMBERED) {
        checkedAt.clear();
      }
    }
    checkedAt.put(key, now);
  }

  /**
   * What a failed verification means for the caller. The token's own faults are 401s; anything
   * else (no certificates, the user lookup failing, no error code at all) means Firebase could not
   * be asked, a 503.
   */
  static Reason reasonFor(AuthErrorCode authCode, ErrorCode code) {
    if (authCode == null) {
      return Reason.UNAVAILABLE;
    }
    return switch (authCode) {
      case EXPIRED_ID_TOKEN -> Reason.EXPIRED;
      case REVOKED_ID_TOKEN -> Reason.REVOKED;
      case USER_DISABLED -> Reason.DISABLED;
      // INVALID_ARGUMENT: the token is malformed or not ours. UNKNOWN: the JVM could not run the
      // signature check, which says nothing about the token.
      case INVALID_ID_TOKEN -> code == ErrorCode.INVALID_ARGUMENT ? Reason.INVALID : Reason.UNAVAILABLE;
      // A well-formed token of a user who no longer exists, or of another tenant.
      case USER_NOT_FOUND, TENANT_ID_MISMATCH, TENANT_NOT_FOUND -> Reason.INVALID;
      default -> Reason.UNAVAILABLE;
    };
  }

  private static String messageFor(Reason reason) {
    return switch (reason) {
      case EXPIRED -> "the ID token has expired: get a fresh one";
      case REVOKED -> "the ID token was revoked: sign in again";
      case DISABLED -> "the account is disabled";
      default -> "not a valid Firebase ID token of this project";
    };
  }

  /** Whether the {@value Caller#ADMIN_CLAIM} claim is the boolean {@code true} (a string "true" is not). */
  static boolean adminOf(Map<String, Object> claims) {
    return claims != null && Boolean.TRUE.equals(claims.get(Caller.ADMIN_CLAIM));
  }

  /** The {@value #TIER_CLAIM} claim when it is a non-blank string, else {@code defaultTier}. */
  static String tierOf(Map<String, Object> claims, String defaultTier) {
    return claims.get(TIER_CLAIM) instanceof String tier && !tier.isBlank() ? tier : defaultTier;
  }
}
