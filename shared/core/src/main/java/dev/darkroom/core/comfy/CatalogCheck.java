package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A prompt checked against the node catalog: ComfyUI's {@code validate_prompt}/{@code validate_inputs}, rule for rule: the same checks in the
 * same order, the same error types, messages, details and extra_info, and the same quirks (an
 * output that fails is dropped while the others run; a node failing only because of an upstream
 * node gets no entry; every failed node lists every failed output seen so far). Where ComfyUI would
 * crash with a Python exception on hostile input, the exception is reproduced as ComfyUI reports
 * it. Cycles are reported as ComfyUI's newer {@code dependency_cycle}; link chains deeper than
 * Python's recursion limit fail like Python's {@code RecursionError} instead of exhausting the
 * stack.
 *
 * <p>Outputs and nodes are visited in the prompt's key order and inputs in {@code input_order};
 * ComfyUI iterates Python sets there, so its order is unspecified.
 */
public final class CatalogCheck {

  /** Python's default recursion limit: the depth at which ComfyUI's recursive walk gives up. */
  static final int MAX_LINK_DEPTH = 1000;

  private static final int SMALL_PROMPT_NODES = 100;
  private static final long LARGE_STACK_BYTES = 256L * 1024 * 1024;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String NO_TRACEBACK =
      "  Darkroom validator: ComfyUI's rule reproduced in Java, no Python traceback exists\n";

  private final NodeCatalog catalog;
  private final CustomInputCheck customCheck;

  public CatalogCheck(NodeCatalog catalog, CustomInputCheck customCheck) {
    this.catalog = catalog;
    this.customCheck = customCheck;
  }

  /**
   * Validates as {@code POST /prompt} does.
   *
   * @param prompt any JSON value: a non-object is refused as {@code invalid_prompt}
   * @param partialExecutionTargets node ids from {@code partial_execution_targets}, or null for all
   */
  public PromptVerdict check(JsonNode prompt, List<String> partialExecutionTargets) {
    if (!(prompt instanceof ObjectNode original)) {
      return PromptVerdict.refused(
          PromptError.of(
              "invalid_prompt", "Cannot execute because the prompt is not a JSON object.", ""),
          JSON.objectNode());
    }
    ObjectNode copy = original.deepCopy();
    Set<String> outputs = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> entry : iterable(copy)) {
      String id = entry.getKey();
      JsonNode node = entry.getValue();
      if (!(node instanceof ObjectNode) || !node.has("class_type")) {
        return PromptVerdict.refused(PromptError.missingClassType(id), copy);
      }
      JsonNode classType = node.get("class_type");
      if (!classType.isTextual() || !catalog.contains(classType.textValue())) {
        return PromptVerdict.refused(
            PromptError.of(
                "invalid_prompt",
                "Cannot execute because node " + PyValues.str(classType) + " does not exist.",
                "Node ID '#" + id + "'"),
            copy);
      }
      if (catalog.isOutputNode(classType.textValue())
          && (partialExecutionTargets == null || partialExecutionTargets.contains(id))) {
        outputs.add(id);
      }
    }
    if (outputs.isEmpty()) {
      return PromptVerdict.refused(PromptError.of("prompt_no_outputs", "Prompt has no outputs", ""), copy);
    }
    Run run = new Run(copy);
    if (copy.size() <= SMALL_PROMPT_NODES) return run.validateOutputs(outputs);
    return onLargeStack(() -> run.validateOutputs(outputs));
  }

  /**
   * The walk recurses along links up to {@link #MAX_LINK_DEPTH} deep, more than a default thread
   * stack holds; big prompts get a thread whose stack does.
   */
  private static PromptVerdict onLargeStack(java.util.function.Supplier<PromptVerdict> walk) {
    PromptVerdict[] result = new PromptVerdict[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread thread =
        new Thread(
            null,
            () -> {
              try {
                result[0] = walk.get();
              } catch (RuntimeException e) {
                failure[0] = e;
              }
            },
            "comfy-prompt-validation",
            LARGE_STACK_BYTES);
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while validating a prompt", e);
    }
    if (failure[0] != null) throw failure[0];
    return result[0];
  }

  private record Result(boolean valid, List<ObjectNode> errors) {}

  /** One validation: the memo ({@code validated}) is shared by all outputs of the prompt. */
  private final class Run {
    private final ObjectNode prompt;
    private final Map<String, Result> validated = new LinkedHashMap<>();

    Run(ObjectNode prompt) {
      this.prompt = prompt;
    }

    PromptVerdict validateOutputs(Set<String> outputs) {
      List<String> good = new ArrayList<>();
      List<List<ObjectNode>> failures = new ArrayList<>();
      ObjectNode nodeErrors = JSON.objectNode();
      for (String output : outputs) {
        Result result = validateOutput(output);
        if (result.valid()) {
          good.add(output);
          continue;
        }
        failures.add(result.errors());
        recordNodeErrors(output, nodeErrors);
      }
      if (good.isEmpty()) {
        String details =
            failures.stream()
                .flatMap(List::stream)
                .map(e -> e.get("message").asText() + ": " + e.get("details").asText())
                .collect(Collectors.joining("\n"));
        PromptError error =
            PromptError.of(
                "prompt_outputs_failed_validation", "Prompt outputs failed validation", details);
        return new PromptVerdict(error, nodeErrors, List.of(), prompt);
      }
      return new PromptVerdict(null, nodeErrors, List.copyOf(good), prompt);
    }

    /** One output node; Python's exception there is the output's own error, as ComfyUI reports it. */
    private Result validateOutput(String output) {
      try {
        return validateNode(output, new ArrayList<>());
      } catch (PyException ex) {
        ObjectNode extra = JSON.objectNode();
        extra.put("exception_type", ex.pythonType());
        extra.set("traceback", JSON.arrayNode().add(NO_TRACEBACK));
        Result result =
            new Result(
                false,
                List.of(
                    error(
                        "exception_during_validation",
                        "Exception when validating node",
                        ex.getMessage(),
                        extra)));
        validated.put(output, result);
        return result;
      }
    }

    /**
     * After {@code output} failed: every failed node gets its errors (once) and {@code output} among
     * its dependent outputs. ComfyUI walks every node validated so far, not only this output's
     * ancestors.
     */
    private void recordNodeErrors(String output, ObjectNode nodeErrors) {
      validated.forEach(
          (nodeId, r) -> {
            if (r.valid() || r.errors().isEmpty()) return;
            ObjectNode entry = (ObjectNode) nodeErrors.get(nodeId);
            if (entry == null) {
              entry = nodeErrors.putObject(nodeId);
              ArrayNode errs = entry.putArray("errors");
              r.errors().forEach(errs::add);
              entry.putArray("dependent_outputs");
              entry.put("class_type", prompt.get(nodeId).get("class_type").asText());
            }
            ((ArrayNode) entry.get("dependent_outputs")).add(output);
          });
    }

    /**
     * ComfyUI's {@code validate_inputs} for one node: each declared input by the rule its value
     * calls for (missing, linked, literal), then the node's own {@code VALIDATE_INPUTS}. The result
     * is merged into what an earlier visit (a cycle, an inner exception) already recorded.
     */
    private Result validateNode(String id, List<String> visiting) {
      Result memo = validated.get(id);
      if (memo != null) return memo;
      if (visiting.contains(id)) return markCycle(id, visiting);

      ObjectNode node = (ObjectNode) prompt.get(id);
      if (!node.has("inputs")) throw PyException.keyError("'inputs'");
      Inputs inputs = new Inputs(node.get("inputs"));
      String classType = node.get("class_type").textValue();
      NodeDefinition def = catalog.node(classType).orElseThrow();

      List<ObjectNode> errors = new ArrayList<>();
      boolean upstreamValid = true;
      for (InputSpec spec : def.inputs().values()) {
        String x = spec.name();
        if (!inputs.contains(x)) {
          if (spec.required()) errors.add(requiredInputMissing(x));
        } else if (inputs.get(x).isArray()) {
          upstreamValid &= checkLink(id, spec, def.anyInputs().contains(x), inputs.get(x), visiting, errors);
        } else {
          checkLiteral(def, spec, inputs, errors);
        }
      }

      errors.addAll(customValidation(def, inputs));

      Result previous = validated.getOrDefault(id, new Result(true, List.of()));
      List<ObjectNode> merged = new ArrayList<>(previous.errors());
      for (ObjectNode e : errors) {
        if (!merged.contains(e)) merged.add(e);
      }
      Result result =
          new Result(previous.valid() && upstreamValid && errors.isEmpty(), List.copyOf(merged));
      validated.put(id, result);
      return result;
    }

    private ObjectNode requiredInputMissing(String x) {
      return error(
          "required_input_missing",
          "Required input is missing",
          x,
          JSON.objectNode().put("input_name", x));
    }

    /**
     * A linked input {@code [node_id, slot]}: its shape, the type the linked output returns, then the
     * linked node itself (recursively). A malformed link or a type mismatch is this node's error;
     * an upstream node's failure only makes this node invalid (false), without an entry of its own.
     */
    private boolean checkLink(String id, InputSpec spec, boolean acceptsAny, JsonNode val, List<String> visiting,
        List<ObjectNode> errors) {
      String x = spec.name();
      if (val.size() != 2) {
        ObjectNode extra = JSON.objectNode().put("input_name", x);
        extra.set("input_config", spec.inputConfig());
        extra.set("received_value", val);
        errors.add(
            error(
                "bad_linked_input",
                "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                x,
                extra));
        return true;
      }
      String sourceId = lookUpNode(val.get(0));
      List<JsonNode> returnTypes =
          catalog.returnTypes(prompt.get(sourceId).get("class_type").textValue());
      JsonNode receivedType = index(returnTypes, val.get(1));
      // IO.ANY's __ne__ is never true: validate_node_input accepts any type there.
      if (!acceptsAny && !typesMatch(receivedType, spec.type())) {
        ObjectNode extra = JSON.objectNode().put("input_name", x);
        extra.set("input_config", spec.inputConfig());
        extra.set("received_type", receivedType);
        extra.set("linked_node", val);
        errors.add(
            error(
                "return_type_mismatch",
                "Return type mismatch between linked nodes",
                x
                    + ", received_type("
                    + PyValues.str(receivedType)
                    + ") mismatch input_type("
                    + spec.typeName()
                    + ")",
                extra));
        return true;
      }
      return validateUpstream(id, sourceId, spec, val, visiting);
    }

    /** The linked node, validated in turn; Python's exception there is recorded on that node. */
    private boolean validateUpstream(
        String id, String sourceId, InputSpec spec, JsonNode val, List<String> visiting) {
      try {
        if (visiting.size() >= MAX_LINK_DEPTH) {
          throw new PyException("RecursionError", "maximum recursion depth exceeded");
        }
        visiting.add(id);
        try {
          return validateNode(sourceId, visiting).valid();
        } finally {
          visiting.remove(visiting.size() - 1);
        }
      } catch (PyException ex) {
        ObjectNode extra = JSON.objectNode().put("input_name", spec.name());
        extra.set("input_config", spec.inputConfig());
        extra.put("exception_message", ex.getMessage());
        extra.put("exception_type", ex.pythonType());
        extra.set("traceback", JSON.arrayNode().add(NO_TRACEBACK));
        extra.set("linked_node", val);
        validated.put(
            sourceId,
            new Result(
                false,
                List.of(
                    error(
                        "exception_during_inner_validation",
                        "Exception when validating inner node",
                        ex.getMessage(),
                        extra))));
        return false;
      }
    }

    /**
     * A literal input: unwrapped from {@code {"__value__": …}} and coerced to the input's type (both
     * written back into the prompt, as ComfyUI does in place), then, unless the node validates it
     * itself, its range and its list of choices. The first rule that fails is the input's error.
     */
    private void checkLiteral(
        NodeDefinition def, InputSpec spec, Inputs inputs, List<ObjectNode> errors) {
      String x = spec.name();
      JsonNode val = inputs.get(x);
      if (val.isObject() && val.has("__value__")) {
        val = val.get("__value__");
        inputs.set(x, val);
      }
      String typeName = spec.type().isTextual() ? spec.type().textValue() : null;
      try {
        JsonNode coerced = coerce(typeName, val);
        if (coerced != val) {
          val = coerced;
          inputs.set(x, val);
        }
      } catch (PyException ex) {
        ObjectNode extra = JSON.objectNode().put("input_name", x);
        extra.set("input_config", spec.inputConfig());
        extra.set("received_value", val);
        extra.put("exception_message", ex.getMessage());
        errors.add(
            error(
                "invalid_input_type",
                "Failed to convert an input value to a " + typeName + " value",
                x + ", " + PyValues.str(val) + ", " + ex.getMessage(),
                extra));
        return;
      }
      if (def.customValidatedInputs().contains(x)) return;
      JsonNode value = val;
      outOfRange(spec, value)
          .or(() -> notAChoice(spec, value))
          .ifPresent(errors::add);
    }

    /** The input's {@code min} and {@code max}, compared as Python compares. */
    private Optional<ObjectNode> outOfRange(InputSpec spec, JsonNode val) {
      ObjectNode options = spec.options();
      String x = spec.name();
      if (options.has("min") && compareOrThrow(val, options.get("min"), "<") < 0) {
        return Optional.of(
            boundError(
                "value_smaller_than_min",
                "Value " + PyValues.str(val) + " smaller than min of " + PyValues.str(options.get("min")),
                x,
                spec,
                val));
      }
      if (options.has("max") && compareOrThrow(val, options.get("max"), ">") > 0) {
        return Optional.of(
            boundError(
                "value_bigger_than_max",
                "Value " + PyValues.str(val) + " bigger than max of " + PyValues.str(options.get("max")),
                x,
                spec,
                val));
      }
      return Optional.empty();
    }

    /** A COMBO's value must be one of its choices; a long list is not repeated in the error. */
    private Optional<ObjectNode> notAChoice(InputSpec spec, JsonNode val) {
      if (!spec.isCombo() || containsPy(spec.type(), val)) return Optional.empty();
      String x = spec.name();
      boolean longList = spec.type().size() > 20;
      String listInfo =
          longList ? "(list of length " + spec.type().size() + ")" : PyValues.repr(spec.type());
      ObjectNode extra = JSON.objectNode().put("input_name", x);
      extra.set("input_config", longList ? NullNode.getInstance() : spec.inputConfig());
      extra.set("received_value", val);
      return Optional.of(
          error(
              "value_not_in_list",
              "Value not in list",
              x + ": '" + PyValues.str(val) + "' not in " + listInfo,
              extra));
    }

    private Result markCycle(String id, List<String> visiting) {
      List<String> path = new ArrayList<>(visiting.subList(visiting.indexOf(id), visiting.size()));
      path.add(id);
      List<String> cycleNodes = List.copyOf(new LinkedHashSet<>(path));
      String details =
          path.stream()
              .map(n -> n + " (" + prompt.get(n).get("class_type").asText() + ")")
              .collect(Collectors.joining(" -> "));
      for (String n : cycleNodes) {
        ObjectNode extra = JSON.objectNode().put("node_id", n);
        ArrayNode members = extra.putArray("cycle_nodes");
        cycleNodes.forEach(members::add);
        validated.put(
            n,
            new Result(
                false,
                List.of(error("dependency_cycle", "Dependency cycle detected", details, extra))));
      }
      return validated.get(id);
    }

    /**
     * The {@code VALIDATE_INPUTS} checks Darkroom repeats: that a named input file exists. Others
     * (a node's own rules on its values) are left to the node, which refuses at run time.
     */
    private List<ObjectNode> customValidation(NodeDefinition def, Inputs inputs) {
      List<ObjectNode> errors = new ArrayList<>();
      for (String x : def.fileInputs()) {
        JsonNode value = inputs.contains(x) ? inputs.get(x) : null;
        if (value == null || value.isArray()) {
          // ComfyUI calls VALIDATE_INPUTS without the argument and Python refuses the call.
          throw PyException.typeError(
              def.classType()
                  + ".VALIDATE_INPUTS() missing 1 required positional argument: '"
                  + x
                  + "'");
        }
        Optional<String> refusal;
        try {
          refusal = customCheck.check(def.classType(), x, value);
        } catch (RuntimeException e) {
          throw new PyException("Exception", String.valueOf(e.getMessage()));
        }
        // The node's own words for a missing file (recorded from it), else the check's.
        Optional<String> template = catalog.fileRefusal(def.classType(), x);
        refusal.map(message -> template.map(t -> t.replace("{}", PyValues.str(value))).orElse(message)).ifPresent(
            message ->
                errors.add(
                    error(
                        "custom_validation_failed",
                        "Custom validation failed for node",
                        x + " - " + message,
                        JSON.objectNode().put("input_name", x))));
      }
      return errors;
    }

    /** {@code prompt[o_id]}, with Python's KeyError/TypeError for a missing or unhashable id. */
    private String lookUpNode(JsonNode id) {
      if (id.isArray()) throw PyException.typeError("unhashable type: 'list'");
      if (id.isObject()) throw PyException.typeError("unhashable type: 'dict'");
      if (id.isTextual() && prompt.has(id.textValue())) return id.textValue();
      throw PyException.keyError(PyValues.repr(id));
    }
  }

  /** {@code RETURN_TYPES[i]} with Python's indexing rules (negative from the end). */
  private static JsonNode index(List<JsonNode> returnTypes, JsonNode i) {
    if (!(i.isIntegralNumber() || i.isBoolean())) {
      throw PyException.typeError(
          "tuple indices must be integers or slices, not " + PyValues.typeName(i));
    }
    java.math.BigInteger big =
        i.isBoolean() ? java.math.BigInteger.valueOf(i.booleanValue() ? 1 : 0) : i.bigIntegerValue();
    if (big.bitLength() > 63) {
      throw new PyException("IndexError", "cannot fit 'int' into an index-sized integer");
    }
    long index = big.longValue();
    if (index < 0) index += returnTypes.size();
    if (index < 0 || index >= returnTypes.size()) {
      throw new PyException("IndexError", "tuple index out of range");
    }
    return returnTypes.get((int) index);
  }

  /** ComfyUI's {@code validate_node_input}: equal, or comma-separated sets that intersect. */
  static boolean typesMatch(JsonNode received, JsonNode expected) {
    if (received.equals(expected)) return true;
    if (!received.isTextual() || !expected.isTextual()) return false;
    Set<String> a = splitTypes(received.textValue());
    a.retainAll(splitTypes(expected.textValue()));
    return !a.isEmpty();
  }

  private static Set<String> splitTypes(String types) {
    Set<String> out = new LinkedHashSet<>();
    for (String t : types.split(",", -1)) out.add(t.strip());
    return out;
  }

  private static JsonNode coerce(String typeName, JsonNode val) {
    if (typeName == null) return val;
    return switch (typeName) {
      case "INT" -> PyValues.toInt(val);
      case "FLOAT" -> PyValues.toFloat(val);
      case "STRING" -> val.isTextual() ? val : TextNode.valueOf(PyValues.str(val));
      case "BOOLEAN" -> PyValues.bool(PyValues.truthy(val));
      default -> val;
    };
  }

  /** Python's ordering comparison; a non-number raises TypeError just as {@code "a" < 0} does. */
  private static int compareOrThrow(JsonNode val, JsonNode bound, String operator) {
    boolean valNumeric = val.isNumber() || val.isBoolean();
    boolean boundNumeric = bound.isNumber() || bound.isBoolean();
    if (!valNumeric || !boundNumeric) {
      if (val.isTextual() && bound.isTextual()) {
        return Integer.signum(val.textValue().compareTo(bound.textValue()));
      }
      throw PyException.typeError(
          "'"
              + operator
              + "' not supported between instances of '"
              + PyValues.typeName(val)
              + "' and '"
              + PyValues.typeName(bound)
              + "'");
    }
    if (PyValues.lessThan(val, bound)) return -1;
    if (PyValues.greaterThan(val, bound)) return 1;
    return 0;
  }

  private static boolean containsPy(JsonNode choices, JsonNode val) {
    for (JsonNode choice : choices) {
      if (PyValues.pyEquals(choice, val)) return true;
    }
    return false;
  }

  private static ObjectNode boundError(
      String type, String message, String x, InputSpec spec, JsonNode val) {
    ObjectNode extra = JSON.objectNode().put("input_name", x);
    extra.set("input_config", spec.inputConfig());
    extra.set("received_value", val);
    return error(type, message, x, extra);
  }

  private static ObjectNode error(String type, String message, String details, ObjectNode extra) {
    ObjectNode e = JSON.objectNode();
    e.put("type", type);
    e.put("message", message);
    e.put("details", details);
    e.set("extra_info", extra);
    return e;
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(ObjectNode node) {
    return node::fields;
  }

  /**
   * A node's {@code inputs} value read the way Python's {@code in} and {@code []} read it, so a
   * hostile non-object fails as ComfyUI fails instead of with a Java exception.
   */
  private static final class Inputs {
    private final JsonNode raw;

    Inputs(JsonNode raw) {
      this.raw = raw;
    }

    boolean contains(String name) {
      if (raw.isObject()) return raw.has(name);
      if (raw.isArray()) {
        for (JsonNode n : raw) if (n.isTextual() && n.textValue().equals(name)) return true;
        return false;
      }
      if (raw.isTextual()) return raw.textValue().contains(name);
      throw PyException.typeError(
          "argument of type '" + PyValues.typeName(raw) + "' is not iterable");
    }

    JsonNode get(String name) {
      if (raw.isObject()) return raw.get(name);
      if (raw.isArray()) throw PyException.typeError("list indices must be integers or slices, not str");
      throw PyException.typeError("string indices must be integers, not 'str'");
    }

    void set(String name, JsonNode value) {
      if (raw instanceof ObjectNode o) o.set(name, value);
    }
  }
}
