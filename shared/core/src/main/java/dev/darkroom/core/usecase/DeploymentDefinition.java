package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.InputSpec;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.deployment.DeploymentInput;
import dev.darkroom.core.deployment.DeploymentLimits;
import dev.darkroom.core.deployment.FieldError;
import dev.darkroom.core.deployment.InputType;
import dev.darkroom.core.deployment.InputValues;
import dev.darkroom.core.limits.RunTimeLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code POST /api/v2/deployments}, {@code {name, workflow, inputs, max_run_seconds?}}, read
 * and checked ({@code max_run_seconds}: the most a run may take, {@link RunTimeLimits}):
 * each input must name a node of the workflow and one of its inputs of a compatible type (against
 * the published catalog when there is one; without one, an input the workflow already sets).
 * Every wrong field is reported at once. The workflow itself is checked as a prompt, by the caller.
 */
public record DeploymentDefinition(String name, ObjectNode workflow, List<DeploymentInput> inputs,
    Long maxRunSeconds) {

  /** A definition, or the fields that are wrong. */
  public record Parsed(DeploymentDefinition definition, List<FieldError> errors) {}

  public static Parsed parse(JsonNode body, Optional<NodeCatalog> catalog) {
    List<FieldError> errors = new ArrayList<>();
    String name = body.path("name").isTextual() ? body.path("name").textValue() : null;
    if (name == null) {
      errors.add(new FieldError("name", "required, a string"));
    } else if (!DeploymentLimits.NAME.matcher(name).matches()) {
      errors.add(new FieldError("name", "must match " + DeploymentLimits.NAME.pattern()));
    }
    JsonNode workflow = body.path("workflow");
    if (!workflow.isObject() || workflow.isEmpty()) {
      errors.add(new FieldError("workflow", "required, a workflow in ComfyUI's API format (an object of nodes)"));
    }
    RunTimeLimits.Requested maxRun = RunTimeLimits.requested(body.get(RunTimeLimits.REQUEST_FIELD));
    if (maxRun.problem() != null) {
      errors.add(new FieldError(RunTimeLimits.REQUEST_FIELD, maxRun.problem()));
    }
    JsonNode inputs = body.path("inputs");
    List<DeploymentInput> read = new ArrayList<>();
    if (!inputs.isArray()) {
      errors.add(new FieldError("inputs", "required, an array (it may be empty)"));
    } else if (inputs.size() > DeploymentLimits.INPUTS_PER_VERSION) {
      errors.add(new FieldError("inputs", "at most " + DeploymentLimits.INPUTS_PER_VERSION + " inputs are accepted"));
    } else {
      Set<String> names = new HashSet<>();
      Set<String> targets = new HashSet<>();
      for (int i = 0; i < inputs.size(); i++) {
        JsonNode entry = inputs.get(i);
        // A name is taken even by an entry that is wrong otherwise: its twin is named either way.
        if (entry.path("name").isTextual() && !names.add(entry.path("name").textValue())) {
          errors.add(new FieldError("inputs[" + i + "].name", "\"" + entry.path("name").textValue()
              + "\" is declared twice"));
          continue;
        }
        DeploymentInput input = new InputReader("inputs[" + i + "]", entry,
            workflow.isObject() ? (ObjectNode) workflow : null, catalog, errors).read();
        if (input == null) {
          continue;
        }
        if (!targets.add(input.node() + "\u0000" + input.input())) {
          errors.add(new FieldError("inputs[" + i + "].input",
              "node \"" + input.node() + "\" input \"" + input.input() + "\" is filled by another input already"));
        } else {
          read.add(input);
        }
      }
    }
    return errors.isEmpty()
        ? new Parsed(new DeploymentDefinition(name, (ObjectNode) workflow, read, maxRun.seconds()), List.of())
        : new Parsed(null, List.copyOf(errors));
  }

  /** Reads one entry of {@code inputs}, adding what is wrong with it to {@code errors}. */
  private record InputReader(String at, JsonNode entry, ObjectNode workflow, Optional<NodeCatalog> catalog,
      List<FieldError> errors) {

    DeploymentInput read() {
      int before = errors.size();
      if (!entry.isObject()) {
        errors.add(new FieldError(at, "must be an object"));
        return null;
      }
      String name = text("name");
      if (name != null && !DeploymentLimits.INPUT_NAME.matcher(name).matches()) {
        errors.add(new FieldError(at + ".name", "must match " + DeploymentLimits.INPUT_NAME.pattern()));
      }
      String node = text("node");
      String input = text("input");
      String typeName = text("type");
      InputType type = typeName == null ? null : InputType.fromWire(typeName).orElse(null);
      if (typeName != null && type == null) {
        errors.add(new FieldError(at + ".type", "unknown type \"" + typeName + "\"; one of string, integer, number, "
            + "boolean, choice, seed, image"));
      }
      String description = optionalText("description");
      if (description != null && description.length() > DeploymentLimits.DESCRIPTION_CHARS) {
        errors.add(new FieldError(at + ".description", "at most " + DeploymentLimits.DESCRIPTION_CHARS + " characters"));
      }
      Double minimum = number("minimum");
      Double maximum = number("maximum");
      if (minimum != null && maximum != null && minimum > maximum) {
        errors.add(new FieldError(at + ".minimum", "is greater than maximum"));
      }
      JsonNode required = entry.path("required");
      if (!required.isMissingNode() && !required.isBoolean()) {
        errors.add(new FieldError(at + ".required", "must be a boolean"));
      }
      List<String> choices = choices();
      if (errors.size() > before || name == null || node == null || input == null || type == null) {
        return null;
      }
      Optional<List<String>> nodeChoices = target(node, input, type);
      if (errors.size() > before) {
        return null;
      }
      if (type == InputType.CHOICE) {
        List<String> allowed = nodeChoices.orElse(List.of());
        if (choices == null) {
          choices = allowed;
        } else if (nodeChoices.isPresent()) {
          for (String choice : choices) {
            if (!allowed.contains(choice)) {
              errors.add(new FieldError(at + ".choices", "\"" + choice + "\" is not one of node \"" + node
                  + "\" input \"" + input + "\"'s choices"));
            }
          }
        }
        if (choices.isEmpty()) {
          errors.add(new FieldError(at + ".choices", "a choice input needs choices (no catalog lists them)"));
        }
      } else if (choices != null) {
        errors.add(new FieldError(at + ".choices", "only a choice input has choices"));
      }
      if (errors.size() > before) {
        return null;
      }
      JsonNode defaultValue = entry.has("default") && !entry.get("default").isNull() ? entry.get("default") : null;
      DeploymentInput built = new DeploymentInput(name, node, input, type, description, defaultValue, minimum, maximum,
          choices, required.asBoolean(false));
      if (defaultValue != null) {
        InputValues.check(built, defaultValue, name2 -> true).ifPresent(
            why -> errors.add(new FieldError(at + ".default", why)));
      }
      return errors.size() > before ? null : built;
    }

    /**
     * Checks that {@code node}'s {@code input} exists and takes {@code type}; for a choice, the
     * node's own list when the catalog has one.
     */
    private Optional<List<String>> target(String node, String input, InputType type) {
      JsonNode target = workflow == null ? null : workflow.get(node);
      if (target == null) {
        errors.add(new FieldError(at + ".node", "no node \"" + node + "\" in the workflow"));
        return Optional.empty();
      }
      JsonNode current = target.path("inputs").get(input);
      if (current != null && current.isArray()) {
        errors.add(new FieldError(at + ".input", "node \"" + node + "\" input \"" + input
            + "\" is linked to another node's output; only a value can be filled"));
        return Optional.empty();
      }
      String classType = target.path("class_type").asText("");
      if (catalog.isEmpty() || !catalog.get().contains(classType)) {
        // No catalog to say what the node takes (the prompt check refuses an unknown class_type
        // when there is one): the workflow must already set the input.
        if (current == null) {
          errors.add(new FieldError(at + ".input", "node \"" + node + "\" has no input \"" + input + "\""));
        }
        return Optional.empty();
      }
      NodeCatalog nodes = catalog.get();
      InputSpec spec = nodes.inputs(classType).get(input);
      if (spec == null) {
        errors.add(new FieldError(at + ".input", "node \"" + node + "\" (" + classType + ") has no input \""
            + input + "\""));
        return Optional.empty();
      }
      boolean fits = switch (type) {
        case IMAGE -> nodes.inputFileInputs(classType).contains(input);
        case CHOICE -> comboChoices(spec).isPresent();
        default -> type.catalogType().equals(spec.typeName());
      };
      if (!fits) {
        errors.add(new FieldError(at + ".type", "node \"" + node + "\" input \"" + input + "\" is "
            + (spec.isCombo() ? "a choice" : spec.typeName()) + ", which a " + type.wireName() + " input cannot fill"));
        return Optional.empty();
      }
      return type == InputType.CHOICE ? comboChoices(spec) : Optional.empty();
    }

    /** A COMBO's choices: the list as the type, or (newer ComfyUI) type {@code COMBO} with {@code options}. */
    private static Optional<List<String>> comboChoices(InputSpec spec) {
      JsonNode list = spec.isCombo() ? spec.type()
          : "COMBO".equals(spec.typeName()) ? spec.options().path("options") : null;
      if (list == null || !list.isArray()) {
        return Optional.empty();
      }
      List<String> choices = new ArrayList<>();
      list.forEach(choice -> choices.add(choice.asText()));
      return Optional.of(choices);
    }

    private String text(String field) {
      JsonNode value = entry.path(field);
      if (!value.isTextual() || value.textValue().isEmpty()) {
        errors.add(new FieldError(at + "." + field, "required, a non-empty string"));
        return null;
      }
      return value.textValue();
    }

    private String optionalText(String field) {
      JsonNode value = entry.path(field);
      if (value.isMissingNode() || value.isNull()) {
        return null;
      }
      if (!value.isTextual()) {
        errors.add(new FieldError(at + "." + field, "must be a string"));
        return null;
      }
      return value.textValue();
    }

    private Double number(String field) {
      JsonNode value = entry.path(field);
      if (value.isMissingNode() || value.isNull()) {
        return null;
      }
      if (!value.isNumber()) {
        errors.add(new FieldError(at + "." + field, "must be a number"));
        return null;
      }
      return value.doubleValue();
    }

    private List<String> choices() {
      JsonNode value = entry.path("choices");
      if (value.isMissingNode() || value.isNull()) {
        return null;
      }
      if (!value.isArray() || value.size() > DeploymentLimits.CHOICES) {
        errors.add(new FieldError(at + ".choices", "must be an array of at most " + DeploymentLimits.CHOICES + " strings"));
        return null;
      }
      List<String> choices = new ArrayList<>();
      for (JsonNode choice : value) {
        if (!choice.isTextual()) {
          errors.add(new FieldError(at + ".choices", "must be an array of strings"));
          return null;
        }
        choices.add(choice.textValue());
      }
      return choices;
    }
  }
}
