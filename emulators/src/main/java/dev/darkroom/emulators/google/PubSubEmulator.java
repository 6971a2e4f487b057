package dev.darkroom.emulators.google;

import dev.darkroom.emulators.LocalService;
import dev.darkroom.emulators.LoopbackPorts;
import dev.darkroom.emulators.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Google's Pub/Sub emulator (the gcloud component), run as a child process on 127.0.0.1. */
public final class PubSubEmulator implements LocalService {
  /** The variable the official Pub/Sub clients (and our bridge) read to talk to an emulator. */
  public static final String HOST_VARIABLE = "PUBSUB_EMULATOR_HOST";

  private static final Logger log = LoggerFactory.getLogger(PubSubEmulator.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final ManagedProcess process;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PubSubEmulator(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the emulator on {@code port} (0: a free one) and returns once it logs that it serves. */
  public static PubSubEmulator start(int port) {
    return start(port, GcloudPlatform.fromEnvironment());
  }

  public static PubSubEmulator start(int port, GcloudPlatform platform) {
    Path launcher = platform.pubSubEmulatorLauncher();
    int chosen = LoopbackPorts.choose(port);
    List<String> command =
        List.of(launcher.toString(), "--host=" + LoopbackPorts.HOST, "--port=" + chosen);
    // The launcher script picks its JVM from JAVA_HOME: make it the JVM we run on, not whatever
    // `java` happens to be first on PATH.
    Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"));
    ManagedProcess process =
        ManagedProcess.start("pubsub", command, env, line -> log.debug("pubsub: {}", line));
    try {
      process.awaitLine(line -> line.contains("Server started"), START_TIMEOUT);
    } catch (RuntimeException e) {
      process.stop(STOP_GRACE);
      throw e;
    }
    log.info("pubsub emulator ready on {}:{} (pid {})", LoopbackPorts.HOST, chosen, process.pid());
    return new PubSubEmulator(process, chosen);
  }

  public int port() {
    return port;
  }

  /** Process id of the launcher, whose descendants include the emulator JVM. */
  public long pid() {
    return process.pid();
  }

  @Override
  public String name() {
    return "pubsub";
  }

  @Override
  public String hostPort() {
    return LoopbackPorts.HOST + ":" + port;
  }

  @Override
  public Map<String, String> environment() {
    return Map.of(HOST_VARIABLE, hostPort());
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      process.stop(STOP_GRACE);
    }
  }
}
