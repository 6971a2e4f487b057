package dev.darkroom.core.usecase;

import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.port.IdTokenVerifier;
import dev.darkroom.testing.InMemoryAccountDirectory;
import dev.darkroom.testing.InMemoryApiKeyStore;
import dev.darkroom.testing.ManualClock;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthenticatorTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final InMemoryAccountDirectory accounts = new InMemoryAccountDirectory(clock);
  private final ApiKeys keys = new ApiKeys(new InMemoryApiKeyStore(), accounts, new byte[32], "free", clock);
  // Accepts exactly one token, as Firebase would accept one user's.
  private final IdTokenVerifier firebase = (token, defaultTier) -> {
    if (!token.equals("good.id.token")) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, "bad token");
    }
    return Caller.idToken("alice", defaultTier);
  };
  private final Authenticator auth = Authenticator.required(firebase, keys, "free");

  private String key() {
    accounts.add("alice", "pro");
    return ((ApiKeys.Creation.Created) keys.create(Caller.idToken("alice", "pro"), "ci")).key();
  }

  private static void refused(ThrowingCallable call, AuthFailure.Reason reason) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AuthFailure.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void aBearerIdTokenIsVerifiedWithTheDefaultTier() throws Exception {
    assertThat(auth.authenticate("Bearer good.id.token", null)).isEqualTo(Caller.idToken("alice", "free"));
    assertThat(auth.authenticate("bearer   good.id.token ", null)).isEqualTo(Caller.idToken("alice", "free"));
    refused(() -> auth.authenticate("Bearer bad.id.token", null), AuthFailure.Reason.INVALID);
  }

  @Test
  void anApiKeyComesAsBearerOrAsXApiKey() throws Exception {
    String key = key();
    assertThat(auth.authenticate("Bearer " + key, null).method()).isEqualTo(Caller.Method.API_KEY);
    assertThat(auth.authenticate(null, key).userId()).isEqualTo("alice");
    assertThat(auth.authenticate(null, key).tier()).isEqualTo("pro");
    // X-API-Key is only ever a key: an ID token there is not tried with Firebase.
    refused(() -> auth.authenticate(null, "good.id.token"), AuthFailure.Reason.INVALID);
  }

  @Test
  void noCredentialTwoCredentialsOrAnotherSchemeIsRefused() {
    refused(() -> auth.authenticate(null, null), AuthFailure.Reason.MISSING);
    refused(() -> auth.authenticate("  ", " "), AuthFailure.Reason.MISSING);
    refused(() -> auth.authenticate("Bearer ", null), AuthFailure.Reason.MISSING);
    refused(() -> auth.authenticate("Basic YWxpY2U6c2VjcmV0", null), AuthFailure.Reason.INVALID);
    refused(() -> auth.authenticate("good.id.token", null), AuthFailure.Reason.INVALID);
    refused(() -> auth.authenticate("Bearer good.id.token", key()), AuthFailure.Reason.INVALID);
    refused(() -> auth.authenticate("Bearer " + "x".repeat(10_000), null), AuthFailure.Reason.INVALID);
  }

  @Test
  void theLocalStackWithoutAuthenticationIsTheLocalUser() throws Exception {
    Authenticator local = Authenticator.localUser("standard");
    assertThat(local.required()).isFalse();
    assertThat(local.authenticate(null, null)).isEqualTo(Caller.local("standard"));
    assertThat(auth.required()).isTrue();
  }
}
