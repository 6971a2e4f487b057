package dev.darkroom.core.port;

/** Sends plain-text mail (SMTP in the cloud; a local sink in the local stack). */
public interface EmailSender {
  /**
   * @throws RuntimeException if the mail server did not take the message (the attempt is retried)
   */
  void send(String to, String subject, String body);

  /** Whether mail is configured at all; when not, the email target is skipped. */
  default boolean enabled() {
    return true;
  }
}
