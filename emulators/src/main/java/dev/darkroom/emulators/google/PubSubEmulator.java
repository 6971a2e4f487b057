package dev.darkroom.emulators.google;

import dev.darkroom.emulators.LoopbackPorts;
import dev.darkroom.emulators.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Google's Pub/Sub emulator (the gcloud component), run as a child process on 127.0.0.1. */
public final class PubSubEmulator extends GoogleEmulatorProcess {
  /** The variable the official Pub/Sub clients (and our bridge) read to talk to an emulator. */
  public static final String HOST_VARIABLE = "PUBSUB_EMULATOR_HOST";

  private static final Logger log = LoggerFactory.getLogger(PubSubEmulator.class);


  private PubSubEmulator(ManagedProcess process, int port) {
    super("pubsub", HOST_VARIABLE, process, port);
  }

  /** Starts the emulator on {@code port} (0: a free one) and returns once it logs that it serves. */
  public static PubSubEmulator start(int port) {
    return start(port, GcloudPlatform.fromEnvironment());
  }

  public static PubSubEmulator start(int port, GcloudPlatform platform) {
    return LoopbackPorts.startOnFreePort(port, chosen -> startOn(chosen, platform));
  }

  private static PubSubEmulator startOn(int chosen, GcloudPlatform platform) {
    Path launcher = platform.pubSubEmulatorLauncher();
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

}
