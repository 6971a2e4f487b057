package dev.darkroom.core.port;

import dev.darkroom.core.auth.Account;
import dev.darkroom.core.auth.AuthFailure;
import java.util.Optional;

/** Users' accounts as the identity provider holds them now (Firebase Auth in the cloud). */
public interface AccountDirectory {

  /**
   * @return the user's account, or empty when no such user exists (deleted, or never was)
   * @throws AuthFailure UNAVAILABLE when the identity provider cannot be asked
   */
  Optional<Account> find(String userId) throws AuthFailure;
}
