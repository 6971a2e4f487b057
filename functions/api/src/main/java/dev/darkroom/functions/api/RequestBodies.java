package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.functions.HttpRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Request bodies, read with a bound. ComfyUI applies one limit (100 MB) to every body; a function
 * holds the body in memory, so each kind gets its own: {@link #PROMPT_LIMIT} for {@code /prompt}
 * (the biggest real workflows are well under 1 MiB), {@link #UPLOAD_LIMIT} for uploads (under Cloud
 * Functions' 32 MiB request cap) and {@link #CONTROL_LIMIT} for the small control bodies.
 */
final class RequestBodies {
  static final int PROMPT_LIMIT = 10 * 1024 * 1024;
  static final int UPLOAD_LIMIT = 20 * 1024 * 1024;
  static final int CONTROL_LIMIT = 1024 * 1024;

  private RequestBodies() {}

  /** The body, or a 413 refusal when it is (or declares itself) longer than {@code limit}. */
  static byte[] read(HttpRequest request, int limit) throws IOException {
    if (request.getContentLength() > limit) {
      throw tooLarge(limit);
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(limit + 1);
      if (body.length > limit) {
        throw tooLarge(limit);
      }
      return body;
    }
  }

  /**
   * The body as JSON whatever its Content-Type says (aiohttp's {@code request.json()} ignores it,
   * so clients send JSON labelled {@code application/x-www-form-urlencoded}), or empty when it is
   * not JSON. Jackson's default limits (nesting depth 1000, number and string lengths) refuse
   * hostile documents before they are built.
   */
  static Optional<JsonNode> json(byte[] body) {
    try {
      JsonNode node = Replies.JSON.readTree(body);
      return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A control body ({@code /queue}, {@code /history}) that must be a JSON object: 400 otherwise. */
  static JsonNode jsonObject(HttpRequest request) throws IOException {
    JsonNode node = json(read(request, CONTROL_LIMIT))
        .orElseThrow(() -> Replies.Refusal.badRequest("the body must be JSON (ComfyUI answers 500 here)"));
    if (!node.isObject()) {
      throw Replies.Refusal.badRequest("the body must be a JSON object");
    }
    return node;
  }

  private static Replies.Refusal tooLarge(int limit) {
    return new Replies.Refusal(413, "413: Request Entity Too Large: the limit here is " + limit + " bytes");
  }
}
