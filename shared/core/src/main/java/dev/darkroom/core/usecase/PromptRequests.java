package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PromptError;
import dev.darkroom.core.job.PromptIds;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.limits.RunTimeLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a {@code POST /prompt} body, parsed as JSON, into a {@link SubmitPrompt.Request}, as ComfyUI
 * reads it: unknown fields are ignored, {@code client_id} is copied into {@code extra_data}. Darkroom's
 * own {@code extra_data.darkroom_max_run_seconds} asks for a time limit ({@link RunTimeLimits}). Unlike
 * ComfyUI it bounds what it accepts ({@link InputLimits}, {@link PromptPolicy#checkBounds}): a body
 * past a bound is refused before validation, in ComfyUI's error shape.
 */
public final class PromptRequests {
  private PromptRequests() {}

  /** Either a request or the error to answer with. */
  public record Parsed(SubmitPrompt.Request request, PromptError error) {
    public static Parsed refused(PromptError error) {
      return new Parsed(null, error);
    }
  }

  /**
   * {@code POST /api/v2/jobs}: {@link #parse}, and the body's own {@value RunTimeLimits#REQUEST_FIELD}
   * (beside {@code extra_data}'s, which ComfyUI clients send: the tighter applies).
   */
  public static Parsed parseJob(JsonNode root, String userId) {
    Parsed parsed = parse(root, userId);
    if (parsed.error() != null) {
      return parsed;
    }
    RunTimeLimits.Requested maxRun = RunTimeLimits.requested(root.get(RunTimeLimits.REQUEST_FIELD));
    if (maxRun.problem() != null) {
      return Parsed.refused(PromptError.invalidBody(RunTimeLimits.REQUEST_FIELD + " " + maxRun.problem()));
    }
    return new Parsed(parsed.request().cappedAt(maxRun.seconds()), null);
  }

  /** @param root the body as JSON, read within {@link InputLimits}' bounds on bodies */
  public static Parsed parse(JsonNode root, String userId) {
    if (!root.isObject()) {
      return Parsed.refused(PromptError.invalidBody("request body must be a JSON object"));
    }
    JsonNode prompt = root.get("prompt");
    if (prompt == null) {
      return Parsed.refused(PromptError.noPrompt());
    }
    if (!prompt.isObject()) {
      return Parsed.refused(PromptError.invalidBody("prompt must be a JSON object of nodes"));
    }
    Optional<PromptError> tooLarge = PromptPolicy.checkBounds((ObjectNode) prompt);
    if (tooLarge.isPresent()) {
      return Parsed.refused(tooLarge.get());
    }
    String promptId = null;
    JsonNode id = root.get("prompt_id");
    if (id != null && !id.isNull()) {
      promptId = id.isTextual() ? id.asText() : id.toString();
      if (!PromptIds.isValid(promptId)) {
        return Parsed.refused(PromptError.invalidPromptId(promptId));
      }
    }
    Double number = null;
    JsonNode n = root.get("number");
    if (n != null && !n.isNull()) {
      if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
        return Parsed.refused(PromptError.invalidBody("number must be a finite number"));
      }
      number = n.asDouble();
    }
    boolean front = root.path("front").asBoolean(false);
    JsonNode extra = root.get("extra_data");
    ObjectNode extraData = extra != null && extra.isObject() ? (ObjectNode) extra.deepCopy() : JsonNodeFactory.instance.objectNode();
    String clientId = null;
    JsonNode client = root.get("client_id");
    if (client != null && !client.isNull()) {
      clientId = client.asText();
      if (clientId.length() > InputLimits.CLIENT_ID_CHARS) {
        return Parsed.refused(PromptError.tooLarge("client_id has " + clientId.length() + " characters; at most "
            + InputLimits.CLIENT_ID_CHARS + " are accepted"));
      }
      if (clientId.chars().anyMatch(Character::isISOControl)) {
        return Parsed.refused(PromptError.invalidBody("client_id must not hold control characters"));
      }
      extraData.put("client_id", clientId);
    }
    RunTimeLimits.Requested maxRun = RunTimeLimits.requested(extraData.get(RunTimeLimits.EXTRA_DATA_FIELD));
    if (maxRun.problem() != null) {
      return Parsed.refused(PromptError.invalidBody("extra_data." + RunTimeLimits.EXTRA_DATA_FIELD + " "
          + maxRun.problem()));
    }
    long extraBytes = PromptPolicy.storedBytes(extraData);
    if (extraBytes > InputLimits.EXTRA_DATA_JSON_BYTES) {
      return Parsed.refused(PromptError.tooLarge("extra_data takes " + extraBytes + " bytes as compact JSON; at most "
          + InputLimits.EXTRA_DATA_JSON_BYTES + " are accepted"));
    }
    // As ComfyUI: only a list names targets; anything else means "every output".
    List<String> targets = null;
    JsonNode partial = root.get("partial_execution_targets");
    if (partial != null && partial.isArray()) {
      if (partial.size() > InputLimits.PROMPT_NODES) {
        return Parsed.refused(PromptError.tooLarge("partial_execution_targets lists " + partial.size()
            + " nodes; a prompt has at most " + InputLimits.PROMPT_NODES));
      }
      targets = new ArrayList<>();
      for (JsonNode target : partial) {
        targets.add(target.isTextual() ? target.textValue() : target.toString());
      }
    }
    return new Parsed(new SubmitPrompt.Request(
        userId, (ObjectNode) prompt, promptId, number, front, clientId, extraData, targets, null, maxRun.seconds()),
        null);
  }
}
