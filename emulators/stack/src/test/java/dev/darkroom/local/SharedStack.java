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
 * <p>Each class that takes it gets the simulated engine as a fresh stack has it (no faults, the
 * default step time, nothing cached). A class may use it only if it also leaves the rest as it found
 * it (trigger faults restored in {@code finally}) and asserts nothing over every job, execution or
 * model of the stack (its own ids only). Classes that change
 * the stack's options, take parts of it away or fill it with work (faults, keep-warm, the 1,000-job
 * test, models, authentication, the console's paged lists, a fixed port) start their own.
 *
 * <p>Stopped when the JVM exits (Failsafe runs several classes in each forked JVM). Its data and
 * logs stay in {@code target/} for a failed run to be read.
 */
final class SharedStack {
  /** The simulated engine's sampler step unless a class asks for another with {@link #get(Duration)}. */
  static final Duration STEP_TIME = Duration.ofMillis(1);
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
      stack = LocalStack.start(new LocalStack.Options("darkroom-it", 0, dataDir, STEP_TIME, null));
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "shared-stack-stop"));
    }
    // Each class finds the engine as a fresh stack has it: no faults, the default pace, and nothing
    // cached from the last class's prompts (a prompt like one before it would run no node again).
    stack.engine().clearFaults();
    stack.engine().setStepTime(STEP_TIME);
    stack.engine().forgetCachedOutputs();
    return stack;
  }

  /**
   * The shared stack, its engine's sampler step set to {@code stepTime} (a class that watches
   * progress needs prompts that last) until the next class takes it ({@link #get()} resets it).
   */
  static synchronized LocalStack get(Duration stepTime) {
    LocalStack shared = get();
    shared.engine().setStepTime(stepTime);
    return shared;
  }
}
