package dev.darkroom.emulators.google;

import dev.darkroom.emulators.LocalService;
import dev.darkroom.emulators.LoopbackPorts;
import dev.darkroom.emulators.ManagedProcess;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One of Google's emulators running as a child process on 127.0.0.1, announced to clients by one
 * {@code *_EMULATOR_HOST} variable. Subclasses say how to start it and when it is ready.
 */
abstract class GoogleEmulatorProcess implements LocalService {
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final String name;
  private final String hostVariable;
  final ManagedProcess process;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();

  GoogleEmulatorProcess(String name, String hostVariable, ManagedProcess process, int port) {
    this.name = name;
    this.hostVariable = hostVariable;
    this.process = process;
    this.port = port;
  }

  @Override
  public final String name() {
    return name;
  }

  public final int port() {
    return port;
  }

  /** Process id of the emulator (or its launcher), for checks that nothing outlives {@link #close()}. */
  public final long pid() {
    return process.pid();
  }

  @Override
  public final String hostPort() {
    return LoopbackPorts.HOST + ":" + port;
  }

  @Override
  public final Map<String, String> environment() {
    return Map.of(hostVariable, hostPort());
  }

  /** Stops the process tree (SIGTERM, then SIGKILL after a grace period); safe to call twice. */
  @Override
  public final void close() {
    if (closed.compareAndSet(false, true)) {
      process.stop(STOP_GRACE);
    }
  }
}
