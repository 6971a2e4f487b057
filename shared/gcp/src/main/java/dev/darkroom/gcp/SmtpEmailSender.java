package dev.darkroom.gcp;

import dev.darkroom.core.port.EmailSender;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.Properties;

/**
 * {@link EmailSender} over SMTP (Jakarta Mail, Eclipse Angus). One session per instance; each mail
 * opens its own connection, which is plenty for one mail per finished job.
 */
public final class SmtpEmailSender implements EmailSender {
  /** What the SMTP_* variables say. */
  public record Settings(String host, int port, String username, String password, String from, boolean startTls) {}

  private final Session session;
  private final InternetAddress from;

  public SmtpEmailSender(Settings settings) {
    Properties properties = new Properties();
    properties.put("mail.smtp.host", settings.host());
    properties.put("mail.smtp.port", Integer.toString(settings.port()));
    properties.put("mail.smtp.connectiontimeout", "10000");
    properties.put("mail.smtp.timeout", "10000");
    properties.put("mail.smtp.writetimeout", "10000");
    properties.put("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
    properties.put("mail.smtp.starttls.required", Boolean.toString(settings.startTls()));
    boolean auth = settings.username() != null && !settings.username().isEmpty();
    properties.put("mail.smtp.auth", Boolean.toString(auth));
    this.session = Session.getInstance(properties, !auth ? null : new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication(settings.username(), settings.password());
      }
    });
    try {
      this.from = new InternetAddress(settings.from(), true);
    } catch (MessagingException e) {
      throw new IllegalArgumentException("SMTP_FROM is not an email address: " + settings.from(), e);
    }
  }

  @Override
  public void send(String to, String subject, String body) {
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(from);
      message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
      message.setSubject(subject, "UTF-8");
      message.setText(body, "UTF-8");
      message.setSentDate(new Date());
      Transport.send(message);
    } catch (MessagingException e) {
      throw new IllegalStateException("sending mail to " + to + " failed: " + e.getMessage(), e);
    }
  }
}
