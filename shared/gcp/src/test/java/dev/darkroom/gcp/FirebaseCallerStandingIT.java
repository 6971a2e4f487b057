package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.internal.FirebaseProcessEnvironment;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.AuthFailure.Reason;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.emulators.firebase.FirebaseAuthEmulator;
import dev.darkroom.emulators.firebase.FirebaseAuthEmulator.SignedInUser;
import dev.darkroom.testing.InMemoryApiKeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FirebaseCallerStanding} and {@link FirebaseSignInTimes} against firebase-tools' Auth
 * emulator (set up as {@link FirebaseIdTokenVerifierIT} explains): what keeps a socket or stream
 * open, and how recent a sign-in is, from real user records and tokens.
 */
class FirebaseCallerStandingIT {
  private static final String PROJECT = "demo-darkroom-standing";
  private static final String PASSWORD = "not-a-secret-1";

  private static FirebaseAuthEmulator emulator;
  private FirebaseApp app;
  private FirebaseAuth auth;
  private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();

  @BeforeAll
  static void startEmulator() {
    emulator = FirebaseAuthEmulator.start(0, PROJECT);
    FirebaseProcessEnvironment.setenv(FirebaseAuthEmulator.HOST_VARIABLE, emulator.hostPort());
  }

  @AfterAll
  static void stopEmulator() {
    FirebaseProcessEnvironment.clearCache();
    if (emulator != null) {
      emulator.close();
    }
  }

  @BeforeEach
  void createApp() {
    app = FirebaseApp.initializeApp(FirebaseOptions.builder()
        .setCredentials(GoogleCredentials.create(new AccessToken("unused", new Date(Long.MAX_VALUE / 2))))
        .setProjectId(PROJECT)
        .build(), "standing-it-" + System.nanoTime());
    auth = FirebaseAuth.getInstance(app);
  }

  @AfterEach
  void deleteApp() {
    app.delete();
  }

  private static SignedInUser newUser() {
    return emulator.createUser("u-" + UUID.randomUUID() + "@example.com", PASSWORD);
  }

  private FirebaseCallerStanding standing() {
    return new FirebaseCallerStanding(new FirebaseAccountDirectory(auth), keys);
  }

  @Test
  void revokingSessionsMovesTheMomentSessionsAreValidAfter() throws Exception {
    SignedInUser user = newUser();
    Caller caller = Caller.idToken(user.uid(), "free");
    Instant before = standing().sessionsValidAfter(caller);
    assertThat(before).isBeforeOrEqualTo(Instant.now());

    Instant revokedAt = Instant.now();
    emulator.revokeSessions(user.uid());

    // Firebase keeps whole seconds: the new moment is at or after the second the revocation began in.
    assertThat(standing().sessionsValidAfter(caller)).isAfter(before)
        .isAfterOrEqualTo(revokedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  void aDisabledAccountIsDisabledAndADeletedOneInvalid() throws Exception {
    SignedInUser disabled = newUser();
    emulator.disableUser(disabled.uid());
    assertThat(catchThrowableOfType(() -> standing().sessionsValidAfter(Caller.idToken(disabled.uid(), "free")),
        AuthFailure.class).reason()).isEqualTo(Reason.DISABLED);

    SignedInUser deleted = newUser();
    auth.deleteUser(deleted.uid());
    assertThat(catchThrowableOfType(() -> standing().sessionsValidAfter(Caller.idToken(deleted.uid(), "free")),
        AuthFailure.class).reason()).isEqualTo(Reason.INVALID);
  }

  @Test
  void aRevokedKeyIsRevokedWhileTheAccountStands() throws Exception {
    SignedInUser user = newUser();
    keys.insert(new StoredApiKey("k1", user.uid(), "", "free", new byte[16], new byte[32], Instant.now(), null, null));
    Caller byKey = Caller.apiKey(user.uid(), "free", "k1");
    standing().sessionsValidAfter(byKey);

    keys.revoke(user.uid(), "k1", Instant.now());

    assertThat(catchThrowableOfType(() -> standing().sessionsValidAfter(byKey), AuthFailure.class).reason())
        .isEqualTo(Reason.REVOKED);
    assertThat(standing().sessionsValidAfter(Caller.idToken(user.uid(), "free"))).isBeforeOrEqualTo(Instant.now());
  }

  @Test
  void aTokensSignInTimeIsWhenItsUserSignedIn() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    SignedInUser user = newUser();

    Instant signedInAt = new FirebaseSignInTimes(auth).signedInAt(user.idToken());

    assertThat(signedInAt).isBetween(before.minus(Duration.ofSeconds(1)), Instant.now().plusSeconds(1));
    assertThat(catchThrowableOfType(() -> new FirebaseSignInTimes(auth).signedInAt("not-a-token"), AuthFailure.class)
        .reason()).isEqualTo(Reason.INVALID);
  }
}
