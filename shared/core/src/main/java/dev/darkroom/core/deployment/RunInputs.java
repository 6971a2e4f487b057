package dev.darkroom.core.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A run's {@code inputs} checked against a version's schema and filled into its workflow. Every
 * wrong or unknown field is reported at once. An omitted input takes its default, else keeps the
 * workflow's own value; an omitted seed without a default is drawn at random.
 */
public final class RunInputs {
  private RunInputs() {}

  /**
   * @param prompt the workflow to queue, with the inputs filled in (null when {@code errors} is not empty)
   * @param used every input's value as the run used it, the seeds drawn included (inputs that kept the
   *     workflow's own value are absent)
   */
  public record Filled(ObjectNode prompt, ObjectNode used, List<FieldError> errors) {}

  /**
   * @param given the request's {@code inputs} object (null or missing for none)
   * @param uploaded whether a name is one of the caller's uploads
   * @param randomSeeds draws a seed in {@code [0, MAX_RANDOM_SEED]}
   */
  public static Filled fill(DeploymentVersion version, JsonNode given, Predicate<String> uploaded,
      LongSupplier randomSeeds) {
    List<FieldError> errors = new ArrayList<>();
    if (given != null && !given.isMissingNode() && !given.isNull() && !given.isObject()) {
      return new Filled(null, null, List.of(new FieldError("inputs", "must be an object of input names to values")));
    }
    ObjectNode values = given != null && given.isObject() ? (ObjectNode) given : JsonNodeFactory.instance.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = values.fields();
    while (fields.hasNext()) {
      String name = fields.next().getKey();
      if (version.inputs().stream().noneMatch(input -> input.name().equals(name))) {
        errors.add(new FieldError("inputs." + name, "no such input in version " + version.version()));
      }
    }
    ObjectNode prompt = version.workflow().deepCopy();
    ObjectNode used = JsonNodeFactory.instance.objectNode();
    for (DeploymentInput input : version.inputs()) {
      JsonNode value = values.get(input.name());
      if (value == null || value.isNull()) {
        if (input.required()) {
          errors.add(new FieldError("inputs." + input.name(), "required"));
          continue;
        }
        value = input.defaultValue() != null ? input.defaultValue()
            : input.type() == InputType.SEED ? JsonNodeFactory.instance.numberNode(seedWithin(input, randomSeeds))
            : null;
        if (value == null) {
          continue;
        }
      } else {
        var why = InputValues.check(input, value, uploaded);
        if (why.isPresent()) {
          errors.add(new FieldError("inputs." + input.name(), why.get()));
          continue;
        }
      }
      if (input.type() == InputType.INTEGER || input.type() == InputType.SEED) {
        value = JsonNodeFactory.instance.numberNode(value.longValue());
      }
      used.set(input.name(), value);
      ((ObjectNode) prompt.get(input.node()).get("inputs")).set(input.input(), value);
    }
    return errors.isEmpty() ? new Filled(prompt, used, List.of()) : new Filled(null, null, List.copyOf(errors));
  }

  /** A random seed, within the input's bounds when it has any. */
  private static long seedWithin(DeploymentInput input, LongSupplier randomSeeds) {
    long low = input.minimum() == null ? 0 : (long) Math.ceil(input.minimum());
    long high = input.maximum() == null ? DeploymentLimits.MAX_RANDOM_SEED
        : Math.min((long) Math.floor(input.maximum()), DeploymentLimits.MAX_RANDOM_SEED);
    if (high <= low) {
      return low;
    }
    return low + Math.floorMod(randomSeeds.getAsLong(), high - low + 1);
  }
}
