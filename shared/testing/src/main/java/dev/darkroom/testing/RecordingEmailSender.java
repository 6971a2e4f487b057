package dev.darkroom.testing;

import dev.darkroom.core.port.EmailSender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records mails; fails the next {@code failures} sends. */
public final class RecordingEmailSender implements EmailSender {
  public record Mail(String to, String subject, String body) {}

  public final List<Mail> sent = new CopyOnWriteArrayList<>();
  public int failures;

  @Override
  public synchronized void send(String to, String subject, String body) {
    if (failures > 0) {
      failures--;
      throw new IllegalStateException("SMTP server unavailable (simulated)");
    }
    sent.add(new Mail(to, subject, body));
  }
}
