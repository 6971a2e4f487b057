package dev.darkroom.emulators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

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
}
