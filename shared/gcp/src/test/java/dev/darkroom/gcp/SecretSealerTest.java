package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Webhook signing secrets sealed for the database: readable only with the key, for their own row. */
class SecretSealerTest {
  private static final byte[] KEY = "a webhook secrets key of at least 32 bytes".getBytes(StandardCharsets.UTF_8);
  private final SecretSealer sealer = new SecretSealer(KEY);

  @Test
  void aSealedSecretOpensWithTheSameKeyForTheSameRowAndHidesThePlainText() {
    String sealed = sealer.seal("whsec_SECRET", "endpoint-1");

    assertThat(sealed).startsWith("v1:").doesNotContain("SECRET");
    assertThat(new SecretSealer(KEY.clone()).open(sealed, "endpoint-1")).isEqualTo("whsec_SECRET");
  }

  @Test
  void sealingTheSameSecretTwiceGivesDifferentTextBecauseEachSealHasItsOwnNonce() {
    assertThat(sealer.seal("whsec_SECRET", "endpoint-1")).isNotEqualTo(sealer.seal("whsec_SECRET", "endpoint-1"));
  }

  @Test
  void anotherKeyAnotherRowOrAlteredTextDoesNotOpen() {
    String sealed = sealer.seal("whsec_SECRET", "endpoint-1");
    byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
    raw[raw.length - 1] ^= 1;
    String altered = "v1:" + Base64.getEncoder().encodeToString(raw);

    assertThatThrownBy(() -> new SecretSealer(new byte[32]).open(sealed, "endpoint-1"))
        .hasMessage("a sealed secret of endpoint-1 does not open with this key (another key, or moved from another row)");
    assertThatThrownBy(() -> sealer.open(sealed, "endpoint-2"))
        .hasMessageContaining("does not open with this key");
    assertThatThrownBy(() -> sealer.open(altered, "endpoint-1"))
        .hasMessageContaining("does not open with this key");
  }

  @Test
  void textThatWasNeverSealedIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> sealer.open("whsec_PLAIN", "endpoint-1"))
        .hasMessage("a secret of endpoint-1 is not sealed (v1:…)");
    assertThatThrownBy(() -> sealer.open("v1:***", "endpoint-1"))
        .hasMessage("a sealed secret of endpoint-1 is not base64");
    assertThatThrownBy(() -> sealer.open("v1:" + Base64.getEncoder().encodeToString(new byte[12]), "endpoint-1"))
        .hasMessage("a sealed secret of endpoint-1 is truncated");
  }

  @Test
  void aKeyShorterThan32BytesIsRefused() {
    assertThatThrownBy(() -> new SecretSealer(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the sealing key must be at least 32 bytes");
  }
}
