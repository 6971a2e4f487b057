package dev.darkroom.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CredentialWatchTest {

  @Test
  void aCloseReasonIsCutToWhatAFrameHoldsWithoutSplittingACharacter() {
    assertThat(CredentialWatch.reason("the account is disabled")).isEqualTo("the account is disabled");
    String reason = CredentialWatch.reason("é".repeat(100));
    assertThat(reason.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(123);
    assertThat(reason).isEqualTo("é".repeat(61));
  }
}
