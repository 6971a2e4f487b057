package dev.darkroom.cli;

import java.io.Console;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;

/**
 * What a command takes from the process it runs in: its streams, whether a person watches them,
 * its environment, how it reaches the network (and how long it waits between tries), and where
 * Ctrl-C work goes. Tests pass their own.
 */
record Terminal(PrintStream out, PrintStream err, boolean interactive, Map<String, String> environment,
    HttpClient http, DarkroomApi.Retries retries, ShutdownHooks hooks, Duration reconnectDelay,
    Duration pollInterval) {

  static Terminal ofProcess() {
    return new Terminal(System.out, System.err, interactive(System.console()), System.getenv(),
        DarkroomApi.defaultClient(), DarkroomApi.Retries.DEFAULT, ShutdownHooks.RUNTIME, Duration.ofMillis(500),
        WorkflowRun.POLL_INTERVAL);
  }

  /**
   * Whether a person watches: on Java 17 a console exists only for a terminal; from Java 22 one
   * exists for a pipe too, and its {@code isTerminal()} (looked up, as 17 lacks it) says which.
   */
  static boolean interactive(Console console) {
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException beforeJava22) {
      return true;
    }
  }
}
