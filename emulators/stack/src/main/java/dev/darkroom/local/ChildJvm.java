package dev.darkroom.local;

import dev.darkroom.emulators.ManagedProcess;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a Java program of this build as its own process, on this JVM's classpath, with its output
 * in a log file. The stack's own flags favour a quick start over peak speed: these processes are
 * short-lived or mostly idle.
 */
public final class ChildJvm {
  /** The stack's processes: the C1 compiler only, the serial collector, the JDK's shared classes. */
  static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

  private ChildJvm() {}

  static List<String> command(String mainClass, List<String> args) {
    return command(QUICK_START, mainClass, args);
  }

  /** The command that runs {@code mainClass} on this JVM's classpath with {@code jvmFlags}. */
  public static List<String> command(List<String> jvmFlags, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(List.of(
        "-Djava.awt.headless=true",
        // shared/gcp's logback.xml (the deployables') and the emulators' are on this classpath: name the local one.
        "-Dlogback.configurationFile=darkroom-child-logback.xml",
        // The invoker jar bundles SLF4J's JUL provider; name logback so SLF4J need not choose.
        "-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider",
        "-cp", System.getProperty("java.class.path"),
        mainClass));
    command.addAll(args);
    return command;
  }

  static ManagedProcess start(String label, String mainClass, List<String> args, Map<String, String> env, Path logFile) {
    return start(label, command(mainClass, args), env, logFile);
  }

  /** Starts {@code command}, its output appended to {@code logFile}. */
  public static ManagedProcess start(String label, List<String> command, Map<String, String> env, Path logFile) {
    BufferedWriter log = openLog(logFile);
    return ManagedProcess.start(label, command, env, line -> {
      synchronized (log) {
        try {
          log.write(line);
          log.newLine();
          log.flush();
        } catch (IOException e) {
          // The log is a convenience; a full disk must not stop the process it describes.
        }
      }
    });
  }

  private static BufferedWriter openLog(Path logFile) {
    try {
      Files.createDirectories(logFile.getParent());
      return Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open log " + logFile, e);
    }
  }
}
