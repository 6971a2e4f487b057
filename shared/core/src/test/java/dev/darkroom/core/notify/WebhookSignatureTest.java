package dev.darkroom.core.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  // The Standard Webhooks reference implementations' known-answer vector.
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330L;
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void reproducesTheSpecificationsTestVector() {
    assertThat(WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
    assertThat(WebhookSignature.sign(SECRET.substring("whsec_".length()), ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
  }

  @Test
  void duringARotationBothSecretsSignAndEitherVerifies() {
    String next = WebhookSignature.newSecret(new SecureRandom());
    String header = WebhookSignature.header(List.of(SECRET, next), ID, TIMESTAMP, BODY);
    assertThat(List.of(header.split(" "))).hasSize(2).first().isEqualTo(EXPECTED);
    assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", header, BODY, TIMESTAMP + 10, 300)).isTrue();
    assertThat(WebhookSignature.verify(next, ID, "1614265330", header, BODY, TIMESTAMP + 10, 300)).isTrue();
  }

  @Test
  void aReceiverRejectsTamperingReplayAndStrangers() {
    String stranger = WebhookSignature.newSecret(new SecureRandom());
    byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", EXPECTED, tampered, TIMESTAMP, 300)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, "msg_other", "1614265330", EXPECTED, BODY, TIMESTAMP, 300)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", EXPECTED, BODY, TIMESTAMP + 301, 300)).isFalse();
    assertThat(WebhookSignature.verify(stranger, ID, "1614265330", EXPECTED, BODY, TIMESTAMP, 300)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", "v1a,abc v2,xyz", BODY, TIMESTAMP, 300)).isFalse();
  }

  @Test
  void aSecretThatIsNotBase64IsRefusedByName() {
    assertThatThrownBy(() -> WebhookSignature.sign("whsec_not base64!", ID, TIMESTAMP, BODY))
        .hasMessageContaining("whsec_");
  }
}
