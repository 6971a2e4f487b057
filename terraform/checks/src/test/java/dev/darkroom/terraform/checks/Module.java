package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/** The real module, parsed once per test run, and mutated copies of it. */
final class Module {
  static final Path ROOT = Repo.root();
  private static JsonNode parsed;

  private Module() {}

  static synchronized JsonNode parsed() {
    if (parsed == null) {
      parsed = Terraform.parseModule(ROOT);
    }
    return parsed;
  }

  /** A deep copy of the module, for a test to break. */
  static JsonNode copy() {
    return parsed().deepCopy();
  }

  /** The resource {@code type.name} inside a copy (hcl2json: one-element arrays). */
  static ObjectNode resource(JsonNode module, String type, String name) {
    for (JsonNode file : module) {
      JsonNode r = file.path("resource").path(type).path(name);
      if (r.isArray()) {
        return (ObjectNode) r.get(0);
      }
    }
    throw new AssertionError("no " + type + "." + name);
  }

  static void remove(JsonNode module, String type, String name) {
    for (JsonNode file : module) {
      JsonNode byType = file.path("resource").path(type);
      if (byType.has(name)) {
        ((ObjectNode) byType).remove(name);
        return;
      }
    }
    throw new AssertionError("no " + type + "." + name);
  }

  static ObjectNode functionEnv(JsonNode module, String function) {
    return (ObjectNode) Terraform.at(resource(module, Deployable.FUNCTION, function), "service_config", "environment_variables");
  }
}
