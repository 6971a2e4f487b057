package dev.darkroom.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A ComfyUI workflow in API format ({@code {"3": {"class_type", "inputs", "_meta"}, ...}}), as
 * read from a file and edited by {@code --set}: the {@code prompt} that {@code POST /api/v2/jobs}
 * takes. Also read inside the {@code {"prompt": {...}}} body that {@code POST /prompt} takes (its
 * {@code extra_data} and {@code client_id} kept). The graph format that ComfyUI's Save writes is
 * refused with how to get the API format.
 */
final class Workflow {
  static final ObjectMapper JSON = new ObjectMapper();
  /** A random seed stays below 2^53, so that every JSON reader (JavaScript's too) keeps it exact. */
  static final long RANDOM_SEED_BOUND = 1L << 53;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ObjectNode prompt;
  private final ObjectNode extras;

  private Workflow(ObjectNode prompt, ObjectNode extras) {
    this.prompt = prompt;
    this.extras = extras;
  }

  /** @param source how to name the text in messages: the file's path */
  static Workflow parse(String text, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw CliFailure.badInput(source + " is not JSON: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    }
    if (root == null || !root.isObject()) {
      throw CliFailure.badInput(source + " is not a ComfyUI workflow: expected a JSON object of nodes");
    }
    if (root.path("nodes").isArray()) {
      throw CliFailure.badInput(source + " is a workflow in ComfyUI's UI (graph) format, which only ComfyUI's editor"
          + " reads. Save it in API format: in ComfyUI, Workflow > Export (API) (older versions: enable the"
          + " dev mode options in the settings, then \"Save (API Format)\")");
    }
    ObjectNode extras = JSON.createObjectNode();
    JsonNode nodes = root;
    if (root.path("prompt").isObject() && !root.path("prompt").has("class_type")) {
      nodes = root.get("prompt");
      for (String kept : List.of("extra_data", "client_id")) {
        if (root.has(kept)) {
          extras.set(kept, root.get(kept));
        }
      }
    }
    if (nodes.isEmpty()) {
      throw CliFailure.badInput(source + " has no nodes");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = nodes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> node = it.next();
      if (!node.getValue().path("class_type").isTextual() || !node.getValue().path("inputs").isObject()) {
        throw CliFailure.badInput(source + " is not a ComfyUI API-format workflow: node \"" + node.getKey()
            + "\" needs a \"class_type\" and an \"inputs\" object (export the workflow with Workflow > Export (API))");
      }
    }
    return new Workflow(((ObjectNode) nodes).deepCopy(), extras);
  }

  /** Sets the input, typed as its current value is: a number, a boolean or a string. */
  void set(InputAssignment assignment) {
    String id = nodeId(assignment);
    ObjectNode inputs = (ObjectNode) prompt.get(id).get("inputs");
    JsonNode current = inputs.get(assignment.input());
    if (current == null) {
      throw CliFailure.badInput("--set " + assignment + ": node " + label(id) + " has no input \""
          + assignment.input() + "\"; its inputs: " + String.join(", ", names(inputs.fieldNames())));
    }
    String value = assignment.value();
    if (current.isArray()) {
      throw CliFailure.badInput("--set " + assignment + ": input \"" + assignment.input() + "\" of node " + label(id)
          + " is connected to node " + current.path(0).asText() + "'s output, not a value that can be set");
    } else if (isSeed(assignment.input(), current) && value.equals("random")) {
      inputs.put(assignment.input(), RANDOM.nextLong(RANDOM_SEED_BOUND));
    } else if (current.isNumber()) {
      inputs.set(assignment.input(), number(assignment, id, value));
    } else if (current.isBoolean()) {
      if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
        throw CliFailure.badInput("--set " + assignment + ": input \"" + assignment.input() + "\" of node " + label(id)
            + " is a boolean: give true or false");
      }
      inputs.put(assignment.input(), Boolean.parseBoolean(value));
    } else if (current.isTextual()) {
      inputs.put(assignment.input(), value);
    } else {
      throw CliFailure.badInput("--set " + assignment + ": input \"" + assignment.input() + "\" of node " + label(id)
          + " holds " + current.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
          + ", which --set does not replace; edit the file instead");
    }
  }

  /** A whole number stays one (a seed past 2^63 too); a fraction is a double, as ComfyUI reads FLOATs. */
  private JsonNode number(InputAssignment assignment, String id, String value) {
    BigDecimal parsed;
    try {
      parsed = new BigDecimal(value.strip());
    } catch (NumberFormatException e) {
      throw CliFailure.badInput("--set " + assignment + ": input \"" + assignment.input() + "\" of node " + label(id)
          + " is a number: \"" + value + "\" is not one"
          + (isSeed(assignment.input(), prompt.get(id).get("inputs").get(assignment.input()))
              ? " (or give random, for a random seed)" : ""));
    }
    if (parsed.signum() == 0 || parsed.stripTrailingZeros().scale() <= 0) {
      return JSON.getNodeFactory().numberNode(parsed.toBigIntegerExact());
    }
    return JSON.getNodeFactory().numberNode(parsed.doubleValue());
  }

  /** A seed, for {@code random}: a whole number whose input is named so ({@code seed}, {@code noise_seed}). */
  private static boolean isSeed(String input, JsonNode current) {
    return current.isIntegralNumber() && input.toLowerCase(java.util.Locale.ROOT).endsWith("seed");
  }

  /** The node an assignment names: by id first, else by a title only one node has. */
  private String nodeId(InputAssignment assignment) {
    if (prompt.has(assignment.node())) {
      return assignment.node();
    }
    List<String> titled = new ArrayList<>();
    prompt.fields().forEachRemaining(node -> {
      if (assignment.node().equals(node.getValue().path("_meta").path("title").asText(null))) {
        titled.add(node.getKey());
      }
    });
    if (titled.size() == 1) {
      return titled.get(0);
    }
    if (titled.size() > 1) {
      throw CliFailure.badInput("--set " + assignment + ": " + titled.size() + " nodes have the title \""
          + assignment.node() + "\" (ids " + String.join(", ", titled) + "): name the node by its id");
    }
    List<String> known = new ArrayList<>();
    prompt.fields().forEachRemaining(node -> known.add(label(node.getKey())));
    throw CliFailure.badInput("--set " + assignment + ": no node has the id or title \"" + assignment.node()
        + "\"; the nodes: " + String.join(", ", known));
  }

  /** How progress lines name a node: its id and class, with its title when that says more. */
  String label(String id) {
    JsonNode node = prompt.get(id);
    if (node == null) {
      return id;
    }
    String type = node.path("class_type").asText();
    String title = node.path("_meta").path("title").asText("");
    return id + " " + type + (title.isEmpty() || title.equals(type) ? "" : " (\"" + title + "\")");
  }

  /** The body of {@code POST /api/v2/jobs}. */
  ObjectNode requestBody() {
    ObjectNode body = extras.deepCopy();
    body.set("prompt", prompt.deepCopy());
    return body;
  }

  /** The API-format prompt as edited (a copy). */
  ObjectNode prompt() {
    return prompt.deepCopy();
  }

  private static List<String> names(Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
