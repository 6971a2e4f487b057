package dev.darkroom.bench.api;

import dev.darkroom.bench.coldstart.ColdStartBench;
import dev.darkroom.emulators.ManagedProcess;
import dev.darkroom.local.ChildJvm;
import dev.darkroom.local.FunctionHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One function in a JVM of its own on the local stack's host ({@link FunctionHost}: the Functions
 * Framework invoker's executors on 127.0.0.1), configured by its environment alone, with the JVM
 * options Terraform deploys ({@link ColdStartBench#DEPLOYED_JVM_OPTIONS}).
 */
final class HostedFunction implements AutoCloseable {
  /**
   * A directory to profile into: when set, each hosted function records a flight recording there
   * ({@code <label>.jfr}, JFR's profiling settings), written when the bench stops it.
   */
  static final String FLIGHT_RECORDINGS = "DARKROOM_BENCH_JFR";

  /** What {@link FunctionHost} prints once serving, before {@code … on 127.0.0.1:PORT}. */
  private static final String READY = "darkroom-function-host: serving";

  private final ManagedProcess process;
  private int port;

  private HostedFunction(ManagedProcess process) {
    this.process = process;
  }

  /**
   * Starts the function's JVM and returns at once: several start side by side, and {@link #url()}
   * waits for the one it is asked about.
   */
  static HostedFunction start(String label, Class<?> function, Map<String, String> env, Path logFile) {
    List<String> jvmOptions = new ArrayList<>(List.of(ColdStartBench.DEPLOYED_JVM_OPTIONS.split(" ")));
    String recordings = System.getenv(FLIGHT_RECORDINGS);
    if (recordings != null && !recordings.isBlank()) {
      jvmOptions.add("-XX:StartFlightRecording=settings=profile,filename="
          + Path.of(recordings).toAbsolutePath().resolve(label + ".jfr"));
    }
    List<String> command = ChildJvm.command(jvmOptions, FunctionHost.class.getName(), List.of(function.getName(), "0"));
    return new HostedFunction(ChildJvm.start(label, command, env, logFile));
  }

  /** Where it serves, once it does (fails with its last lines if it exits or takes 90 s). */
  synchronized String url() {
    if (port == 0) {
      String ready = process.awaitLine(line -> line.startsWith(READY), Duration.ofSeconds(90));
      port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1).strip());
    }
    return "http://127.0.0.1:" + port;
  }

  /** The function's process id. */
  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.close();
  }
}
