package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Terraform module as hcl2json gives it, merged over its files: resources by type and name.
 * Blocks are arrays in hcl2json's output; a resource is the first element of its array.
 */
public final class Terraform {
  private static final Pattern REFERENCE =
      Pattern.compile("(?<![.\\w])((?:google|random)_[a-z0-9_]+)\\.([a-z0-9_]+)");

  private final Map<String, Map<String, ObjectNode>> resources = new LinkedHashMap<>();

  public Terraform(JsonNode filesJson) {
    for (JsonNode file : filesJson) {
      JsonNode byType = file.path("resource");
      for (Iterator<Map.Entry<String, JsonNode>> types = byType.fields(); types.hasNext(); ) {
        Map.Entry<String, JsonNode> type = types.next();
        for (Iterator<Map.Entry<String, JsonNode>> named = type.getValue().fields(); named.hasNext(); ) {
          Map.Entry<String, JsonNode> resource = named.next();
          resources.computeIfAbsent(type.getKey(), t -> new LinkedHashMap<>())
              .put(resource.getKey(), (ObjectNode) resource.getValue().get(0));
        }
      }
    }
  }

  /** The module under {@code terraform/modules/darkroom}, parsed. */
  public static JsonNode parseModule(Path repoRoot) {
    return Hcl.parse(repoRoot, Hcl.tfFiles(repoRoot.resolve("terraform/modules/darkroom")));
  }

  public Map<String, ObjectNode> resources(String type) {
    return resources.getOrDefault(type, Map.of());
  }

  public Optional<ObjectNode> resource(String type, String name) {
    return Optional.ofNullable(resources(type).get(name));
  }

  /** Resource addresses ({@code type.name}) an expression refers to, in order. */
  public static Set<String> references(String expression) {
    Set<String> found = new LinkedHashSet<>();
    Matcher m = REFERENCE.matcher(expression == null ? "" : expression);
    while (m.find()) {
      found.add(m.group(1) + "." + m.group(2));
    }
    return found;
  }

  public static Optional<String> firstReference(String expression) {
    return references(expression).stream().findFirst();
  }

  /** The node at a path of block names and attributes, taking the first element of each block. */
  public static JsonNode at(JsonNode node, String... path) {
    JsonNode current = node;
    for (String step : path) {
      current = current.path(step);
      if (current.isArray()) {
        current = current.path(0);
      }
    }
    return current;
  }
}
