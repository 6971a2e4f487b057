package dev.darkroom.gcp;

import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.FirebaseAuthException;
import com.google.firebase.auth.FirebaseToken;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.AuthFailure.Reason;
import dev.darkroom.core.port.SignInTimes;
import java.time.Instant;

/**
 * {@link SignInTimes} from the ID token's {@code auth_time} claim (seconds since the epoch), read
 * after the Admin SDK checked the token's signature, project and expiry, in process (the
 * authenticator checked its revocation already).
 */
public final class FirebaseSignInTimes implements SignInTimes {
  private final FirebaseAuth auth;

  public FirebaseSignInTimes(FirebaseAuth auth) {
    this.auth = auth;
  }

  @Override
  public Instant signedInAt(String idToken) throws AuthFailure {
    FirebaseToken token;
    try {
      token = auth.verifyIdToken(idToken, false);
    } catch (FirebaseAuthException e) {
      Reason reason = FirebaseIdTokenVerifier.reasonFor(e.getAuthErrorCode(), e.getErrorCode());
      if (reason == Reason.UNAVAILABLE) {
        throw new AuthFailure(reason, "Firebase Auth could not read the ID token", e);
      }
      throw new AuthFailure(reason, "the ID token could not be read again (" + reason + ")");
    } catch (RuntimeException e) {
      throw new AuthFailure(Reason.UNAVAILABLE, "Firebase Auth could not read the ID token", e);
    }
    if (!(token.getClaims().get("auth_time") instanceof Number seconds)) {
      throw new AuthFailure(Reason.INVALID, "the ID token has no auth_time");
    }
    return Instant.ofEpochSecond(seconds.longValue());
  }
}
