package dev.darkroom.emulators;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process whose merged output is read line by line (so it never blocks on a full pipe),
 * that can be awaited for a readiness line, and that is stopped the way Cloud Run stops a
 * container: SIGTERM to it and its descendants, then SIGKILL after a grace period.
 */
public final class ManagedProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);

  private final String label;
  private final Process process;
  private final List<Consumer<String>> lineListeners = new CopyOnWriteArrayList<>();
  private final List<String> lastLines = new CopyOnWriteArrayList<>();
  private final CountDownLatch outputClosed = new CountDownLatch(1);

  private ManagedProcess(String label, Process process) {
    this.label = label;
    this.process = process;
  }

  /** Starts {@code command} with {@code extraEnv} added to this JVM's environment. */
  public static ManagedProcess start(
      String label, List<String> command, Map<String, String> extraEnv, Consumer<String> onLine) {
    return start(label, command, extraEnv, null, onLine);
  }

  /** As {@link #start(String, List, Map, Consumer)}, in {@code workingDirectory} (null: this JVM's). */
  public static ManagedProcess start(String label, List<String> command, Map<String, String> extraEnv,
      Path workingDirectory, Consumer<String> onLine) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(extraEnv);
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + label + ": " + command, e);
    }
    ManagedProcess managed = new ManagedProcess(label, process);
    if (onLine != null) {
      managed.lineListeners.add(onLine);
    }
    Thread reader = new Thread(managed::pumpOutput, label + "-output");
    reader.setDaemon(true);
    reader.start();
    return managed;
  }

  private void pumpOutput() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (lastLines.size() >= 40) {
          lastLines.remove(0);
        }
        lastLines.add(line);
        for (Consumer<String> listener : lineListeners) {
          listener.accept(line);
        }
      }
    } catch (IOException e) {
      log.debug("{}: output closed: {}", label, e.getMessage());
    } finally {
      outputClosed.countDown();
    }
  }

  /**
   * Waits until a line matching {@code ready} is printed and returns it. Fails with the process's
   * last lines if it exits first or the timeout passes.
   */
  public String awaitLine(Predicate<String> ready, Duration timeout) {
    CountDownLatch seen = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<String> match = new java.util.concurrent.atomic.AtomicReference<>();
    Consumer<String> listener = line -> {
      if (ready.test(line) && match.compareAndSet(null, line)) {
        seen.countDown();
      }
    };
    lineListeners.add(listener);
    try {
      java.util.Optional<String> earlier = lastLines.stream().filter(ready).findFirst();
      if (earlier.isPresent()) {
        return earlier.get();
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (seen.await(50, TimeUnit.MILLISECONDS)) {
          return match.get();
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(
              label + " exited with " + process.exitValue() + " before it was ready:\n" + tail());
        }
      }
      throw new IllegalStateException(label + " not ready after " + timeout + ":\n" + tail());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + label, e);
    } finally {
      lineListeners.remove(listener);
    }
  }

  /**
   * Waits until a GET of {@code probe} answers 200 with a body {@code ready} accepts: readiness
   * over HTTP, for servers that print their ready line before they serve. Fails with the process's
   * last lines if it exits first or the timeout passes.
   */
  public void awaitHttp(java.net.URI probe, Predicate<String> ready, Duration timeout) {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(label + " exited before it was ready:\n" + tail());
        }
        try {
          java.net.http.HttpResponse<String> response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200 && ready.test(response.body())) {
            return;
          }
        } catch (IOException notListeningYet) {
          // retried until the deadline
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + label, e);
    }
    throw new IllegalStateException(label + " not ready on " + probe + " after " + timeout + ":\n" + tail());
  }

  /** The last lines the process printed, for error messages. */
  public String tail() {
    return String.join("\n", lastLines);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Exit code once the process has ended and its output has been read. */
  public int waitFor() throws InterruptedException {
    int code = process.waitFor();
    outputClosed.await(5, TimeUnit.SECONDS);
    return code;
  }

  /** Waits up to {@code timeout}; true if the process ended. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGTERM to the process tree, then SIGKILL to whatever is left after {@code grace}. */
  public void stop(Duration grace) {
    List<ProcessHandle> tree = new java.util.ArrayList<>();
    process.descendants().forEach(tree::add);
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle handle : tree) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          handle.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (Exception timedOutOrInterrupted) {
          // falls through to SIGKILL below
        }
      }
    }
    for (ProcessHandle handle : tree) {
      if (handle.isAlive()) {
        log.info("{}: still alive after {} ms, sending SIGKILL to {}", label, grace.toMillis(), handle.pid());
        handle.destroyForcibly();
      }
    }
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops with a 5 s grace period. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
