package dev.darkroom.gcp;

import com.google.firebase.auth.AuthErrorCode;
import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.FirebaseAuthException;
import com.google.firebase.auth.UserRecord;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.AuthFailure.Reason;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.core.port.ApiKeyStore;
import dev.darkroom.core.port.CallerStanding;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link CallerStanding} from Firebase Auth's user record ({@code disabled},
 * {@code tokensValidAfterTimestamp}, which {@code revokeRefreshTokens} moves) and, for a key, its
 * row in the key store (revoked or gone). One user lookup per call: {@code StandingRecheck} calls
 * it at most once a minute per caller.
 */
public final class FirebaseCallerStanding implements CallerStanding {
  private final FirebaseAuth auth;
  private final ApiKeyStore keys;

  public FirebaseCallerStanding(FirebaseAuth auth, ApiKeyStore keys) {
    this.auth = auth;
    this.keys = keys;
  }

  @Override
  public Instant sessionsValidAfter(Caller caller) throws AuthFailure {
    if (caller.method() == Caller.Method.API_KEY) {
      Optional<StoredApiKey> key;
      try {
        key = keys.find(caller.keyId());
      } catch (RuntimeException e) {
        throw new AuthFailure(Reason.UNAVAILABLE, "the key store could not be asked", e);
      }
      if (key.isEmpty() || key.get().revoked()) {
        throw new AuthFailure(Reason.REVOKED, "this API key was revoked");
      }
    }
    UserRecord user;
    try {
      user = auth.getUser(caller.userId());
    } catch (FirebaseAuthException e) {
      if (e.getAuthErrorCode() == AuthErrorCode.USER_NOT_FOUND) {
        throw new AuthFailure(Reason.INVALID, "the account no longer exists");
      }
      throw new AuthFailure(Reason.UNAVAILABLE, "Firebase Auth could not be asked about the account", e);
    } catch (RuntimeException e) {
      throw new AuthFailure(Reason.UNAVAILABLE, "Firebase Auth could not be asked about the account", e);
    }
    if (user.isDisabled()) {
      throw new AuthFailure(Reason.DISABLED, "the account is disabled");
    }
    return Instant.ofEpochMilli(user.getTokensValidAfterTimestamp());
  }
}
