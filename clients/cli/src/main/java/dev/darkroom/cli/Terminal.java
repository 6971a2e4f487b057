package dev.darkroom.cli;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.util.Map;

/**
 * What a command takes from the process it runs in: its streams, whether a person watches them,
 * its environment, how it reaches the network and where Ctrl-C work goes. Tests pass their own.
 */
record Terminal(PrintStream out, PrintStream err, boolean interactive, Map<String, String> environment,
    HttpClient http, DarkroomApi.Retries retries, ShutdownHooks hooks) {

  static Terminal ofProcess() {
    return new Terminal(System.out, System.err, System.console() != null, System.getenv(),
        DarkroomApi.defaultClient(), DarkroomApi.Retries.DEFAULT, ShutdownHooks.RUNTIME);
  }
}
