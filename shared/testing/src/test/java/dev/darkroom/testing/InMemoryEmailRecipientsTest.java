package dev.darkroom.testing;

import dev.darkroom.core.port.EmailRecipients;

/** The fake passes the same contract as the real adapter. */
class InMemoryEmailRecipientsTest extends EmailRecipientsContract {
  private final InMemoryEmailRecipients recipients = new InMemoryEmailRecipients();

  @Override
  protected EmailRecipients recipients() {
    return recipients;
  }
}
