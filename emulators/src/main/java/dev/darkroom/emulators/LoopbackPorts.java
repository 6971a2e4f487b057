package dev.darkroom.emulators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.function.IntFunction;

/** Ports on the loopback interface, for services that must be told a port before they start. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  public static final String HOST = "127.0.0.1";

  /**
   * Returns {@code requested} when it is non-zero, else a port that was free a moment ago. Only
   * for child processes that cannot report the port they bound; in-process servers bind port 0.
   */
  public static int choose(int requested) {
    if (requested != 0) {
      return requested;
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  private static final int START_ATTEMPTS = 3;
  private static final List<String> PORT_TAKEN = List.of(
      "Address already in use", "BindException", "is not open on", "could not bind", "EADDRINUSE");

  /**
   * Starts a service that must be told its port. With {@code requested} 0 it starts on a port
   * {@link #choose chosen} a moment before; that port can be taken by another process in between,
   * so when the start fails for that reason (its error says the address is in use, or another
   * process holds the port once it has failed) it tries again
   * on another port, {@value #START_ATTEMPTS} times in all. Any other failure, or a fixed port
   * the user asked for, fails at once.
   */
  public static <T> T startOnFreePort(int requested, IntFunction<T> start) {
    if (requested != 0) {
      return start.apply(requested);
    }
    for (int attempt = 1; ; attempt++) {
      int port = choose(0);
      try {
        return start.apply(port);
      } catch (RuntimeException e) {
        if (attempt >= START_ATTEMPTS || !(portWasTaken(e) || inUse(port))) {
          throw e;
        }
      }
    }
  }

  /** Whether something else holds {@code port} now (the failed service has been stopped). */
  static boolean inUse(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  static boolean portWasTaken(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof java.net.BindException || PORT_TAKEN.stream().anyMatch(message::contains)) {
        return true;
      }
    }
    return false;
  }
}
