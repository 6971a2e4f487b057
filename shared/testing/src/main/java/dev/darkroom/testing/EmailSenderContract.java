package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.port.EmailSender;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EmailSender} must do, the recording fake and the SMTP sender alike: a mail
 * reaches its recipient as written, and a mail server that does not take it makes the send throw
 * (notify then retries that target).
 */
public abstract class EmailSenderContract {
  private static final String SUBJECT = "Darkroom: job a1 succeeded \u2713";
  /** Lines as written; no line end after the last (SMTP's end of data takes the last one). */
  private static final String BODY = "Your job a1 succeeded.\nIts outputs: https://darkroom.example.com/jobs/a1";

  /** A sender whose mail server takes mail. */
  protected abstract EmailSender sender();

  /** A sender whose mail server does not take mail (down, refusing). */
  protected abstract EmailSender senderToAServerThatIsDown();

  /** The mails that reached the working server, in order, with line ends as written. */
  protected abstract List<Mail> delivered();

  public record Mail(String to, String subject, String body) {}

  @Test
  void aMailReachesItsRecipientAsWritten() {
    EmailSender sender = sender();
    assertThat(sender.enabled()).isTrue();
    sender.send("ivy@example.com", SUBJECT, BODY);
    assertThat(delivered()).containsExactly(new Mail("ivy@example.com", SUBJECT, BODY));
  }

  @Test
  void eachMailGoesToItsOwnRecipient() {
    EmailSender sender = sender();
    sender.send("ivy@example.com", "first", "one");
    sender.send("jim@example.org", "second", "two");
    assertThat(delivered()).containsExactlyInAnyOrder(new Mail("ivy@example.com", "first", "one"),
        new Mail("jim@example.org", "second", "two"));
  }

  @Test
  void aServerThatDoesNotTakeTheMailMakesTheSendThrow() {
    assertThatThrownBy(() -> senderToAServerThatIsDown().send("ivy@example.com", SUBJECT, BODY))
        .isInstanceOf(RuntimeException.class);
    assertThat(delivered()).isEmpty();
  }
}
