package dev.darkroom.functions.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.core.limits.Admission;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Answers in ComfyUI's forms: JSON bodies, aiohttp's {@code "404: Not Found"} texts, empty acks. */
public final class Replies {
  public static final ObjectMapper JSON = new ObjectMapper();

  private Replies() {}

  public static void json(HttpResponse response, int status, JsonNode body) throws IOException {
    send(response, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
  }

  /** JSON already written as bytes (a listing that was assembled entry by entry). */
  public static void jsonBytes(HttpResponse response, int status, byte[] body) throws IOException {
    send(response, status, "application/json; charset=utf-8", body);
  }

  /** Bytes of any kind, e.g. a user's file or a re-encoded image, with their length. */
  public static void bytes(HttpResponse response, int status, String contentType, byte[] body) throws IOException {
    send(response, status, contentType, body);
  }

  public static void text(HttpResponse response, int status, String body) throws IOException {
    send(response, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The whole body at once with its length: the server writes headers and body together and the
   * client reads to a known end, where a streamed body goes out chunked, its last chunk on its own.
   */
  private static void send(HttpResponse response, int status, String contentType, byte[] body) throws IOException {
    response.setStatusCode(status);
    response.setContentType(contentType);
    response.appendHeader("Content-Length", Integer.toString(body.length));
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    }
  }

  /** ComfyUI acknowledges with {@code 200} and no body at all. */
  public static void ack(HttpResponse response) {
    response.setStatusCode(200);
  }

  /**
   * A client error to answer with {@code status} and a plain-text reason. Thrown by handlers so
   * that bad input never escapes as a 500.
   */
  public static final class Refusal extends RuntimeException {
    final int status;

    public Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public static Refusal badRequest(String why) {
      return new Refusal(400, "400: Bad Request: " + why);
    }
  }

  /**
   * A client error on a v2 route ({@code /api/v2/...}), answered as Darkroom's own JSON error
   * {@code {"error": {"status", "message"}}} rather than ComfyUI's plain text.
   */
  public static final class ApiError extends RuntimeException {
    final int status;

    public ApiError(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    /** A job that does not exist and one of another user's answer alike. */
    public static ApiError noJobOfYours() {
      return new ApiError(404, "no job of yours has this id");
    }
  }

  /** 429 or 402, with {@code Retry-After} in seconds. */
  public static void refuse(HttpResponse response, Admission.Refusal refusal) throws IOException {
    response.appendHeader("Retry-After", Long.toString(Math.max(1, refusal.retryAfter().toSeconds())));
    String reason = refusal.status() == 402 ? "Payment Required" : "Too Many Requests";
    text(response, refusal.status(), refusal.status() + ": " + reason + ": " + refusal.message());
  }

  /** 400 naming the one field that is wrong: {@code {error: {status, message, fields: [{field, message}]}}}. */
  public static void fieldError(HttpResponse response, String field, String message) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode reply = JSON.createObjectNode();
    com.fasterxml.jackson.databind.node.ObjectNode error = reply.putObject("error").put("status", 400)
        .put("message", field + ": " + message);
    error.putArray("fields").addObject().put("field", field).put("message", message);
    json(response, 400, reply);
  }

  /** Darkroom's JSON error body on the v2 routes. */
  public static void apiError(HttpResponse response, int status, String message) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode reply = JSON.createObjectNode();
    reply.putObject("error").put("status", status).put("message", message);
    json(response, status, reply);
  }
}
