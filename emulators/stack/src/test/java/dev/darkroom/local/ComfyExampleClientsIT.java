package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's own example clients (script_examples/, unchanged; see the README beside them) against
 * the local stack. They hard-code 127.0.0.1:8188, so the stack takes exactly that port. Debian's
 * {@code /usr/bin/python3}: the websockets example needs Debian's {@code python3-websocket}.
 */
class ComfyExampleClientsIT {
  private static final int COMFYUI_PORT = 8188;
  private static final String PYTHON = "/usr/bin/python3";
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static LocalStack stack;

  @BeforeAll
  static void startStackOnComfyUisPort() {
    try (ServerSocket probe = new ServerSocket(COMFYUI_PORT, 1, InetAddress.getByName("127.0.0.1"))) {
      probe.setReuseAddress(true);
    } catch (IOException taken) {
      throw new IllegalStateException("port 127.0.0.1:" + COMFYUI_PORT + " is in use (a ./darkroom up, or ComfyUI?): "
          + "ComfyUI's example clients hard-code it; stop whatever listens there and run again", taken);
    }
    stack = LocalStack.start(new LocalStack.Options("darkroom-examples", COMFYUI_PORT, dataDir, Duration.ofMillis(5), null));
  }

  @AfterAll
  static void stopStack() {
    Resources.closeAll(stack);
  }

  @Test
  void basicApiExampleQueuesItsPrompt() throws Exception {
    Result result = run(List.of(PYTHON, script("basic_api_example.py").toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  /**
   * The script waits on /ws for its prompt's {@code executing null}, then reads history and fetches
   * each image through /view; it keeps them in its global {@code images}, which the wrapper reports.
   */
  @Test
  void websocketsApiExampleWaitsOnTheSocketAndFetchesItsImage() throws Exception {
    String wrapper = String.join("\n",
        "import json, runpy, sys",
        "g = runpy.run_path(sys.argv[1])",
        "print(json.dumps({node: [{'bytes': len(b), 'png': b[:8] == b'\\x89PNG\\r\\n\\x1a\\n'} for b in imgs]"
            + " for node, imgs in g['images'].items()}))");
    Result result = run(List.of(PYTHON, "-c", wrapper, script("websockets_api_example.py").toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();

    String lastLine = result.output().strip().lines().reduce((a, b) -> b).orElse("");
    JsonNode images = JSON.readTree(lastLine);
    assertThat(images.at("/9/0/png").asBoolean()).as(result.output()).isTrue();
    assertThat(images.at("/9/0/bytes").asInt()).isGreaterThan(1000);
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    process.getOutputStream().close();
    if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish in " + SCRIPT_TIMEOUT + ": "
          + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    Result result = new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    // In the test report: what ComfyUI's script printed, for whoever reads why it passed or failed.
    System.out.println(command.get(command.size() - 1) + " exited " + result.exitCode() + ", printed: " + result.output());
    return result;
  }

  private static Path script(String name) throws URISyntaxException {
    return Path.of(ComfyExampleClientsIT.class.getResource("/comfyui-examples/" + name).toURI());
  }
}
