package dev.darkroom.functions.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.core.comfy.PromptError;
import java.io.IOException;

/** Error bodies in ComfyUI's shape: {@code {"error": {type, message, details, extra_info}, "node_errors": {...}}}. */
public final class ComfyErrors {
  private ComfyErrors() {}

  /** The status to answer an error with: 413 for a prompt past a bound, ComfyUI's 400 for every other. */
  static int status(PromptError error) {
    return error.tooLarge() ? 413 : 400;
  }

  /** Answers {@code error} in ComfyUI's shape, with its status. */
  public static void reply(HttpResponse response, PromptError error, ObjectNode nodeErrors) throws IOException {
    Replies.json(response, status(error), body(Replies.JSON, error, nodeErrors));
  }

  static ObjectNode body(ObjectMapper json, PromptError error, ObjectNode nodeErrors) {
    ObjectNode body = json.createObjectNode();
    ObjectNode e = body.putObject("error");
    e.put("type", error.type());
    e.put("message", error.message());
    e.put("details", error.details());
    e.set("extra_info", error.extraInfo() != null ? error.extraInfo() : json.createObjectNode());
    body.set("node_errors", nodeErrors != null ? nodeErrors : json.createObjectNode());
    return body;
  }
}
