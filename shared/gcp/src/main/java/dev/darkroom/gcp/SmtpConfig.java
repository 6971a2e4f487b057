package dev.darkroom.gcp;

import java.util.Optional;

/**
 * The mail server for email notifications: {@code SMTP_HOST} and friends. Without
 * {@code SMTP_HOST} email is off, and opted-in users get no mail rather than failing deliveries.
 *
 * @param server null when email is off
 */
public record SmtpConfig(SmtpEmailSender.Settings server) {

  public static SmtpConfig from(Env env) {
    Optional<String> host = env.optional("SMTP_HOST");
    if (host.isEmpty()) {
      return new SmtpConfig(null);
    }
    return new SmtpConfig(new SmtpEmailSender.Settings(host.get(), env.intOrDefault("SMTP_PORT", 587),
        env.optional("SMTP_USERNAME").orElse(null), env.optional("SMTP_PASSWORD").orElse(null),
        env.require("SMTP_FROM", "the sender address of notification mails"),
        Boolean.parseBoolean(env.orDefault("SMTP_STARTTLS", "true"))));
  }

  public Optional<SmtpEmailSender.Settings> serverIfSet() {
    return Optional.ofNullable(server);
  }

  /** Never the password: configurations are logged. */
  @Override
  public String toString() {
    return server == null ? "SmtpConfig[off]"
        : "SmtpConfig[" + server.host() + ":" + server.port() + ", from " + server.from() + "]";
  }
}
