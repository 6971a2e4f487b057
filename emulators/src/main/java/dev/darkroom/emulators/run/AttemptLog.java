package dev.darkroom.emulators.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one attempt's output goes: a file per attempt (Cloud Logging stands in for it in the
 * cloud) and the emulator's logger at DEBUG. Lines may arrive after the process ended, from the
 * output pump, so writes after close are dropped rather than failing.
 */
final class AttemptLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CloudRunJobsEmulator.class);

  private final String label;
  private final BufferedWriter out;
  private boolean closed;

  private AttemptLog(String label, BufferedWriter out) {
    this.label = label;
    this.out = out;
  }

  static AttemptLog open(String label, Path file) {
    try {
      Files.createDirectories(file.getParent());
      return new AttemptLog(label, Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create task log " + file, e);
    }
  }

  synchronized void write(String line) {
    log.debug("[{}] {}", label, line);
    if (closed) {
      return;
    }
    try {
      out.write(line);
      out.newLine();
      out.flush();
    } catch (IOException e) {
      log.warn("[{}] cannot write task log: {}", label, e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException e) {
      log.warn("[{}] cannot close task log: {}", label, e.getMessage());
    }
  }
}
