package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import javax.imageio.ImageIO;

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
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

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

  /**
   * The script queues the default workflow (its text and seed 5) and prints nothing: what it
   * produced is the one prompt that appears in history while it runs, which must be its workflow,
   * run to success, with a 512 x 512 PNG.
   */
  @Test
  void basicApiExampleQueuesItsPrompt() throws Exception {
    Set<String> before = historyIds();
    Result result = run(List.of(PYTHON, script("basic_api_example.py").toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();

    Set<String> added = await().atMost(SCRIPT_TIMEOUT).pollInterval(Duration.ofMillis(250))
        .until(() -> without(historyIds(), before), ids -> !ids.isEmpty());
    assertThat(added).as("one prompt queued by the script").hasSize(1);
    String promptId = added.iterator().next();
    JsonNode entry = JSON.readTree(get("/history/" + promptId)).get(promptId);
    assertThat(entry.at("/status/status_str").asText()).as(entry.toString()).isEqualTo("success");
    JsonNode graph = entry.at("/prompt/2");
    assertThat(graph.at("/6/inputs/text").asText()).isEqualTo("masterpiece best quality man");
    assertThat(graph.at("/3/inputs/seed").asLong()).isEqualTo(5);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(view(entry.at("/outputs/9/images/0"))));
    assertThat(image).as("a PNG the JDK decodes").isNotNull();
    assertThat(image.getWidth()).isEqualTo(512);
    assertThat(image.getHeight()).isEqualTo(512);
  }

  /**
   * The script waits on /ws for its prompt's {@code executing null}, then reads history and fetches
   * each image through /view; it keeps them in its global {@code images}, which the wrapper reports
   * (size from the PNG header, SHA-256). The image it saved must be the one history lists for the
   * prompt it queued, byte for byte.
   */
  @Test
  void websocketsApiExampleWaitsOnTheSocketAndFetchesItsImage() throws Exception {
    String wrapper = String.join("\n",
        "import hashlib, json, runpy, sys, time, websocket",
        // Each message the script receives goes to stderr with its time: a hang shows the last one.
        "_recv = websocket.WebSocket.recv",
        "def _logged(self):",
        "    out = _recv(self)",
        "    print(time.strftime('%H:%M:%S'), out if isinstance(out, str) else '<%d binary bytes>' % len(out), file=sys.stderr, flush=True)",
        "    return out",
        "websocket.WebSocket.recv = _logged",
        "g = runpy.run_path(sys.argv[1])",
        "print(json.dumps({node: [{'png': b[:8] == b'\\x89PNG\\r\\n\\x1a\\n',"
            + " 'width': int.from_bytes(b[16:20], 'big'), 'height': int.from_bytes(b[20:24], 'big'),"
            + " 'sha256': hashlib.sha256(b).hexdigest()} for b in imgs]"
            + " for node, imgs in g['images'].items()}))");
    Set<String> before = historyIds();
    Result result = run(List.of(PYTHON, "-c", wrapper, script("websockets_api_example.py").toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();

    String lastLine = result.output().strip().lines().reduce((a, b) -> b).orElse("");
    JsonNode images = JSON.readTree(lastLine);
    assertThat(images.path("9")).as(result.output()).hasSize(1);
    JsonNode saved = images.at("/9/0");
    assertThat(saved.path("png").asBoolean()).as(result.output()).isTrue();
    assertThat(saved.path("width").asInt()).isEqualTo(512);
    assertThat(saved.path("height").asInt()).isEqualTo(512);

    // The script returns once it has fetched its images, so its prompt is in history by now.
    Set<String> added = without(historyIds(), before);
    assertThat(added).as("one prompt queued by the script").hasSize(1);
    String promptId = added.iterator().next();
    JsonNode entry = JSON.readTree(get("/history/" + promptId)).get(promptId);
    assertThat(entry.at("/status/status_str").asText()).as(entry.toString()).isEqualTo("success");
    byte[] listed = view(entry.at("/outputs/9/images/0"));
    assertThat(saved.path("sha256").asText()).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(listed)));
  }

  private static Set<String> historyIds() throws Exception {
    Set<String> ids = new HashSet<>();
    JSON.readTree(get("/history")).fieldNames().forEachRemaining(ids::add);
    return ids;
  }

  private static Set<String> without(Set<String> all, Set<String> removed) {
    Set<String> rest = new HashSet<>(all);
    rest.removeAll(removed);
    return rest;
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
    return answer.body();
  }

  /** The bytes of an output image, through /view (which redirects to the file). */
  private static byte[] view(JsonNode image) throws Exception {
    String query = "filename=" + enc(image.path("filename").asText()) + "&subfolder="
        + enc(image.path("subfolder").asText()) + "&type=" + enc(image.path("type").asText());
    HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/view?" + query)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(answer.statusCode()).as(query).isEqualTo(200);
    return answer.body();
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private record Result(int exitCode, String output) {}

  /**
   * Runs a script with its output in a file (a pipe read only at the end could fill and stall it).
   * A script that overruns is stopped, and the failure carries what it printed and where its
   * prompts stand in /queue and /history, so a hang says which hop it waited on.
   */
  private static Result run(List<String> command) throws Exception {
    Path log = Files.createTempFile(dataDir, "script", ".log");
    Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    process.getOutputStream().close();
    if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not finish in " + SCRIPT_TIMEOUT + "; it printed:\n"
          + Files.readString(log) + "\n/queue: " + get("/queue") + "\n/history: " + get("/history"));
    }
    Result result = new Result(process.exitValue(), Files.readString(log));
    // In the test report: what ComfyUI's script printed, for whoever reads why it passed or failed.
    System.out.println(command.get(command.size() - 1) + " exited " + result.exitCode() + ", printed: " + result.output());
    return result;
  }

  private static Path script(String name) throws URISyntaxException {
    return Path.of(ComfyExampleClientsIT.class.getResource("/comfyui-examples/" + name).toURI());
  }
}
