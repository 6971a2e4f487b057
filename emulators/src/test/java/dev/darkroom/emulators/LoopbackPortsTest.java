package dev.darkroom.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void aServiceWhosePortWasTakenInBetweenStartsOnAnotherPort() throws IOException {
    List<Integer> tried = new ArrayList<>();
    List<ServerSocket> thieves = new ArrayList<>();
    try {
      ServerSocket bound = LoopbackPorts.startOnFreePort(0, port -> {
        tried.add(port);
        if (tried.size() == 1) {
          // Another process takes the port between choosing it and binding it.
          thieves.add(bind(port));
        }
        return bind(port);
      });
      try (bound) {
        assertEquals(2, tried.size());
        assertEquals(tried.get(1), bound.getLocalPort());
      }
    } finally {
      for (ServerSocket thief : thieves) {
        thief.close();
      }
    }
  }

  @Test
  void otherFailuresAreNotRetried() {
    List<Integer> tried = new ArrayList<>();
    IllegalStateException failure = assertThrows(IllegalStateException.class,
        () -> LoopbackPorts.startOnFreePort(0, port -> {
          tried.add(port);
          throw new IllegalStateException("the emulator's jar is missing");
        }));
    assertEquals("the emulator's jar is missing", failure.getMessage());
    assertEquals(1, tried.size());
  }

  @Test
  void aPortTheUserAskedForIsTriedOnceAndKept() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LoopbackPorts.HOST))) {
      List<Integer> tried = new ArrayList<>();
      assertThrows(UncheckedIOException.class, () -> LoopbackPorts.startOnFreePort(taken.getLocalPort(), port -> {
        tried.add(port);
        return bind(port);
      }));
      assertEquals(List.of(taken.getLocalPort()), tried);
    }
  }

  @Test
  void givesUpAfterThreeTakenPorts() {
    List<Integer> tried = new ArrayList<>();
    RuntimeException failure = assertThrows(RuntimeException.class, () -> LoopbackPorts.startOnFreePort(0, port -> {
      tried.add(port);
      throw new IllegalStateException("pubsub exited with 1 before it was ready:\njava.net.BindException: Address already in use");
    }));
    assertTrue(failure.getMessage().contains("Address already in use"));
    assertEquals(3, tried.size());
  }

  @Test
  void recognisesABindFailureAnywhereInTheCauses() {
    assertTrue(LoopbackPorts.portWasTaken(new IllegalStateException("start failed", new BindException("in use"))));
    assertTrue(LoopbackPorts.portWasTaken(new IllegalStateException(
        "Port 41234 is not open on 127.0.0.1, could not start Auth Emulator.")));
    assertEquals(false, LoopbackPorts.portWasTaken(new IllegalStateException("not ready after PT60S")));
  }

  private static ServerSocket bind(int port) {
    try {
      return new ServerSocket(port, 1, InetAddress.getByName(LoopbackPorts.HOST));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
