package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.EmailRecipients;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link EmailRecipients} must do, the in-memory fake and the SQL table alike. */
public abstract class EmailRecipientsContract {
  protected abstract EmailRecipients recipients();

  private final String ivy = "ivy-" + UUID.randomUUID();
  private final String jim = "jim-" + UUID.randomUUID();

  @Test
  void aUserWhoNeverOptedInHasNoAddress() {
    assertThat(recipients().addressOf(ivy)).isEmpty();
    assertThat(recipients().optOut(ivy)).isFalse();
  }

  @Test
  void eachUserHasOneAddressTheLatestGiven() {
    EmailRecipients recipients = recipients();
    recipients.optIn(ivy, "ivy@example.com");
    recipients.optIn(jim, "jim@example.com");
    recipients.optIn(ivy, "ivy@example.org");
    assertThat(recipients.addressOf(ivy)).contains("ivy@example.org");
    assertThat(recipients.addressOf(jim)).contains("jim@example.com");
  }

  @Test
  void optingOutForgetsTheAddressOnce() {
    EmailRecipients recipients = recipients();
    recipients.optIn(ivy, "ivy@example.com");
    recipients.optIn(jim, "jim@example.com");
    assertThat(recipients.optOut(ivy)).isTrue();
    assertThat(recipients.optOut(ivy)).isFalse();
    assertThat(recipients.addressOf(ivy)).isEmpty();
    assertThat(recipients.addressOf(jim)).contains("jim@example.com");
  }
}
