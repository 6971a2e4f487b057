package dev.darkroom.gcp;

import dev.darkroom.core.auth.Account;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.AuthFailure.Reason;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.core.port.AccountDirectory;
import dev.darkroom.core.port.ApiKeyStore;
import dev.darkroom.core.port.CallerStanding;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link CallerStanding} from the caller's account in Firebase Auth, read through the
 * {@link AccountDirectory} ({@code disabled}, and {@code tokensValidAfter}, which
 * {@code revokeRefreshTokens} moves) and, for a key, its row in the key store (revoked or gone).
 * One account lookup per call: {@code StandingRecheck} calls it at most once a minute per caller.
 */
public final class FirebaseCallerStanding implements CallerStanding {
  private final AccountDirectory accounts;
  private final ApiKeyStore keys;

  public FirebaseCallerStanding(AccountDirectory accounts, ApiKeyStore keys) {
    this.accounts = accounts;
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
    Account account = accounts.find(caller.userId())
        .orElseThrow(() -> new AuthFailure(Reason.INVALID, "the account no longer exists"));
    if (account.disabled()) {
      throw new AuthFailure(Reason.DISABLED, "the account is disabled");
    }
    // Null when the user never signed out everywhere.
    return account.tokensValidAfter() != null ? account.tokensValidAfter() : Instant.EPOCH;
  }
}
