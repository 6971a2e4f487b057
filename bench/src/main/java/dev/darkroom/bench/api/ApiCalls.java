package dev.darkroom.bench.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls to one api host as a ComfyUI client makes them, over one keep-alive HTTP client; an API
 * key, when given, in {@code X-API-Key}. Any answer but the expected status is a failure.
 */
final class ApiCalls {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();

  private final String baseUrl;
  private final String apiKey;
  private final byte[] promptBody;

  /**
   * @param apiKey null to call without credentials (authentication off)
   * @param steps the sampler steps of the prompt (how long its job runs on the simulated
   *     engine); 0 keeps the workflow's own
   */
  ApiCalls(String baseUrl, String apiKey, int steps) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.promptBody = promptBody(steps);
  }

  /** {@code POST /prompt} of the bench's workflow; the new job's id. */
  String submit() {
    return send("POST", "/prompt", promptBody, 200).path("prompt_id").asText();
  }

  /** A GET that must answer 200, its body as JSON. */
  JsonNode get(String path) {
    return send("GET", path, null, 200);
  }

  /** The status of a request without the key: to check that authentication is on. */
  int statusWithoutKey(String path) {
    return exchange(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().timeout(Duration.ofSeconds(30)).build())
        .statusCode();
  }

  JsonNode send(String method, String path, byte[] body, int expectedStatus) {
    return send(method, path, body, expectedStatus, java.util.Map.of());
  }

  /** With these headers besides the key's. */
  JsonNode send(String method, String path, byte[] body, int expectedStatus, java.util.Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (apiKey != null) {
      request.header("X-API-Key", apiKey);
    }
    headers.forEach(request::header);
    HttpResponse<String> answer = exchange(request.build());
    if (answer.statusCode() != expectedStatus) {
      throw new IllegalStateException(method + " " + baseUrl + path + " answered " + answer.statusCode()
          + " (expected " + expectedStatus + "): " + answer.body());
    }
    try {
      return answer.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " answered something other than JSON: " + answer.body(), e);
    }
  }

  private static HttpResponse<String> exchange(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A real ComfyUI workflow (bench resources' sd1.5-txt2img) with {@code steps} sampler steps. */
  static byte[] promptBody(int steps) {
    try (InputStream in = ApiCalls.class.getResourceAsStream("/sd1.5-txt2img.json")) {
      ObjectNode workflow = (ObjectNode) JSON.readTree(in);
      workflow.fields().forEachRemaining(node -> {
        JsonNode inputs = node.getValue().path("inputs");
        if (inputs.has("steps") && steps > 0) {
          ((ObjectNode) inputs).put("steps", steps);
        }
      });
      ObjectNode body = JSON.createObjectNode();
      body.set("prompt", workflow);
      body.put("client_id", "darkroom-bench");
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the bench workflow is unreadable", e);
    }
  }
}
