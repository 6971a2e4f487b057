package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./darkroom run} against the local stack, as a user runs it: the client's main class in its
 * own JVM, on the stack's public port, judged by its exit code, its output and the files it saves.
 */
class CommandLineClientIT {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

  @TempDir Path work;
  private static LocalStack stack;
  private static Path sample;

  @BeforeAll
  static void startStack() throws Exception {
    stack = SharedStack.get();
    sample = Path.of(CommandLineClientIT.class.getResource("/workflows/sd1.5-txt2img.json").toURI());
  }


  record Run(int exit, String out, String err) {}

  /** {@code darkroom run <args> --url <the stack>}, started in a JVM of its own, with no DARKROOM_* from this one. */
  private Process start(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.darkroom.cli.DarkroomCli", "run"));
    command.addAll(Arrays.asList(args));
    command.addAll(List.of("--url", stack.apiUrl()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
        .redirectOutput(stdout().toFile()).redirectError(work.resolve("stderr.txt").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("DARKROOM_"));
    return builder.start();
  }

  private Path stdout() {
    return work.resolve("stdout.txt");
  }

  private Run finish(Process process) throws Exception {
    boolean ended = process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    String out = Files.readString(stdout());
    String err = Files.readString(work.resolve("stderr.txt"));
    if (!ended) {
      process.destroyForcibly();
      throw new AssertionError("darkroom run did not end within " + RUN_TIMEOUT + "; it printed:\n" + out + err);
    }
    return new Run(process.exitValue(), out, err);
  }

  private Run darkroomRun(String... args) throws Exception {
    return finish(start(args));
  }

  /**
   * The sampler is held after its first step (the runner always reports a node's first step; later
   * ones at most once a second) until the client has shown it: progress is followed live, not read
   * at the end.
   */
  @Test
  void aSampleWorkflowRunsToItsImagesOnDiskShowingItsProgressOnTheWay() throws Exception {
    Path renders = work.resolve("renders");
    stack.engine().holdAtStep("KSampler", 1);
    Process process;
    try {
      process = start(sample.toString(), "--set", "3.seed=random", "--set", "3.steps=4",
          "--set", "Empty Latent Image.batch_size=2", "--out", renders.toString());
      try {
        await("darkroom run shows the held step").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
            .until(() -> Files.readString(stdout()).contains("node 3 KSampler: step 1/4 (25%)") || !process.isAlive());
      } catch (ConditionTimeoutException notShown) {
        process.destroyForcibly();
        throw new AssertionError("darkroom run did not show the held step; it printed:\n" + Files.readString(stdout()),
            notShown);
      }
    } finally {
      stack.engine().clearFaults();
    }
    Run run = finish(process);

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("node 3 KSampler: step 1/4 (25%)", "succeeded: 2 outputs in " + renders);
    List<Path> images;
    try (Stream<Path> files = Files.walk(renders)) {
      images = files.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(images).as("one PNG per latent of the batch").hasSize(2);
    for (Path image : images) {
      assertThat(Arrays.copyOf(Files.readAllBytes(image), PNG_MAGIC.length)).as(image.toString()).isEqualTo(PNG_MAGIC);
      assertThat(image.getParent().getParent()).as("renders/<job id>/<file>").isEqualTo(renders);
    }
    List<String> lines = run.out().lines().toList();
    assertThat(lines.subList(lines.size() - 2, lines.size())).as("the saved paths, last")
        .containsExactlyInAnyOrderElementsOf(images.stream().map(Path::toString).toList());
  }

  @Test
  void aNodeThatFailsEndsTheRunWithExitOneAndComfyUisError() throws Exception {
    stack.engine().failNode("VAEDecode", "RuntimeError", "the CLI should print this");
    try {
      Run run = darkroomRun(sample.toString(), "--set", "3.steps=2", "--out", work.resolve("none").toString());

      assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
      assertThat(run.err()).contains("failed in node 8 VAEDecode", "the CLI should print this");
      assertThat(work.resolve("none")).doesNotExist();
    } finally {
      stack.engine().clearFaults();
    }
  }

  @Test
  void aCheckpointTheEngineLacksIsRefusedWithExitTwoNamingIt() throws Exception {
    Run run = darkroomRun(sample.toString(), "--set", "Load Checkpoint.ckpt_name=nope.safetensors");

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
    assertThat(run.err()).contains("HTTP 400", "node 4 CheckpointLoaderSimple", "nope.safetensors");
    assertThat(run.out()).as("nothing was submitted").doesNotContain("submitted to");
  }
}
