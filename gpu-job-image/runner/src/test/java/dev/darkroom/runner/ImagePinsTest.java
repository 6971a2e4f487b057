package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What makes two builds of the GPU image from one commit the same image: the pin file of custom node
 * packs ({@code custom-nodes.lock}), the hashed Python lock ({@code requirements.lock}, made by
 * {@code scripts/lock-python}) and the base image's digest, each checked here offline.
 */
class ImagePinsTest {
  /** Maven runs the tests in gpu-job-image/runner. */
  private static final Path IMAGE = Path.of("..").toAbsolutePath().normalize();
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path temp;

  // ---- custom-nodes.lock

  @Test
  void theCommittedPinFileIsWellFormed() throws Exception {
    CustomNodePins pins = CustomNodePins.read(IMAGE.resolve("custom-nodes.lock"));

    assertThat(pins.packs()).allSatisfy(pack -> {
      assertThat(pack.repository()).startsWith("https://");
      assertThat(pack.commit()).matches("[0-9a-f]{40}");
    });
  }

  @Test
  void aPinNamesItsFolderAnHttpsRepositoryAndAFullCommit() throws Exception {
    CustomNodePins pins = CustomNodePins.parse("""
        # comment
        ComfyUI-Impact-Pack https://github.com/ltdrdata/ComfyUI-Impact-Pack.git %s

          was-node-suite   https://github.com/WASasquatch/was-node-suite-comfyui   %s
        """.formatted(COMMIT, COMMIT.replace('0', 'f')));

    assertThat(pins.packs()).extracting(CustomNodePins.Pack::folder)
        .containsExactly("ComfyUI-Impact-Pack", "was-node-suite");
    assertThat(pins.packs().get(0).pythonModule()).isEqualTo("custom_nodes.ComfyUI-Impact-Pack");
    assertThat(pins.packs().get(1).commit()).isEqualTo(COMMIT.replace('0', 'f'));
  }

  @Test
  void everyMalformedLineIsReportedWithItsLineNumber() {
    String text = String.join("\n",
        "a https://example.com/a.git main",                                 // 1: a branch, not a commit
        "b https://example.com/b.git " + COMMIT.substring(0, 12),          // 2: a short SHA
        "c http://example.com/c.git " + COMMIT,                            // 3: not https
        "d git@github.com:owner/d.git " + COMMIT,                          // 4: not a URL
        "e https://user:token@example.com/e.git " + COMMIT,                // 5: credentials
        "../f https://example.com/f.git " + COMMIT,                        // 6: a traversing folder
        "g https://example.com/g.git",                                     // 7: no commit
        "h https://example.com/h.git " + COMMIT.toUpperCase(),            // 8: upper case
        "i https://example.com/i.git " + COMMIT,
        "i https://example.com/other.git " + COMMIT,                       // 10: folder twice
        "j https://EXAMPLE.com/i " + COMMIT);                              // 11: repository twice
    assertThatThrownBy(() -> CustomNodePins.parse(text))
        .isInstanceOf(CustomNodePins.MalformedException.class)
        .hasMessageContaining("line 1: commit 'main' is not a full 40-hex commit SHA")
        .hasMessageContaining("line 2: commit '0123456789ab' is not a full 40-hex")
        .hasMessageContaining("line 3: repository 'http://example.com/c.git' must be an https URL")
        .hasMessageContaining("line 4: repository 'git@github.com:owner/d.git'")
        .hasMessageContaining("line 5: repository 'https://user:token@example.com/e.git' must not carry credentials")
        .hasMessageContaining("line 6: folder '../f' must be letters")
        .hasMessageContaining("line 7: expected '<folder> <https URL> <40-hex commit>', found 2 field(s)")
        .hasMessageContaining("line 8: commit '" + COMMIT.toUpperCase() + "'")
        .hasMessageContaining("line 10: folder 'i' is pinned twice")
        .hasMessageContaining("line 11: repository https://EXAMPLE.com/i is pinned twice")
        .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(10));
  }

  // ---- the base image

  @Test
  void theBaseImageIsPinnedByDigest() throws IOException {
    List<String> froms = Files.readAllLines(IMAGE.resolve("Dockerfile")).stream()
        .filter(line -> line.startsWith("FROM ")).toList();

    assertThat(froms).isNotEmpty().allSatisfy(from ->
        assertThat(from).as("a FROM pinned by digest").matches("FROM [^ @]+:[^ @]+@sha256:[0-9a-f]{64}( AS \\S+)?"));
  }

  // ---- requirements.lock

  @Test
  void theImageInstallsItsPythonOnlyFromTheHashedLockAndChecksItForConflicts() throws IOException {
    String dockerfile = Files.readString(IMAGE.resolve("Dockerfile"));
    // Each instruction on one line (continuations joined), each pip install from its start.
    List<String> pipInstalls = dockerfile.replace("\\\n", " ").lines()
        .flatMap(line -> Pattern.compile("(?=pip install)").splitAsStream(line).filter(p -> p.startsWith("pip install")))
        .toList();

    assertThat(pipInstalls).anySatisfy(install ->
        assertThat(install).contains("--require-hashes", "--no-deps", "-r /tmp/requirements.lock"));
    assertThat(pipInstalls).as("every other pip install may only check what the lock installed")
        .allSatisfy(install -> assertThat(install).containsAnyOf("--require-hashes", "--no-index"));
    assertThat(dockerfile).contains("pip check").contains("COPY requirements.lock");
  }

  @Test
  void aCommittedLockWasMadeFromTheCurrentPins() throws Exception {
    Path lock = IMAGE.resolve("requirements.lock");
    if (!Files.exists(lock)) {
      // Not yet generated (no PyPI where this was written): Cloud Build's lock-check step fails the
      // build and prints the lock to commit, and the Dockerfile cannot COPY it.
      assertThat(Files.readString(IMAGE.getParent().resolve("cloudbuild.yaml")))
          .contains("gpu-job-image/scripts/lock-python --check");
      return;
    }
    List<String> lines = Files.readAllLines(lock);
    assertThat(lines).as("the lock's header records its inputs").contains("# inputs-sha256: " + inputsHash(IMAGE));
    assertThat(lines.stream().filter(line -> !line.startsWith("#") && !line.isBlank()
        && !line.strip().startsWith("--hash=")))
        .as("every requirement is exact").allMatch(line -> line.matches("[A-Za-z0-9._-]+(\\[[^]]+])?==\\S+ \\\\"));
  }

  @Test
  void theLocksInputsChangeWithAPinAndNotWithAComment() throws Exception {
    Path copy = Files.createDirectories(temp.resolve("gpu-job-image"));
    Files.copy(IMAGE.resolve("Dockerfile"), copy.resolve("Dockerfile"));
    Files.writeString(copy.resolve("custom-nodes.lock"), "# none\n");
    String before = inputsHash(copy);

    Files.writeString(copy.resolve("custom-nodes.lock"), "# none, said again\n\n");
    assertThat(inputsHash(copy)).isEqualTo(before);

    Files.writeString(copy.resolve("custom-nodes.lock"), "p https://example.com/p.git " + COMMIT + "\n");
    String pinned = inputsHash(copy);
    assertThat(pinned).isNotEqualTo(before).matches("[0-9a-f]{64}");

    Files.writeString(copy.resolve("Dockerfile"), Files.readString(copy.resolve("Dockerfile"))
        .replaceFirst("ARG TORCH_VERSION=\\S+", "ARG TORCH_VERSION=9.9.9"));
    assertThat(inputsHash(copy)).isNotEqualTo(pinned);
  }

  @Test
  void theLockScriptFailsLoudlyWhenTheDockerfileLacksAPinItNeeds() throws Exception {
    Path copy = Files.createDirectories(temp.resolve("broken"));
    Files.writeString(copy.resolve("Dockerfile"), Files.readString(IMAGE.resolve("Dockerfile"))
        .replaceFirst("ARG COMFYUI_COMMIT=\\S+\\n", ""));
    Files.writeString(copy.resolve("custom-nodes.lock"), "");

    Result result = lockPython(copy, "--inputs-hash");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("no 'ARG COMFYUI_COMMIT=' in");
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private static String inputsHash(Path imageDir) throws Exception {
    Result result = lockPython(imageDir, "--inputs-hash");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    return result.stdout().strip();
  }

  private static Result lockPython(Path imageDir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bash", IMAGE.resolve("scripts/lock-python").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("IMAGE_DIR", imageDir.toString());
    Process process = builder.start();
    process.getOutputStream().close();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), stdout, stderr);
  }
}
