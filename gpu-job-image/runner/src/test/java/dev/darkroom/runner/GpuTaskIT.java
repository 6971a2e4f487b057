package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The runner's process as a GPU task starts it ({@link RunnerMain}), to its exit code. */
class GpuTaskIT {

  /**
   * A task whose ComfyUI dies at start exits for Cloud Run to retry it, at once: its shutdown hook
   * waits only for a job it is running, and it ran none (it used to wait out its whole stop grace,
   * 8 s, and log that a job was still in progress).
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aTaskWhoseEngineDiesAtStartExitsForARetryWithoutWaitingForAJobItNeverRan() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        RunnerMain.class.getName()).redirectErrorStream(true);
    builder.environment().putAll(Map.of(
        "GOOGLE_CLOUD_PROJECT", "darkroom-dev",
        "OUTPUTS_BUCKET", "darkroom-outputs",
        "DARKROOM_JOB_IDS", "job-a",
        "CLOUD_RUN_EXECUTION", "gpu-job-x7k2p",
        "COMFYUI_COMMAND", "sh -c 'exit 3'",
        // Never called: the task stops before its first request. Set so that no credentials are looked up.
        "FIRESTORE_EMULATOR_HOST", "127.0.0.1:9",
        "PUBSUB_EMULATOR_HOST", "127.0.0.1:9",
        "STORAGE_EMULATOR_HOST", "http://127.0.0.1:9"));
    Process task = builder.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(task.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
      }
    } finally {
      task.waitFor(60, TimeUnit.SECONDS);
      task.destroyForcibly();
    }

    assertThat(task.exitValue()).as("exit code, for Cloud Run to retry the task: %s", lines)
        .isEqualTo(Runner.EXIT_RETRY_MAY_HELP);
    assertThat(lines).anyMatch(line -> line.contains("ComfyUI exited with code 3 before it was ready"));
    assertThat(lines).as("what the task logged").noneMatch(line -> line.contains("still in progress"));
  }
}
