package dev.darkroom.emulators.storage;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** URLs signed offline by the official client, checked at chosen instants. */
class SignedUrlVerifierTest {
  static final String EMAIL = "signer@test.iam.gserviceaccount.com";
  static final String HOST = "127.0.0.1:9999";
  static KeyPair keys;
  static URI url;
  static Instant signedAt;

  @BeforeAll
  static void sign() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    ServiceAccountCredentials credentials = ServiceAccountCredentials.newBuilder()
        .setClientEmail(EMAIL).setPrivateKey(keys.getPrivate()).setPrivateKeyId("k1").setClientId("1").build();
    Storage storage = StorageOptions.newBuilder().setProjectId("p")
        .setCredentials(NoCredentials.getInstance()).build().getService();
    signedAt = Instant.now();
    url = storage.signUrl(BlobInfo.newBuilder("bucket", "renders/a b+c~(1).png").build(), 60, TimeUnit.SECONDS,
        Storage.SignUrlOption.withV4Signature(), Storage.SignUrlOption.withHostName("http://" + HOST),
        Storage.SignUrlOption.signWith(credentials)).toURI();
  }

  static SignedUrlVerifier verifierAt(Instant now) {
    return new SignedUrlVerifier(Map.of(EMAIL, (RSAPublicKey) keys.getPublic()), Clock.fixed(now, ZoneOffset.UTC));
  }

  static SignedUrlVerifier.SignedRequest request(String method, String rawPath, String rawQuery, String host) {
    return new SignedUrlVerifier.SignedRequest(method, rawPath, QueryParams.parse(rawQuery),
        name -> name.equals("host") ? host : null);
  }

  @Test
  void acceptsTheUrlAsSignedForGetAndHead() {
    SignedUrlVerifier verifier = verifierAt(signedAt.plusSeconds(1));

    assertThatCode(() -> verifier.verify(request("GET", url.getRawPath(), url.getRawQuery(), HOST))).doesNotThrowAnyException();
    assertThatCode(() -> verifier.verify(request("HEAD", url.getRawPath(), url.getRawQuery(), HOST))).doesNotThrowAnyException();
  }

  @Test
  void refusesTheUrlOnceExpired() {
    SignedUrlVerifier verifier = verifierAt(signedAt.plus(Duration.ofSeconds(61)));

    assertRefused(() -> verifier.verify(request("GET", url.getRawPath(), url.getRawQuery(), HOST)), 400, "ExpiredToken");
  }

  @Test
  void refusesAnyChangeToWhatWasSigned() {
    SignedUrlVerifier verifier = verifierAt(signedAt.plusSeconds(1));
    String query = url.getRawQuery();
    char last = query.charAt(query.length() - 1);
    String flipped = query.substring(0, query.length() - 1) + (last == '0' ? '1' : '0');

    assertRefused(() -> verifier.verify(request("GET", url.getRawPath(), flipped, HOST)), 403, "SignatureDoesNotMatch");
    assertRefused(() -> verifier.verify(request("GET", url.getRawPath().replace("a%20b", "a%20c"), query, HOST)),
        403, "SignatureDoesNotMatch");
    assertRefused(() -> verifier.verify(request("GET", url.getRawPath(), query, "127.0.0.1:9998")), 403, "SignatureDoesNotMatch");
    assertRefused(() -> verifier.verify(request("DELETE", url.getRawPath(), query, HOST)), 403, "SignatureDoesNotMatch");
    assertRefused(() -> verifier.verify(request("GET", url.getRawPath(), query.replace("X-Goog-Expires=60", "X-Goog-Expires=600"), HOST)),
        403, "SignatureDoesNotMatch");
    assertRefused(() -> verifier.verify(request("GET", url.getRawPath(), query + "&extra=1", HOST)), 403, "SignatureDoesNotMatch");
  }

  @Test
  void refusesUnknownSignersAndMalformedUrls() {
    SignedUrlVerifier stranger = new SignedUrlVerifier(Map.of(), Clock.fixed(signedAt, ZoneOffset.UTC));
    SignedUrlVerifier verifier = verifierAt(signedAt.plusSeconds(1));
    String query = url.getRawQuery();

    assertRefused(() -> stranger.verify(request("GET", url.getRawPath(), query, HOST)), 403, "SignatureDoesNotMatch");
    assertRefused(() -> verifier.verify(request("GET", url.getRawPath(), query.replaceAll("&X-Goog-Date=[^&]*", ""), HOST)),
        400, "InvalidArgument");
    assertRefused(() -> verifier.verify(request("GET", url.getRawPath(), query.replace("X-Goog-Expires=60", "X-Goog-Expires=soon"), HOST)),
        400, "InvalidArgument");
    assertRefused(() -> verifier.verify(request("GET", url.getRawPath(), query.replace("GOOG4-RSA-SHA256", "GOOG4-HMAC-SHA256"), HOST)),
        400, "InvalidArgument");
    assertRefused(() -> verifier.verify(request("GET", url.getRawPath(), query.replaceAll("X-Goog-Signature=[0-9a-f]+", "X-Goog-Signature=zz"), HOST)),
        403, "SignatureDoesNotMatch");
  }

  static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(XmlApiException.class, e -> {
      org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(status);
      org.assertj.core.api.Assertions.assertThat(e.toXml()).contains("<Code>" + code + "</Code>");
    });
  }
}
