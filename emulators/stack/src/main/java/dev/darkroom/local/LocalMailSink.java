package dev.darkroom.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local SMTP sink (simulated mail; nothing leaves this machine): GreenMail on 127.0.0.1 takes
 * every mail notify sends, logs its recipients and subject, and writes it as a {@code .eml} file
 * under the stack's data directory ({@code mail/}), which any mail client opens.
 */
public final class LocalMailSink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalMailSink.class);
  public static final String LABEL = "local SMTP sink (simulated mail; nothing leaves this machine)";

  private final GreenMail greenMail;
  private final Path directory;
  private final ScheduledExecutorService writer;
  private int written;

  private LocalMailSink(GreenMail greenMail, Path directory) {
    this.greenMail = greenMail;
    this.directory = directory;
    this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "local-mail-sink");
      thread.setDaemon(true);
      return thread;
    });
    writer.scheduleWithFixedDelay(this::writeNew, 200, 200, TimeUnit.MILLISECONDS);
  }

  /** Starts on a free port of 127.0.0.1; mails go to {@code directory}. */
  public static LocalMailSink start(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot make the mail directory " + directory, e);
    }
    GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    greenMail.start();
    return new LocalMailSink(greenMail, directory);
  }

  public int port() {
    return greenMail.getSmtp().getPort();
  }

  public Path directory() {
    return directory;
  }

  /** Every mail received so far. */
  public List<MimeMessage> received() {
    return List.of(greenMail.getReceivedMessages());
  }

  /** The environment notify needs to send here: plain SMTP, no authentication. */
  public java.util.Map<String, String> smtpEnvironment() {
    return java.util.Map.of("SMTP_HOST", "127.0.0.1", "SMTP_PORT", Integer.toString(port()),
        "SMTP_FROM", "darkroom@localhost", "SMTP_STARTTLS", "false");
  }

  private synchronized void writeNew() {
    MimeMessage[] all = greenMail.getReceivedMessages();
    for (; written < all.length; written++) {
      MimeMessage mail = all[written];
      try {
        Path file = directory.resolve(String.format("%05d.eml", written + 1));
        try (OutputStream out = Files.newOutputStream(file)) {
          mail.writeTo(out);
        }
        log.info("mail to {}: \"{}\" ({})", recipients(mail), mail.getSubject(), file);
      } catch (IOException | MessagingException e) {
        log.warn("could not keep a received mail: {}", e.toString());
      }
    }
  }

  private static String recipients(MimeMessage mail) throws MessagingException {
    Address[] to = mail.getAllRecipients();
    return to == null ? "" : Arrays.stream(to).map(Address::toString).collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    writer.shutdownNow();
    greenMail.stop();
  }
}
