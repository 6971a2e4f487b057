package dev.darkroom.gcp;

import com.google.firebase.auth.AuthErrorCode;
import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.FirebaseAuthException;
import com.google.firebase.auth.UserRecord;
import dev.darkroom.core.auth.Account;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.port.AccountDirectory;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link AccountDirectory} on the Firebase Admin SDK: one {@code getUser} call (Identity Toolkit's
 * account lookup) per question; callers remember answers ({@code ApiKeys} for a minute). The tier
 * is the {@value FirebaseIdTokenVerifier#TIER_CLAIM} custom claim and administrators have
 * {@code admin: true}, as for ID tokens.
 */
public final class FirebaseAccountDirectory implements AccountDirectory {
  private final FirebaseAuth auth;

  public FirebaseAccountDirectory(FirebaseAuth auth) {
    this.auth = auth;
  }

  @Override
  public Optional<Account> find(String userId) throws AuthFailure {
    UserRecord user;
    try {
      user = auth.getUser(userId);
    } catch (FirebaseAuthException e) {
      if (e.getAuthErrorCode() == AuthErrorCode.USER_NOT_FOUND) {
        return Optional.empty();
      }
      throw new AuthFailure(AuthFailure.Reason.UNAVAILABLE, "Firebase Auth could not look the account up ("
          + (e.getAuthErrorCode() != null ? e.getAuthErrorCode() : e.getErrorCode()) + ")", e);
    } catch (RuntimeException e) {
      throw new AuthFailure(AuthFailure.Reason.UNAVAILABLE, "Firebase Auth could not look the account up ("
          + e.getClass().getSimpleName() + ")", e);
    }
    // 0 when the user never signed out everywhere.
    long validAfter = user.getTokensValidAfterTimestamp();
    return Optional.of(new Account(user.getUid(), user.isDisabled(),
        validAfter > 0 ? Instant.ofEpochMilli(validAfter) : null,
        FirebaseIdTokenVerifier.tierOf(user.getCustomClaims(), null),
        FirebaseIdTokenVerifier.adminOf(user.getCustomClaims())));
  }
}
