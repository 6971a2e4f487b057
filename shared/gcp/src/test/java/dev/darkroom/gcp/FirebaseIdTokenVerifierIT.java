package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.internal.FirebaseProcessEnvironment;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.AuthFailure.Reason;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.emulators.LoopbackPorts;
import dev.darkroom.emulators.firebase.FirebaseAuthEmulator;
import dev.darkroom.emulators.firebase.FirebaseAuthEmulator.SignedInUser;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FirebaseIdTokenVerifier} against firebase-tools' Auth emulator: real users, real sign-ins,
 * real revocations, with the Admin SDK in emulator mode. That mode is process-wide and read from
 * {@code FIREBASE_AUTH_EMULATOR_HOST}; a test cannot set its own JVM's environment, so it uses the
 * SDK's own override for tests ({@link FirebaseProcessEnvironment}), and clears it after. In this
 * mode the SDK does not check signatures ({@link FirebaseIdTokenVerifierTest} does, in production
 * mode).
 */
class FirebaseIdTokenVerifierIT {
  private static final String PROJECT = "demo-darkroom-auth";
  private static final String PASSWORD = "not-a-secret-1";

  private static FirebaseAuthEmulator emulator;
  private FirebaseApp app;

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

  @AfterEach
  void deleteApp() {
    if (app != null) {
      app.delete();
    }
  }

  /** Read by the verifier for when a token was last checked for revocation. */
  private final dev.darkroom.testing.ManualClock clock = new dev.darkroom.testing.ManualClock(java.time.Instant.now());

  /** The verifier as production builds it, but for the emulator's project. */
  private FirebaseIdTokenVerifier verifier() {
    app = FirebaseApp.initializeApp(FirebaseOptions.builder()
        // Any credentials: in emulator mode the SDK sends the emulator's own ("owner").
        .setCredentials(GoogleCredentials.create(new AccessToken("unused", new Date(Long.MAX_VALUE / 2))))
        .setProjectId(PROJECT)
        .build(), "id-token-it-" + System.nanoTime());
    return new FirebaseIdTokenVerifier(app, clock);
  }

  private static SignedInUser newUser() {
    return emulator.createUser("u-" + UUID.randomUUID() + "@example.com", PASSWORD);
  }

  private static AuthFailure refusal(FirebaseIdTokenVerifier verifier, String token) {
    return TokenRefusals.refusal(verifier, token);
  }


  @Test
  void aSignedInUsersTokenNamesThemWithTheDefaultTier() throws AuthFailure {
    SignedInUser user = newUser();

    Caller caller = verifier().verify(user.idToken(), "free");

    assertThat(caller.userId()).isEqualTo(user.uid());
    assertThat(caller.method()).isEqualTo(Caller.Method.ID_TOKEN);
    assertThat(caller.tier()).isEqualTo("free");
    assertThat(caller.keyId()).isNull();
  }

  @Test
  void theTierCustomClaimSetsTheTier() throws AuthFailure {
    SignedInUser user = newUser();
    emulator.setCustomClaims(user.uid(), Map.of("tier", "pro"));
    SignedInUser again = emulator.signIn(user.email(), PASSWORD);

    FirebaseIdTokenVerifier verifier = verifier();

    assertThat(verifier.verify(again.idToken(), "free").tier()).isEqualTo("pro");
    assertThat(verifier.verify(user.idToken(), "free").tier()).as("a token from before the claim").isEqualTo("free");
  }

  @Test
  void onlyTheAdminClaimSetToTrueMakesAnAdministrator() throws AuthFailure {
    SignedInUser user = newUser();
    FirebaseIdTokenVerifier verifier = verifier();
    assertThat(verifier.verify(user.idToken(), "free").admin()).isFalse();

    emulator.setCustomClaims(user.uid(), Map.of("admin", "true"));
    assertThat(verifier.verify(emulator.signIn(user.email(), PASSWORD).idToken(), "free").admin())
        .as("the string \"true\" is not the claim").isFalse();
    emulator.setCustomClaims(user.uid(), Map.of("admin", true, "tier", "pro"));
    Caller admin = verifier.verify(emulator.signIn(user.email(), PASSWORD).idToken(), "free");
    assertThat(admin.admin()).isTrue();
    assertThat(admin.tier()).isEqualTo("pro");
  }

  @Test
  void anExpiredTokenIsExpiredNotInvalid() {
    SignedInUser user = newUser();

    AuthFailure failure = refusal(verifier(), emulator.expiredCopyOf(user.idToken()));

    assertThat(failure.reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void revokedSessionsRefuseEarlierTokensAndANewSignInWorks() throws AuthFailure {
    SignedInUser user = newUser();
    FirebaseIdTokenVerifier verifier = verifier();
    assertThat(verifier.verify(user.idToken(), "free").userId()).isEqualTo(user.uid());

    emulator.revokeSessions(user.uid());
    // A token that passed the check is trusted for up to a minute, then checked again.
    clock.advance(FirebaseIdTokenVerifier.REVOCATION_RECHECK);

    assertThat(refusal(verifier, user.idToken()).reason()).isEqualTo(Reason.REVOKED);
    SignedInUser again = emulator.signIn(user.email(), PASSWORD);
    assertThat(verifier.verify(again.idToken(), "free").userId()).isEqualTo(user.uid());
  }

  @Test
  void aDisabledUsersTokenIsDisabled() throws AuthFailure {
    SignedInUser user = newUser();
    FirebaseIdTokenVerifier verifier = verifier();
    assertThat(verifier.verify(user.idToken(), "free").userId()).isEqualTo(user.uid());

    emulator.disableUser(user.uid());
    clock.advance(FirebaseIdTokenVerifier.REVOCATION_RECHECK);

    assertThat(refusal(verifier, user.idToken()).reason()).isEqualTo(Reason.DISABLED);
  }

  @Test
  void anotherProjectsTokenIsInvalid() {
    SignedInUser user = newUser();

    AuthFailure failure = refusal(verifier(), emulator.copyForProject(user.idToken(), "demo-elsewhere"));

    assertThat(failure.reason()).isEqualTo(Reason.INVALID);
  }

  @Test
  void garbageAndEmptyTokensAreInvalid() {
    FirebaseIdTokenVerifier verifier = verifier();

    assertThat(refusal(verifier, "garbage").reason()).isEqualTo(Reason.INVALID);
    assertThat(refusal(verifier, "eyJhbGciOiJub25lIn0.e30.").reason()).as("{} as claims").isEqualTo(Reason.INVALID);
    assertThat(refusal(verifier, "").reason()).isEqualTo(Reason.INVALID);
    assertThat(refusal(verifier, "  ").reason()).isEqualTo(Reason.INVALID);
  }

  /**
   * In emulator mode the SDK checks no signature, so a token signed by any key is refused only
   * for what it claims: here, a user the project does not have.
   */
  @Test
  void aTokenSignedByARandomKeyForAnUnknownUserIsInvalid() throws Exception {
    SignedInUser user = newUser();
    Map<String, Object> claims = new LinkedHashMap<>();
    FirebaseAuthEmulator.claimsOf(user.idToken()).fields()
        .forEachRemaining(e -> claims.put(e.getKey(), e.getValue()));
    claims.put("sub", "nobody-" + UUID.randomUUID());
    claims.put("user_id", claims.get("sub"));

    AuthFailure failure = refusal(verifier(), rs256(claims));

    assertThat(failure.reason()).isEqualTo(Reason.INVALID);
  }

  private static String rs256(Map<String, Object> claims) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey key = generator.generateKeyPair().getPrivate();
    ObjectMapper json = new ObjectMapper();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String body = b64.encodeToString(json.writeValueAsBytes(Map.of("alg", "RS256", "kid", "random", "typ", "JWT")))
        + "." + b64.encodeToString(json.writeValueAsBytes(claims));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(key);
    rsa.update(body.getBytes(StandardCharsets.US_ASCII));
    return body + "." + b64.encodeToString(rsa.sign());
  }

  /**
   * Firebase out of reach (nothing listening where the SDK looks users up): a 503, not the
   * caller's fault. The lookup address is fixed when the app's user manager is made, on its first
   * verification, so only that one sees the dead address.
   */
  @Test
  void firebaseOutOfReachIsUnavailable() {
    SignedInUser user = newUser();
    int nothingListens = LoopbackPorts.choose(0);
    FirebaseIdTokenVerifier verifier;
    AuthFailure failure;
    FirebaseProcessEnvironment.setenv(FirebaseAuthEmulator.HOST_VARIABLE, LoopbackPorts.HOST + ":" + nothingListens);
    try {
      verifier = verifier();
      failure = refusal(verifier, user.idToken());
    } finally {
      FirebaseProcessEnvironment.setenv(FirebaseAuthEmulator.HOST_VARIABLE, emulator.hostPort());
    }

    assertThat(failure.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(failure.getCause()).isNotNull();
  }
}
