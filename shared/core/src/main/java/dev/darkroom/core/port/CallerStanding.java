package dev.darkroom.core.port;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import java.time.Instant;

/**
 * The current standing of an authenticated caller's account and key (Firebase Auth and the key
 * store in the cloud), for what a credential opened and keeps open: sockets and event streams.
 */
public interface CallerStanding {

  /**
   * @return the moment before which the user's sessions were revoked ("signed out everywhere"), or
   *     {@link Instant#EPOCH} if they never were: what was authenticated before it must end
   * @throws AuthFailure DISABLED (the account is disabled), INVALID (the account is gone), REVOKED
   *     (the caller's API key was revoked); UNAVAILABLE when the answer cannot be had now
   */
  Instant sessionsValidAfter(Caller caller) throws AuthFailure;
}
