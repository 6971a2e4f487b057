package dev.darkroom.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * One local stack on the default test options (auth off, a 1 ms sampler step, no extra
 * environment) for every test class in this JVM that can share it: a stack takes 20 to 60 s of two
 * cores to start, a third of the stack tests' time when each class started its own.
 *
 * <p>A class may use it only if it leaves the stack as it found it for the next class: engine faults
 * and trigger faults cleared in {@code finally}, nothing that counts every job, execution or model of
 * the stack, its own ids and users. Classes that change the stack's options, take parts of it away
 * or fill it with work (faults, keep-warm, the 1,000-job test, models, authentication) start their own.
 *
 * <p>Stopped when the JVM exits (Failsafe runs several classes in each forked JVM). Its data and
 * logs stay in {@code target/} for a failed run to be read.
 */
final class SharedStack {
  private static LocalStack stack;

  private SharedStack() {}

  static synchronized LocalStack get() {
    if (stack == null) {
      Path dataDir;
      try {
        Files.createDirectories(Path.of("target"));
        dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shared-stack-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      LoggerFactory.getLogger(SharedStack.class).info("the shared stack of this test JVM: data and logs in {}", dataDir);
      stack = LocalStack.start(new LocalStack.Options("darkroom-it", 0, dataDir, Duration.ofMillis(1), null));
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "shared-stack-stop"));
    }
    return stack;
  }
}
