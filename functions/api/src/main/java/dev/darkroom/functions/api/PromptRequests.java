package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.usecase.PromptValidation.PromptError;
import dev.darkroom.core.usecase.SubmitPrompt;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@code POST /prompt} body into a {@link SubmitPrompt.Request}, as ComfyUI reads it:
 * the body is JSON whatever its Content-Type says, unknown fields are ignored, {@code client_id}
 * is copied into {@code extra_data}. Unlike ComfyUI it bounds what it accepts ({@link InputLimits}):
 * a body past a bound is refused before validation, in ComfyUI's error shape.
 */
final class PromptRequests {
  private PromptRequests() {}

  /** Either a request or the error to answer with ({@link ComfyErrors#status}). */
  record Parsed(SubmitPrompt.Request request, PromptError error) {
    static Parsed refused(PromptError error) {
      return new Parsed(null, error);
    }
  }

  static Parsed parse(ObjectMapper json, byte[] body, String userId) {
    JsonNode root;
    try {
      root = RequestBodies.parse(body);
    } catch (RequestBodies.Unusable e) {
      return Parsed.refused(e.status == 413 ? ComfyErrors.tooLarge(e.getMessage()) : ComfyErrors.invalidBody(e.getMessage()));
    }
    if (!root.isObject()) {
      return Parsed.refused(ComfyErrors.invalidBody("request body must be a JSON object"));
    }
    JsonNode prompt = root.get("prompt");
    if (prompt == null) {
      return Parsed.refused(ComfyErrors.noPrompt());
    }
    if (!prompt.isObject()) {
      return Parsed.refused(ComfyErrors.invalidBody("prompt must be a JSON object of nodes"));
    }
    PromptError tooLarge = checkNodes((ObjectNode) prompt);
    if (tooLarge != null) {
      return Parsed.refused(tooLarge);
    }
    String promptId = null;
    JsonNode id = root.get("prompt_id");
    if (id != null && !id.isNull()) {
      promptId = id.isTextual() ? id.asText() : id.toString();
      if (!PromptIds.isValid(promptId)) {
        return Parsed.refused(ComfyErrors.invalidPromptId(promptId));
      }
    }
    Double number = null;
    JsonNode n = root.get("number");
    if (n != null && !n.isNull()) {
      if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
        return Parsed.refused(ComfyErrors.invalidBody("number must be a finite number"));
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
      if (clientId.length() > InputLimits.CLIENT_ID_CHARS) {
        return Parsed.refused(ComfyErrors.tooLarge("client_id has " + clientId.length() + " characters; at most "
            + InputLimits.CLIENT_ID_CHARS + " are accepted"));
      }
      if (clientId.chars().anyMatch(Character::isISOControl)) {
        return Parsed.refused(ComfyErrors.invalidBody("client_id must not hold control characters"));
      }
      extraData.put("client_id", clientId);
    }
    long extraBytes = storedBytes(extraData);
    if (extraBytes > InputLimits.EXTRA_DATA_JSON_BYTES) {
      return Parsed.refused(ComfyErrors.tooLarge("extra_data takes " + extraBytes + " bytes as compact JSON; at most "
          + InputLimits.EXTRA_DATA_JSON_BYTES + " are accepted"));
    }
    // As ComfyUI: only a list names targets; anything else means "every output".
    List<String> targets = null;
    JsonNode partial = root.get("partial_execution_targets");
    if (partial != null && partial.isArray()) {
      if (partial.size() > InputLimits.PROMPT_NODES) {
        return Parsed.refused(ComfyErrors.tooLarge("partial_execution_targets lists " + partial.size()
            + " nodes; a prompt has at most " + InputLimits.PROMPT_NODES));
      }
      targets = new ArrayList<>();
      for (JsonNode target : partial) {
        targets.add(target.isTextual() ? target.textValue() : target.toString());
      }
    }
    return new Parsed(new SubmitPrompt.Request(
        userId, (ObjectNode) prompt, promptId, number, front, clientId, extraData, targets), null);
  }

  /** The node count, each node's class_type and input count, and the prompt's size as stored. */
  private static PromptError checkNodes(ObjectNode prompt) {
    if (prompt.size() > InputLimits.PROMPT_NODES) {
      return ComfyErrors.tooLarge("the prompt has " + prompt.size() + " nodes; at most " + InputLimits.PROMPT_NODES
          + " are accepted");
    }
    Iterator<Map.Entry<String, JsonNode>> nodes = prompt.fields();
    while (nodes.hasNext()) {
      Map.Entry<String, JsonNode> node = nodes.next();
      JsonNode classType = node.getValue().path("class_type");
      if (classType.isTextual() && classType.textValue().length() > InputLimits.CLASS_TYPE_CHARS) {
        return ComfyErrors.tooLarge("node " + ComfyErrors.shown(node.getKey()) + " has a class_type of "
            + classType.textValue().length() + " characters; at most " + InputLimits.CLASS_TYPE_CHARS + " are accepted");
      }
      JsonNode inputs = node.getValue().path("inputs");
      if (inputs.size() > InputLimits.NODE_INPUTS) {
        return ComfyErrors.tooLarge("node " + ComfyErrors.shown(node.getKey()) + " has " + inputs.size()
            + " inputs; at most " + InputLimits.NODE_INPUTS + " are accepted");
      }
    }
    return checkStoredSize(prompt);
  }

  /** A prompt whose stored form would not fit {@link InputLimits#PROMPT_JSON_BYTES}, or null. */
  static PromptError checkStoredSize(ObjectNode prompt) {
    long bytes = storedBytes(prompt);
    if (bytes > InputLimits.PROMPT_JSON_BYTES) {
      return ComfyErrors.tooLarge("the prompt takes " + bytes + " bytes as compact JSON; at most "
          + InputLimits.PROMPT_JSON_BYTES + " are accepted");
    }
    return null;
  }

  /** The size of {@code node} as compact UTF-8 JSON, as the job store keeps it, counted without a copy. */
  static long storedBytes(JsonNode node) {
    long[] count = new long[1];
    OutputStream counter = new OutputStream() {
      @Override
      public void write(int b) {
        count[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        count[0] += len;
      }
    };
    try {
      Replies.JSON.writeValue(counter, node);
    } catch (IOException e) {
      // Every string was checked to be well-formed Unicode when the body was parsed.
      throw new IllegalStateException("a checked prompt cannot be written as JSON", e);
    }
    return count[0];
  }
}
