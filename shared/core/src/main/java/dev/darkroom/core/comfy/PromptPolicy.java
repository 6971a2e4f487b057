package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.NodeCatalogStore;
import dev.darkroom.core.port.OutputStore;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Darkroom's one policy on what prompt it queues: the bounds of {@link InputLimits} on a parsed
 * prompt ({@link #checkBounds}), then ComfyUI's own validation against the catalog of the engine
 * Darkroom runs ({@link PublishedCatalog}, {@link CatalogCheck}), with LoadImage-style inputs checked
 * against the caller's uploads as ComfyUI's {@code VALIDATE_INPUTS} checks its input folder. Until
 * any engine has published a catalog, only the structural check applies ({@link #structural}).
 */
public final class PromptPolicy {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PublishedCatalog catalog;
  private final OutputStore uploads;

  /** @param uploads the bucket whose {@code inputs/{user}/…} objects are the users' uploads */
  public PromptPolicy(NodeCatalogStore catalogs, OutputStore uploads, Clock clock) {
    this(new PublishedCatalog(catalogs, clock), uploads);
  }

  public PromptPolicy(PublishedCatalog catalog, OutputStore uploads) {
    this.catalog = catalog;
    this.uploads = uploads;
  }

  /** The catalog prompts are checked against, which {@code /object_info} also answers with. */
  public PublishedCatalog catalog() {
    return catalog;
  }

  /**
   * Checks a prompt as {@code POST /prompt} does before queueing. ComfyUI's coercions can lengthen
   * a prompt ({@code 1e20} for an INT becomes 21 digits), so the size it will be stored at is
   * checked again on the coerced prompt.
   *
   * @param partialExecutionTargets ComfyUI's {@code partial_execution_targets}, or null for all
   * @param userId whose uploads a LoadImage-style input may name; null sees no upload
   */
  public PromptVerdict check(ObjectNode prompt, List<String> partialExecutionTargets, String userId) {
    PromptVerdict checked = catalog.current()
        .map(c -> new CatalogCheck(c,
                CustomInputCheck.fileExists(name -> userId != null && uploaded(userId, name)))
            .check(prompt, partialExecutionTargets))
        .orElseGet(() -> structural(prompt));
    if (checked.accepted()) {
      Optional<PromptError> tooLarge = checkStoredSize(checked.prompt());
      if (tooLarge.isPresent()) {
        return PromptVerdict.refused(tooLarge.get(), checked.prompt());
      }
    }
    return checked;
  }

  /**
   * ComfyUI's first check without a catalog to go further, on every node whether reachable or not:
   * a node without a string {@code class_type}, or without an {@code inputs} object, makes the
   * prompt {@code invalid_prompt}.
   */
  public static PromptVerdict structural(ObjectNode prompt) {
    Iterator<Map.Entry<String, JsonNode>> nodes = prompt.fields();
    while (nodes.hasNext()) {
      Map.Entry<String, JsonNode> node = nodes.next();
      if (!node.getValue().isObject() || !node.getValue().path("class_type").isTextual()) {
        return PromptVerdict.refused(PromptError.missingClassType(node.getKey()), prompt);
      }
      if (!node.getValue().path("inputs").isObject()) {
        return PromptVerdict.refused(PromptError.of("invalid_prompt",
            "Invalid prompt", "Node ID '#" + node.getKey() + "' has no inputs object"), prompt);
      }
    }
    return PromptVerdict.accepted(prompt);
  }

  /** The node count, each node's class_type and input count, and the prompt's size as stored. */
  public static Optional<PromptError> checkBounds(ObjectNode prompt) {
    if (prompt.size() > InputLimits.PROMPT_NODES) {
      return Optional.of(PromptError.tooLarge("the prompt has " + prompt.size() + " nodes; at most "
          + InputLimits.PROMPT_NODES + " are accepted"));
    }
    Iterator<Map.Entry<String, JsonNode>> nodes = prompt.fields();
    while (nodes.hasNext()) {
      Map.Entry<String, JsonNode> node = nodes.next();
      JsonNode classType = node.getValue().path("class_type");
      if (classType.isTextual() && classType.textValue().length() > InputLimits.CLASS_TYPE_CHARS) {
        return Optional.of(PromptError.tooLarge("node " + InputLimits.shown(node.getKey()) + " has a class_type of "
            + classType.textValue().length() + " characters; at most " + InputLimits.CLASS_TYPE_CHARS
            + " are accepted"));
      }
      JsonNode inputs = node.getValue().path("inputs");
      if (inputs.size() > InputLimits.NODE_INPUTS) {
        return Optional.of(PromptError.tooLarge("node " + InputLimits.shown(node.getKey()) + " has " + inputs.size()
            + " inputs; at most " + InputLimits.NODE_INPUTS + " are accepted"));
      }
    }
    return checkStoredSize(prompt);
  }

  /** A prompt whose stored form would not fit {@link InputLimits#PROMPT_JSON_BYTES}. */
  static Optional<PromptError> checkStoredSize(ObjectNode prompt) {
    long bytes = storedBytes(prompt);
    if (bytes > InputLimits.PROMPT_JSON_BYTES) {
      return Optional.of(PromptError.tooLarge("the prompt takes " + bytes + " bytes as compact JSON; at most "
          + InputLimits.PROMPT_JSON_BYTES + " are accepted"));
    }
    return Optional.empty();
  }

  /** The size of {@code node} as compact UTF-8 JSON, as the job store keeps it, counted without a copy. */
  public static long storedBytes(JsonNode node) {
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
      JSON.writeValue(counter, node);
    } catch (IOException e) {
      // Every string was checked to be well-formed Unicode when the body was parsed.
      throw new IllegalStateException("a checked prompt cannot be written as JSON", e);
    }
    return count[0];
  }

  /**
   * LoadImage's {@code VALIDATE_INPUTS}: does the value name a file this user uploaded? Values use
   * ComfyUI's annotated form ({@code "sub/a.png"}, {@code "a.png [input]"}); {@code [output]} and
   * {@code [temp]} name engine folders that Darkroom's users cannot write, so they never exist.
   */
  public boolean uploaded(String user, String annotated) {
    return InputPaths.parseAnnotated(annotated)
        .map(file -> uploads.stat(file.objectName(user)).isPresent())
        .orElse(false);
  }
}
