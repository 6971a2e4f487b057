package dev.darkroom.core.port;

import dev.darkroom.core.auth.AuthFailure;
import java.time.Instant;

/** When the user behind a Firebase ID token signed in (its {@code auth_time} claim). */
public interface SignInTimes {

  /**
   * @param idToken a token the request was already authenticated with
   * @throws AuthFailure INVALID when it is no ID token of ours; UNAVAILABLE when Firebase cannot be asked
   */
  Instant signedInAt(String idToken) throws AuthFailure;
}
