package dev.darkroom.core.port;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;

/** Verifies a Firebase ID token (the Firebase Admin SDK in the cloud), revocation included. */
public interface IdTokenVerifier {
  /**
   * @return the caller the token names; its tier is the token's {@code tier} custom claim, or
   *     {@code defaultTier} when it has none
   * @throws AuthFailure INVALID, EXPIRED, REVOKED or DISABLED; UNAVAILABLE when Firebase cannot be asked
   */
  Caller verify(String idToken, String defaultTier) throws AuthFailure;
}
