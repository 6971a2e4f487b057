package dev.darkroom.core.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A version's inputs as JSON, in the request's own shape ({@code name, node, input, type, …};
 * absent fields omitted): what the API shows and what the store keeps.
 */
public final class InputsJson {
  private InputsJson() {}

  public static ArrayNode write(List<DeploymentInput> inputs) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (DeploymentInput input : inputs) {
      ObjectNode entry = array.addObject();
      entry.put("name", input.name()).put("node", input.node()).put("input", input.input())
          .put("type", input.type().wireName());
      if (input.description() != null) {
        entry.put("description", input.description());
      }
      if (input.defaultValue() != null) {
        entry.set("default", input.defaultValue());
      }
      if (input.minimum() != null) {
        entry.put("minimum", input.minimum());
      }
      if (input.maximum() != null) {
        entry.put("maximum", input.maximum());
      }
      if (input.type() == InputType.CHOICE) {
        input.choices().forEach(entry.putArray("choices")::add);
      }
      entry.put("required", input.required());
    }
    return array;
  }

  /** Reads what {@link #write} wrote (stored inputs were checked when they were published). */
  public static List<DeploymentInput> read(JsonNode array) {
    List<DeploymentInput> inputs = new ArrayList<>();
    for (JsonNode entry : array) {
      List<String> choices = new ArrayList<>();
      entry.path("choices").forEach(choice -> choices.add(choice.textValue()));
      inputs.add(new DeploymentInput(entry.get("name").textValue(), entry.get("node").textValue(),
          entry.get("input").textValue(),
          InputType.fromWire(entry.get("type").textValue()).orElseThrow(
              () -> new IllegalStateException("a stored input has an unknown type: " + entry.get("type"))),
          entry.hasNonNull("description") ? entry.get("description").textValue() : null,
          entry.hasNonNull("default") ? entry.get("default") : null,
          entry.hasNonNull("minimum") ? entry.get("minimum").doubleValue() : null,
          entry.hasNonNull("maximum") ? entry.get("maximum").doubleValue() : null,
          choices, entry.path("required").asBoolean(false)));
    }
    return inputs;
  }
}
