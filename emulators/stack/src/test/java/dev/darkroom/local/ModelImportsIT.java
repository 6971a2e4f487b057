package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model imports on the local stack, as {@code ./darkroom up} runs them: {@code POST
 * /api/v2/models/imports} naming a model hub on 127.0.0.1 (the local stack's loopback switch), the
 * import job run by the Cloud Run emulator as its own process, the file streamed into the Storage
 * emulator's models bucket, and the models function's check making it {@code ready}, or
 * {@code refused} on a checksum mismatch. One stack for every test.
 */
class ModelImportsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static LocalStack stack;
  private static HttpServer hub;
  private static final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private static final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(new LocalStack.Options("darkroom-imports", 0, dataDir, Duration.ofMillis(100), null));
    hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hub.createContext("/", exchange -> {
      try (exchange) {
        authorizations.add(exchange.getRequestURI().getPath() + " "
            + exchange.getRequestHeaders().getFirst("Authorization"));
        byte[] bytes = files.get(exchange.getRequestURI().getPath());
        if (bytes == null) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    });
    hub.start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.stop(0);
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static byte[] safetensors(int floats) {
    byte[] json = ("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + floats + "],\"data_offsets\":[0," + floats * 4 + "]}}")
        .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
    out.writeBytes(json);
    out.writeBytes(new byte[floats * 4]);
    return out.toByteArray();
  }

  private String hubUrl(String path) {
    return "http://127.0.0.1:" + hub.getAddress().getPort() + path;
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/v2/models/imports"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
  }

  @Test
  void anImportFromALocalHubBecomesReadyAndIsListed() throws Exception {
    files.put("/org/repo/ink.safetensors", safetensors(20_000));
    String body = JSON.createObjectNode().put("url", hubUrl("/org/repo/ink.safetensors")).put("folder", "loras")
        .put("name", "hub/ink.safetensors").put("token", "hf_local_token").toString();

    HttpResponse<String> accepted = post(body);

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(accepted.body()).doesNotContain("hf_local_token");
    String location = accepted.headers().firstValue("Location").orElseThrow();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(location).path("state").asText().equals("ready"));
    JsonNode ready = get(location);
    assertThat(ready.path("size").asLong()).isEqualTo(files.get("/org/repo/ink.safetensors").length);
    assertThat(ready.path("import").path("bytes_done").asLong()).isEqualTo(ready.path("size").asLong());
    assertThat(authorizations).contains("/org/repo/ink.safetensors Bearer hf_local_token");
    assertThat(get("/api/v2/models?folder=loras").path("models").findValuesAsText("name"))
        .contains("hub/ink.safetensors");

    assertThat(post(body).statusCode()).as("the same request again: the same import").isEqualTo(202);
    assertThat(authorizations.stream().filter(a -> a.startsWith("/org/repo/ink.safetensors"))).hasSize(1);
  }

  @Test
  void aChecksumMismatchEndsRefusedAndAUrlThePolicyRefusesIsA400() throws Exception {
    files.put("/other.safetensors", safetensors(100));
    HttpResponse<String> accepted = post(JSON.createObjectNode().put("url", hubUrl("/other.safetensors"))
        .put("folder", "vae").put("name", "mismatch.safetensors").put("sha256", "00".repeat(32)).toString());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String location = accepted.headers().firstValue("Location").orElseThrow();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(location).path("state").asText().equals("refused"));
    assertThat(get(location).path("reason").asText()).startsWith("checksum mismatch");

    HttpResponse<String> refused = post(JSON.createObjectNode().put("url", "https://10.0.0.1/x.safetensors")
        .put("folder", "vae").put("name", "private.safetensors").toString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(refused.body()).path("error").path("fields").get(0).path("field").asText())
        .isEqualTo("url");
  }
}
