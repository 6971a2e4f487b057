package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cloud Run's maintenance signals sent to a real JVM: with the handlers installed, SIGTSTP does not
 * stop the process (the default would) and each signal reaches the runner.
 */
class MaintenanceSignalsIT {

  /** A JVM that installs the handlers and echoes what they receive, one line each. */
  public static final class Echo {
    public static void main(String[] args) throws Exception {
      MaintenanceSignals.install(resumed -> {
        System.out.println(resumed ? "resumed" : "pausing");
        System.out.flush();
      });
      System.out.println("ready");
      System.out.flush();
      // Answers each line on stdin: only a process that is not stopped can.
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        System.out.println("echo " + line);
        System.out.flush();
      }
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60) // without a handler SIGTSTP stops the child and a read would hang
  void sigtstpAndSigcontReachTheRunnerAndDoNotStopTheProcess() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Echo.class.getName())
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("ready");

      signal("TSTP", child);
      assertThat(out.readLine()).isEqualTo("pausing");
      child.getOutputStream().write("still running\n".getBytes(StandardCharsets.UTF_8));
      child.getOutputStream().flush();
      assertThat(out.readLine()).isEqualTo("echo still running");

      signal("CONT", child);
      assertThat(out.readLine()).isEqualTo("resumed");
    } finally {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void signal(String name, Process child) throws Exception {
    Process kill = new ProcessBuilder(List.of("kill", "-" + name, Long.toString(child.pid()))).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }
}
