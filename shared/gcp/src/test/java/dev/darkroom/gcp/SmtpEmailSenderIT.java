package dev.darkroom.gcp;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.darkroom.core.port.EmailSender;
import dev.darkroom.testing.EmailSenderContract;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The SMTP sender passes the same contract as the recording fake, against GreenMail on 127.0.0.1. */
class SmtpEmailSenderIT extends EmailSenderContract {
  private static GreenMail server;

  @BeforeAll
  static void start() {
    server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @BeforeEach
  void emptyTheMailboxes() throws Exception {
    server.purgeEmailFromAllMailboxes();
  }

  @Override
  protected EmailSender sender() {
    return new SmtpEmailSender(settings(server.getSmtp().getPort()));
  }

  /** Port 1: nothing listens there, so the connection is refused. */
  @Override
  protected EmailSender senderToAServerThatIsDown() {
    return new SmtpEmailSender(settings(1));
  }

  /** SMTP carries line ends as CRLF; the mail as written had LF. */
  @Override
  protected List<Mail> delivered() {
    List<Mail> mails = new ArrayList<>();
    try {
      for (MimeMessage message : server.getReceivedMessages()) {
        mails.add(new Mail(message.getRecipients(Message.RecipientType.TO)[0].toString(), message.getSubject(),
            ((String) message.getContent()).replace("\r\n", "\n")));
      }
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("cannot read the mails GreenMail received", e);
    }
    return mails;
  }

  private static SmtpEmailSender.Settings settings(int port) {
    return new SmtpEmailSender.Settings("127.0.0.1", port, null, null, "Darkroom <darkroom@example.com>", false);
  }
}
