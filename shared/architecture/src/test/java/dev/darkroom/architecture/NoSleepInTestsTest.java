package dev.darkroom.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STYLE.md: no sleeps where an await on a condition will do. A sleep in a test either waits too
 * long or not long enough on a slower machine, and when it is too short the test fails later, on
 * something else. Every module's {@code src/test/java} and the test support of shared/testing are
 * read; a fake may still take time on purpose, and those delays are listed here with their reason.
 */
class NoSleepInTestsTest {
  /** Deliberate delays of fakes, by file and method, each with why the delay is what is faked. */
  static final Map<String, String> DELIBERATE_DELAYS = Map.of(
      "gpu-job-image/runner/src/test/java/dev/darkroom/runner/comfy/FakeComfyUi.java#succeed",
      "ComfyUI writes a prompt's history a moment after execution_success; the fake takes historyDelay to, so a"
          + " client that reads the history at execution_success is seen reading too early",
      "functions/dispatch/src/test/java/dev/darkroom/functions/dispatch/DispatchFunctionTest.java#storedLate",
      "a job create that lands 100 ms after its own Pub/Sub message reached dispatch, the race dispatch must"
          + " wait out (submit publishes while it creates)",
      "shared/testing/src/test/java/dev/darkroom/core/usecase/NotifyRunDeadlineTest.java#post",
      "a webhook endpoint that takes its full 15 s attempt timeout to answer (at the test's 50x speed), the slow"
          + " endpoints whose sum used to outrun notify's deadline",
      "shared/testing/src/test/java/dev/darkroom/core/usecase/ApplyJobEventTest.java#update",
      "a job store whose transaction takes a few milliseconds, as a contended document's does, so that"
          + " transactions on one job that overlapped would be seen overlapping");

  private static Path root;
  private static List<SleepCalls.Call> calls;

  @BeforeAll
  static void scanEveryTestTree() throws IOException {
    root = SleepCalls.repositoryRoot();
    calls = SleepCalls.in(root, SleepCalls.testTrees(root));
  }

  @Test
  void noTestSleepsToWaitForSomething() {
    List<String> waits = calls.stream().filter(call -> !DELIBERATE_DELAYS.containsKey(call.place()))
        .map(SleepCalls.Call::toString).toList();
    assertThat(waits)
        .as("sleeps in tests: wait on the condition instead (Awaitility's await().atMost(..).until(..), with a"
            + " message saying what did not happen); a fake's deliberate delay goes in DELIBERATE_DELAYS with its reason")
        .isEmpty();
  }

  @Test
  void everyDeliberateDelayIsStillThere() {
    Set<String> found = calls.stream().map(SleepCalls.Call::place).collect(Collectors.toCollection(TreeSet::new));
    assertThat(DELIBERATE_DELAYS.keySet()).as("allowed delays that are gone: take them off the list").isSubsetOf(found);
  }

  @Test
  void theScanReadsEveryModulesTestsAndTheTestSupport() throws IOException {
    List<String> trees = SleepCalls.testTrees(root).stream().map(tree -> root.relativize(tree).toString()).toList();
    assertThat(trees).contains("shared/core/src/test/java", "functions/api/src/test/java",
        "emulators/stack/src/test/java", "gpu-job-image/runner/src/test/java", "shared/testing/src/main/java")
        .noneMatch(tree -> tree.contains("/target/") || tree.startsWith("."));
  }

  @Test
  void everyFormOfSleepIsFoundAndNothingElse(@TempDir Path dir) throws IOException {
    Path tree = Files.createDirectories(dir.resolve("m/src/test/java/x"));
    Files.writeString(tree.resolve("Waits.java"), """
        package x;

        import static java.lang.Thread.sleep;
        import java.util.concurrent.TimeUnit;

        class Waits {
          void plain() throws Exception {
            Thread.sleep(10);
          }

          void qualified() throws Exception {
            java.lang.Thread.sleep(java.time.Duration.ofMillis(10));
          }

          void byUnit() throws Exception {
            TimeUnit.SECONDS.sleep(1);
          }

          void imported() throws Exception {
            sleep(10);
          }

          void parked() {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000);
          }

          void inALambda() {
            Runnable later = () -> {
              try {
                Thread.sleep(5);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            };
          }

          // Thread.sleep(10) in a comment is not a call, nor is a task's script:
          String script = "sleep 300";
        }
        """);

    List<SleepCalls.Call> found = SleepCalls.in(dir, List.of(dir.resolve("m/src/test/java")));

    assertThat(found).extracting(SleepCalls.Call::toString).containsExactly(
        "m/src/test/java/x/Waits.java:8: Thread.sleep(...) in plain",
        "m/src/test/java/x/Waits.java:12: java.lang.Thread.sleep(...) in qualified",
        "m/src/test/java/x/Waits.java:16: TimeUnit.SECONDS.sleep(...) in byUnit",
        "m/src/test/java/x/Waits.java:20: sleep(...) in imported",
        "m/src/test/java/x/Waits.java:24: java.util.concurrent.locks.LockSupport.parkNanos(...) in parked",
        "m/src/test/java/x/Waits.java:30: Thread.sleep(...) in inALambda");
  }
}
