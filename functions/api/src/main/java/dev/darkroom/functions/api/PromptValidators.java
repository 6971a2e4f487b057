package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.ComfyPromptValidator;
import dev.darkroom.core.comfy.CustomInputCheck;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.port.NodeCatalogStore;
import dev.darkroom.core.usecase.PromptValidation;
import dev.darkroom.core.usecase.PromptValidation.PromptError;
import dev.darkroom.core.usecase.PromptValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates prompts exactly as ComfyUI does, against the catalog of the engine Darkroom runs
 * ({@link NodeCatalogStore}), re-read at most once a minute so a new image's nodes show up without
 * a redeploy. Until any engine has published a catalog, only the structural check applies, and
 * that is logged.
 */
final class PromptValidators implements PromptValidator {
  private static final Logger log = LoggerFactory.getLogger(PromptValidators.class);
  static final Duration REFRESH = Duration.ofMinutes(1);

  private final NodeCatalogStore catalogs;
  private final Clock clock;
  private volatile Loaded loaded;

  private record Loaded(Optional<ComfyPromptValidator> validator, Instant at) {}

  PromptValidators(NodeCatalogStore catalogs, Clock clock) {
    this.catalogs = catalogs;
    this.clock = clock;
  }

  @Override
  public PromptValidation validate(ObjectNode prompt) {
    return current().map(v -> v.validate(prompt)).orElseGet(() -> structural(prompt));
  }

  private Optional<ComfyPromptValidator> current() {
    Loaded now = loaded;
    if (now == null || now.at().plus(REFRESH).isBefore(clock.instant())) {
      synchronized (this) {
        now = loaded;
        if (now == null || now.at().plus(REFRESH).isBefore(clock.instant())) {
          Optional<ComfyPromptValidator> validator = catalogs.current()
              // Uploaded inputs (LoadImage) live in Cloud Storage, not in the engine's input folder.
              .map(objectInfo -> new ComfyPromptValidator(NodeCatalog.fromObjectInfo(objectInfo), CustomInputCheck.acceptAll()));
          if (validator.isEmpty()) {
            log.warn("no node catalog published yet: prompts get the structural check only");
          }
          now = new Loaded(validator, clock.instant());
          loaded = now;
        }
      }
    }
    return now.validator();
  }

  /**
   * ComfyUI's first check, on every node whether reachable or not: a node without a string
   * {@code class_type} makes the prompt {@code invalid_prompt}.
   */
  static PromptValidation structural(ObjectNode prompt) {
    Iterator<Map.Entry<String, JsonNode>> nodes = prompt.fields();
    while (nodes.hasNext()) {
      Map.Entry<String, JsonNode> node = nodes.next();
      JsonNode classType = node.getValue().path("class_type");
      if (!node.getValue().isObject() || !classType.isTextual()) {
        return PromptValidation.refused(PromptError.of("invalid_prompt",
            "Cannot execute because a node is missing the class_type property.",
            "Node ID '#" + node.getKey() + "'"));
      }
      if (!node.getValue().path("inputs").isObject()) {
        return PromptValidation.refused(PromptError.of("invalid_prompt",
            "Invalid prompt", "Node ID '#" + node.getKey() + "' has no inputs object"));
      }
    }
    return PromptValidation.ok();
  }
}
