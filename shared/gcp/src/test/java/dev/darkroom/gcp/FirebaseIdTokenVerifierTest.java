package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpRequest;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.ErrorCode;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.auth.AuthErrorCode;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.AuthFailure.Reason;
import dev.darkroom.core.auth.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Firebase Admin SDK in production mode (signatures checked) against a fake Google: its
 * HttpTransport serves our own "Google" signing certificate and answers the user lookups of the
 * revocation check. The Auth emulator cannot show this part: in emulator mode the SDK skips
 * signature checks altogether ({@link FirebaseIdTokenVerifierIT} covers the rest against it).
 */
class FirebaseIdTokenVerifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROJECT = "demo-darkroom";
  private static final String KID = "google-key-1";
  private static final String CERTS_URL =
      "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com";
  private static final String LOOKUP_URL =
      "https://identitytoolkit.googleapis.com/v1/projects/" + PROJECT + "/accounts:lookup";

  private static PrivateKey googleKey;
  private static String googleCertificate;

  /** Google's status and body for the certificates and for the user lookup. */
  private int certsStatus = 200;
  private int lookupStatus = 200;
  private String lookupBody;
  private final List<String> requested = new CopyOnWriteArrayList<>();
  private FirebaseApp app;

  @BeforeAll
  static void googleSigningKey(@TempDir Path dir) throws Exception {
    assertThat(com.google.firebase.auth.internal.Utils.isEmulatorMode())
        .as("FIREBASE_AUTH_EMULATOR_HOST is set: this test needs the SDK in production mode").isFalse();
    // GooglePublicKeysManager reads X.509 certificates; the JDK makes one only through keytool.
    Path store = dir.resolve("google.p12");
    char[] password = "test-only".toCharArray();
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "google", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
        "-dname", "CN=securetoken test", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", "test-only", "-keypass", "test-only")
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor()).as(output).isZero();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, password);
    }
    googleKey = (PrivateKey) keyStore.getKey("google", password);
    googleCertificate = "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keyStore.getCertificate("google").getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  @AfterEach
  void deleteApp() {
    if (app != null) {
      app.delete();
    }
  }

  private FirebaseIdTokenVerifier verifier() {
    return verifier(java.time.Clock.systemUTC());
  }

  private FirebaseIdTokenVerifier verifier(java.time.Clock clock) {
    MockHttpTransport google = new MockHttpTransport() {
      @Override
      public LowLevelHttpRequest buildRequest(String method, String url) {
        requested.add(url);
        return new MockLowLevelHttpRequest(url) {
          @Override
          public LowLevelHttpResponse execute() throws IOException {
            MockLowLevelHttpResponse response = new MockLowLevelHttpResponse().setContentType("application/json");
            if (url.equals(CERTS_URL)) {
              return response.setStatusCode(certsStatus)
                  .setContent(certsStatus == 200 ? JSON.writeValueAsString(Map.of(KID, googleCertificate)) : "{}");
            }
            if (url.equals(LOOKUP_URL)) {
              return response.setStatusCode(lookupStatus).setContent(lookupBody);
            }
            return response.setStatusCode(404).setContent("{}");
          }
        };
      }
    };
    app = FirebaseApp.initializeApp(FirebaseOptions.builder()
        .setCredentials(GoogleCredentials.create(new AccessToken("test-token", new Date(Long.MAX_VALUE / 2))))
        .setProjectId(PROJECT)
        .setHttpTransport(google)
        .build(), "id-token-test-" + System.nanoTime());
    return new FirebaseIdTokenVerifier(app, clock);
  }

  private void userIs(String uid, boolean disabled, long validSinceSeconds) {
    lookupBody = "{\"users\":[{\"localId\":\"" + uid + "\",\"disabled\":" + disabled
        + ",\"validSince\":\"" + validSinceSeconds + "\"}]}";
  }

  // --- Tokens as Firebase Auth issues them, signed by a key of our choosing. ---

  private static ObjectNode claims(String uid, long issuedAt) {
    ObjectNode claims = JSON.createObjectNode()
        .put("iss", "https://securetoken.google.com/" + PROJECT)
        .put("aud", PROJECT)
        .put("auth_time", issuedAt)
        .put("user_id", uid)
        .put("sub", uid)
        .put("iat", issuedAt)
        .put("exp", issuedAt + 3600);
    claims.putObject("firebase").put("sign_in_provider", "password");
    return claims;
  }

  private static String signed(ObjectNode claims, PrivateKey key, String kid) throws Exception {
    String header = b64(JSON.writeValueAsBytes(JSON.createObjectNode().put("alg", "RS256").put("kid", kid).put("typ", "JWT")));
    String body = header + "." + b64(JSON.writeValueAsBytes(claims));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(key);
    rsa.update(body.getBytes(StandardCharsets.US_ASCII));
    return body + "." + b64(rsa.sign());
  }

  private static String unsigned(ObjectNode claims) throws Exception {
    return b64(JSON.writeValueAsBytes(JSON.createObjectNode().put("alg", "none").put("typ", "JWT")))
        + "." + b64(JSON.writeValueAsBytes(claims)) + ".";
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  private static String googleSigned(String uid, Consumer<ObjectNode> edit) throws Exception {
    ObjectNode claims = claims(uid, now() - 60);
    edit.accept(claims);
    return signed(claims, googleKey, KID);
  }

  private static AuthFailure refusal(FirebaseIdTokenVerifier verifier, String token) {
    return TokenRefusals.refusal(verifier, token);
  }


  // --- Verification in production mode. ---

  @Test
  void aTokenSignedByGoogleNamesItsUserWithTheDefaultTier() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    userIs("user-1", false, now() - 3600);

    Caller caller = verifier.verify(googleSigned("user-1", c -> { }), "free");

    assertThat(caller).isEqualTo(Caller.idToken("user-1", "free"));
    assertThat(requested).as("certificates fetched, then the user looked up").containsExactly(CERTS_URL, LOOKUP_URL);
  }

  @Test
  void theTierClaimSetsTheTier() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    userIs("user-1", false, now() - 3600);

    Caller caller = verifier.verify(googleSigned("user-1", c -> c.put("tier", "pro")), "free");

    assertThat(caller.tier()).isEqualTo("pro");
  }

  @Test
  void aTokenSignedByAnotherKeyIsInvalidEvenWithGooglesKeyId() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    userIs("user-1", false, now() - 3600);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey stranger = generator.generateKeyPair().getPrivate();

    AuthFailure failure = refusal(verifier, signed(claims("user-1", now() - 60), stranger, KID));

    assertThat(failure.reason()).isEqualTo(Reason.INVALID);
    assertThat(requested).doesNotContain(LOOKUP_URL);
  }

  @Test
  void anEmulatorTokenIsInvalidOutsideEmulatorMode() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    userIs("user-1", false, now() - 3600);

    assertThat(refusal(verifier, unsigned(claims("user-1", now() - 60))).reason()).isEqualTo(Reason.INVALID);
  }

  @Test
  void aTokenOfAnotherProjectIsInvalid() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    userIs("user-1", false, now() - 3600);

    String token = googleSigned("user-1", c -> c.put("aud", "demo-elsewhere")
        .put("iss", "https://securetoken.google.com/demo-elsewhere"));

    assertThat(refusal(verifier, token).reason()).isEqualTo(Reason.INVALID);
  }

  @Test
  void anExpiredTokenIsExpired() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    userIs("user-1", false, now() - 7 * 3600);

    String token = signed(claims("user-1", now() - 3 * 3600), googleKey, KID);

    assertThat(refusal(verifier, token).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void aTokenIssuedBeforeTheSessionsWereRevokedIsRevoked() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    long issuedAt = now() - 60;
    userIs("user-1", false, issuedAt + 1);

    assertThat(refusal(verifier, signed(claims("user-1", issuedAt), googleKey, KID)).reason())
        .isEqualTo(Reason.REVOKED);
  }

  @Test
  void aRevokedTokenStopsWorkingWithinAMinuteAndIsLookedUpAtMostOnceAMinute() throws Exception {
    dev.darkroom.testing.ManualClock clock = new dev.darkroom.testing.ManualClock(Instant.now());
    FirebaseIdTokenVerifier verifier = verifier(clock);
    long issuedAt = now() - 60;
    userIs("user-1", false, issuedAt - 3600);
    String token = signed(claims("user-1", issuedAt), googleKey, KID);

    assertThat(verifier.verify(token, "free")).isEqualTo(Caller.idToken("user-1", "free"));
    clock.advance(java.time.Duration.ofSeconds(59));
    userIs("user-1", false, issuedAt + 1); // the user's sessions are revoked
    assertThat(verifier.verify(token, "free")).as("checked 59 s ago").isEqualTo(Caller.idToken("user-1", "free"));
    assertThat(requested.stream().filter(LOOKUP_URL::equals)).as("one lookup for both").hasSize(1);

    clock.advance(java.time.Duration.ofSeconds(1));
    assertThat(refusal(verifier, token).reason()).isEqualTo(Reason.REVOKED);
    assertThat(refusal(verifier, token).reason()).as("a refused token is looked up again").isEqualTo(Reason.REVOKED);
    assertThat(requested.stream().filter(LOOKUP_URL::equals)).hasSize(3);
  }

  @Test
  void aTokenOfADisabledUserIsDisabled() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    userIs("user-1", true, now() - 3600);

    assertThat(refusal(verifier, googleSigned("user-1", c -> { })).reason()).isEqualTo(Reason.DISABLED);
  }

  @Test
  void aTokenOfAUserWhoNoLongerExistsIsInvalid() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    lookupBody = "{}";

    assertThat(refusal(verifier, googleSigned("user-gone", c -> { })).reason()).isEqualTo(Reason.INVALID);
  }

  @Test
  void garbageAndEmptyTokensAreInvalid() {
    FirebaseIdTokenVerifier verifier = verifier();

    assertThat(refusal(verifier, "not-a-jwt").reason()).isEqualTo(Reason.INVALID);
    assertThat(refusal(verifier, "a.b.c").reason()).isEqualTo(Reason.INVALID);
    assertThat(refusal(verifier, "").reason()).isEqualTo(Reason.INVALID);
    assertThat(refusal(verifier, null).reason()).isEqualTo(Reason.INVALID);
    assertThat(requested).isEmpty();
  }

  @Test
  void noCertificatesFromGoogleMeansUnavailable() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    certsStatus = 500;

    AuthFailure failure = refusal(verifier, googleSigned("user-1", c -> { }));

    assertThat(failure.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(failure.getCause()).isNotNull();
  }

  @Test
  void aFailingUserLookupMeansUnavailable() throws Exception {
    FirebaseIdTokenVerifier verifier = verifier();
    lookupStatus = 500;
    lookupBody = "{\"error\":{\"code\":500,\"message\":\"INTERNAL_ERROR\",\"status\":\"INTERNAL\"}}";

    AuthFailure failure = refusal(verifier, googleSigned("user-1", c -> { }));

    assertThat(failure.reason()).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void anAppWithoutProjectIsRefusedAtOnce() {
    app = FirebaseApp.initializeApp(FirebaseOptions.builder()
        .setCredentials(GoogleCredentials.create(new AccessToken("test-token", new Date(Long.MAX_VALUE / 2))))
        .build(), "id-token-test-" + System.nanoTime());

    assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new FirebaseIdTokenVerifier(app)))
        .hasMessageContaining("project id");
  }

  // --- The mapping and the tier, alone. ---

  @Test
  void everyAuthErrorCodeMapsToTheCallersFaultOnlyWhenItIsAboutTheToken() {
    Map<AuthErrorCode, Reason> expected = new HashMap<>();
    for (AuthErrorCode code : AuthErrorCode.values()) {
      expected.put(code, Reason.UNAVAILABLE);
    }
    expected.put(AuthErrorCode.EXPIRED_ID_TOKEN, Reason.EXPIRED);
    expected.put(AuthErrorCode.REVOKED_ID_TOKEN, Reason.REVOKED);
    expected.put(AuthErrorCode.USER_DISABLED, Reason.DISABLED);
    expected.put(AuthErrorCode.INVALID_ID_TOKEN, Reason.INVALID);
    expected.put(AuthErrorCode.USER_NOT_FOUND, Reason.INVALID);
    expected.put(AuthErrorCode.TENANT_ID_MISMATCH, Reason.INVALID);
    expected.put(AuthErrorCode.TENANT_NOT_FOUND, Reason.INVALID);

    expected.forEach((code, reason) ->
        assertThat(FirebaseIdTokenVerifier.reasonFor(code, ErrorCode.INVALID_ARGUMENT)).as(code.name()).isEqualTo(reason));
    assertThat(FirebaseIdTokenVerifier.reasonFor(AuthErrorCode.CERTIFICATE_FETCH_FAILED, ErrorCode.UNKNOWN))
        .isEqualTo(Reason.UNAVAILABLE);
    assertThat(FirebaseIdTokenVerifier.reasonFor(AuthErrorCode.INVALID_ID_TOKEN, ErrorCode.UNKNOWN))
        .as("the JVM could not check a signature").isEqualTo(Reason.UNAVAILABLE);
    assertThat(FirebaseIdTokenVerifier.reasonFor(null, ErrorCode.UNAVAILABLE)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(FirebaseIdTokenVerifier.reasonFor(null, ErrorCode.PERMISSION_DENIED)).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void theTierIsANonBlankStringClaimOrTheDefault() {
    assertThat(FirebaseIdTokenVerifier.tierOf(Map.of("tier", "pro"), "free")).isEqualTo("pro");
    assertThat(FirebaseIdTokenVerifier.tierOf(Map.of(), "free")).isEqualTo("free");
    assertThat(FirebaseIdTokenVerifier.tierOf(Map.of("tier", " "), "free")).isEqualTo("free");
    assertThat(FirebaseIdTokenVerifier.tierOf(Map.of("tier", 3), "free")).isEqualTo("free");
    assertThat(FirebaseIdTokenVerifier.tierOf(Map.of("tier", List.of("pro")), "free")).isEqualTo("free");
  }
}
