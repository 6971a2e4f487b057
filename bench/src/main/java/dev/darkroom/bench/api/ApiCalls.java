package dev.darkroom.bench.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Calls to one api host as a ComfyUI client makes them, over one keep-alive HTTP/1.1 client; an
 * API key, when given, in {@code X-API-Key}. Any answer but the expected status is a failure.
 *
 * <p>The client is OkHttp's, not the JDK's: the load generator shares this machine's two cores
 * with the function it measures and the emulators, and the JDK's client spent about three times
 * the CPU per request (0.16 to 0.32 ms against OkHttp's 0.04 to 0.06 ms, 8 and 32 callers on
 * loopback; docs/PERFORMANCE.md). The requests are the same: no retry, no redirect followed, no
 * compression asked for.
 */
final class ApiCalls {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  /**
   * One connection per caller at p2's 32 callers, and a few more; idle ones closed before the
   * api's Jetty closes them (30 s), so that no request is sent on a connection the server dropped.
   */
  private static final OkHttpClient HTTP = new OkHttpClient.Builder()
      .connectionPool(new ConnectionPool(64, 20, TimeUnit.SECONDS))
      .connectTimeout(Duration.ofSeconds(10))
      .readTimeout(Duration.ofSeconds(60))
      .callTimeout(Duration.ofSeconds(60))
      .retryOnConnectionFailure(false)
      .followRedirects(false)
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
    return exchange(request(path).get().build()).status();
  }

  JsonNode send(String method, String path, byte[] body, int expectedStatus) {
    return send(method, path, body, expectedStatus, Map.of());
  }

  /** With these headers besides the key's. */
  JsonNode send(String method, String path, byte[] body, int expectedStatus, Map<String, String> headers) {
    Request.Builder request = request(path)
        .method(method, body == null ? emptyBodyFor(method) : RequestBody.create(body, JSON_TYPE));
    if (apiKey != null) {
      request.header("X-API-Key", apiKey);
    }
    headers.forEach(request::header);
    Answer answer = exchange(request.build());
    if (answer.status() != expectedStatus) {
      throw new IllegalStateException(method + " " + baseUrl + path + " answered " + answer.status()
          + " (expected " + expectedStatus + "): " + answer.body());
    }
    try {
      return answer.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " answered something other than JSON: " + answer.body(), e);
    }
  }

  private Request.Builder request(String path) {
    // OkHttp would ask for gzip by itself; the server is to do the same work for every client.
    return new Request.Builder().url(baseUrl + path).header("Accept-Encoding", "identity");
  }

  /** OkHttp refuses a POST without a body: such a request goes with an empty one, as the JDK's client sent it. */
  private static RequestBody emptyBodyFor(String method) {
    return method.equals("GET") || method.equals("HEAD") ? null : RequestBody.create(new byte[0], null);
  }

  private static Answer exchange(Request request) {
    try (Response response = HTTP.newCall(request).execute()) {
      return new Answer(response.code(), response.body() == null ? "" : response.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.url() + " failed", e);
    }
  }

  /** A response's status and whole body. */
  private record Answer(int status, String body) {}

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
