package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.usecase.PromptValidation.PromptError;
import dev.darkroom.core.usecase.SubmitPrompt;

/**
 * Turns a {@code POST /prompt} body into a {@link SubmitPrompt.Request}, as ComfyUI reads it:
 * the body is JSON whatever its Content-Type says, unknown fields are ignored, {@code client_id}
 * is copied into {@code extra_data}.
 */
final class PromptRequests {
  private PromptRequests() {}

  /** Either a request or the error to answer with (400). */
  record Parsed(SubmitPrompt.Request request, PromptError error) {}

  static Parsed parse(ObjectMapper json, byte[] body, String userId) {
    JsonNode root = RequestBodies.json(body).orElse(null);
    if (root == null) {
      return new Parsed(null, ComfyErrors.invalidBody("request body is not valid JSON"));
    }
    if (!root.isObject()) {
      return new Parsed(null, ComfyErrors.invalidBody("request body must be a JSON object"));
    }
    JsonNode prompt = root.get("prompt");
    if (prompt == null) {
      return new Parsed(null, ComfyErrors.noPrompt());
    }
    if (!prompt.isObject()) {
      return new Parsed(null, ComfyErrors.invalidBody("prompt must be a JSON object of nodes"));
    }
    String promptId = null;
    JsonNode id = root.get("prompt_id");
    if (id != null && !id.isNull()) {
      promptId = id.isTextual() ? id.asText() : id.toString();
      if (!PromptIds.isValid(promptId)) {
        return new Parsed(null, ComfyErrors.invalidPromptId(promptId));
      }
    }
    Double number = null;
    JsonNode n = root.get("number");
    if (n != null && !n.isNull()) {
      if (!n.isNumber()) {
        return new Parsed(null, ComfyErrors.invalidBody("number must be a number"));
      }
      number = n.asDouble();
    }
    boolean front = root.path("front").asBoolean(false);
    JsonNode extra = root.get("extra_data");
    ObjectNode extraData = extra != null && extra.isObject() ? (ObjectNode) extra.deepCopy() : json.createObjectNode();
    String clientId = null;
    JsonNode client = root.get("client_id");
    if (client != null && !client.isNull()) {
      clientId = client.asText();
      extraData.put("client_id", clientId);
    }
    // As ComfyUI: only a list names targets; anything else means "every output".
    java.util.List<String> targets = null;
    JsonNode partial = root.get("partial_execution_targets");
    if (partial != null && partial.isArray()) {
      targets = new java.util.ArrayList<>();
      for (JsonNode target : partial) {
        targets.add(target.isTextual() ? target.textValue() : target.toString());
      }
    }
    return new Parsed(new SubmitPrompt.Request(
        userId, (ObjectNode) prompt, promptId, number, front, clientId, extraData, targets), null);
  }
}
