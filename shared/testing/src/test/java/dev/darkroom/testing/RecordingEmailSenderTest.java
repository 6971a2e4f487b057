package dev.darkroom.testing;

import dev.darkroom.core.port.EmailSender;
import java.util.List;

/** The fake passes the same contract as the SMTP sender. */
class RecordingEmailSenderTest extends EmailSenderContract {
  private final RecordingEmailSender mailbox = new RecordingEmailSender();

  @Override
  protected EmailSender sender() {
    return mailbox;
  }

  @Override
  protected EmailSender senderToAServerThatIsDown() {
    mailbox.failures = 1;
    return mailbox;
  }

  @Override
  protected List<Mail> delivered() {
    return mailbox.sent.stream().map(mail -> new Mail(mail.to(), mail.subject(), mail.body())).toList();
  }
}
