package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An offline stand-in for {@code terraform validate}, which needs the providers downloaded: every
 * resource, data source and provider block of the Terraform under {@code terraform/} is checked
 * against the schema of the provider version it pins ({@link ProviderSchema}), and every module
 * call against the module's variables. It reports an unknown resource type, an argument or block
 * a resource does not have (at any depth, {@code dynamic} blocks included), a block written as an
 * attribute, and a required argument left out.
 */
public final class ProviderSchemaCheck {
  /** Arguments Terraform itself gives every resource and data source. */
  private static final Set<String> META = Set.of("count", "for_each", "provider", "depends_on", "lifecycle",
      "provisioner", "connection");
  private static final Set<String> MODULE_META = Set.of("source", "version", "providers", "count", "for_each",
      "depends_on");

  private final Map<String, ProviderSchema> providers = new LinkedHashMap<>();
  private final Report report = new Report();

  private ProviderSchemaCheck(List<ProviderSchema> schemas) {
    schemas.forEach(s -> providers.put(s.provider(), s));
  }

  /** The schemas of the npm packages in .ci/tools: google, google-beta, random. */
  public static List<ProviderSchema> installed(Path repoRoot) {
    Path cdktf = repoRoot.resolve(".ci/tools/node_modules/@cdktf");
    return List.of(ProviderSchema.load(cdktf.resolve("provider-google")),
        ProviderSchema.load(cdktf.resolve("provider-google-beta")), ProviderSchema.load(cdktf.resolve("provider-random")));
  }

  /**
   * @param files hcl2json's output for some .tf files ({"path": {...}})
   * @param moduleVariables the variables of the module that {@code module} blocks call: name to
   *     whether it has a default
   */
  public static Report run(List<ProviderSchema> schemas, JsonNode files, Map<String, Boolean> moduleVariables) {
    ProviderSchemaCheck check = new ProviderSchemaCheck(schemas);
    for (JsonNode file : files) {
      check.blocks(file.path("resource"), false);
      check.blocks(file.path("data"), true);
      check.providerBlocks(file.path("provider"));
      check.moduleCalls(file.path("module"), moduleVariables);
    }
    return check.report;
  }

  /** The variables a module declares (from its hcl2json output), each with whether it has a default. */
  public static Map<String, Boolean> variables(JsonNode moduleFiles) {
    Map<String, Boolean> variables = new LinkedHashMap<>();
    for (JsonNode file : moduleFiles) {
      file.path("variable").fields().forEachRemaining(v -> variables.put(v.getKey(), v.getValue().path(0).has("default")));
    }
    return variables;
  }

  private void blocks(JsonNode byType, boolean data) {
    for (Iterator<Map.Entry<String, JsonNode>> types = byType.fields(); types.hasNext(); ) {
      Map.Entry<String, JsonNode> type = types.next();
      for (Iterator<Map.Entry<String, JsonNode>> named = type.getValue().fields(); named.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = named.next();
        String address = (data ? "data." : "") + type.getKey() + "." + entry.getKey();
        JsonNode body = entry.getValue().path(0);
        ProviderSchema schema = providerOf(type.getKey(), body);
        if (schema == null) {
          report.fail(address + ": no provider schema here for " + type.getKey());
          continue;
        }
        Optional<ProviderSchema.Block> block = data ? schema.dataSource(type.getKey()) : schema.resource(type.getKey());
        if (block.isEmpty()) {
          report.fail(address + ": " + schema.provider() + " " + schema.version() + " has no "
              + (data ? "data source " : "resource type ") + type.getKey());
          continue;
        }
        check(address, "", body, block.get(), META, schema);
      }
    }
  }

  /** google-beta when the resource says so, else the provider its type's prefix names. */
  private ProviderSchema providerOf(String type, JsonNode body) {
    String chosen = body.path("provider").asText("").replace("${", "").replace("}", "").trim();
    if (!chosen.isEmpty()) {
      return providers.get(chosen.contains(".") ? chosen.substring(0, chosen.indexOf('.')) : chosen);
    }
    return providers.get(type.substring(0, type.indexOf('_')));
  }

  private void providerBlocks(JsonNode byName) {
    byName.fields().forEachRemaining(p -> {
      ProviderSchema schema = providers.get(p.getKey());
      if (schema == null) {
        report.fail("provider \"" + p.getKey() + "\": no provider schema here");
        return;
      }
      for (JsonNode body : p.getValue()) {
        check("provider \"" + p.getKey() + "\"", "", body, schema.providerConfig(), Set.of("alias"), schema);
      }
    });
  }

  private void moduleCalls(JsonNode modules, Map<String, Boolean> variables) {
    modules.fields().forEachRemaining(m -> {
      JsonNode body = m.getValue().path(0);
      String address = "module." + m.getKey();
      body.fieldNames().forEachRemaining(argument -> {
        if (!MODULE_META.contains(argument) && !variables.containsKey(argument)) {
          report.fail(address + ": " + argument + " is not a variable of the module");
        }
      });
      variables.forEach((variable, hasDefault) -> {
        if (!hasDefault && !body.has(variable)) {
          report.fail(address + ": the module's variable " + variable + " has no default and is not set");
        }
      });
    });
  }

  /** One block's body against its schema; {@code path} is where it sits in its resource. */
  private void check(String address, String path, JsonNode body, ProviderSchema.Block schema, Set<String> meta,
      ProviderSchema provider) {
    Set<String> dynamic = new java.util.HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      if (meta.contains(name)) {
        continue;
      }
      if (name.equals("dynamic")) {
        field.getValue().fields().forEachRemaining(d -> {
          dynamic.add(d.getKey());
          ProviderSchema.Argument argument = schema.arguments().get(d.getKey());
          if (argument == null || !argument.block()) {
            report.fail(address + ": dynamic \"" + path + d.getKey() + "\" does not generate a block of "
                + provider.provider() + " " + provider.version() + "'s " + schema.type());
            return;
          }
          for (JsonNode generator : d.getValue()) {
            for (JsonNode content : generator.path("content")) {
              check(address, path + d.getKey() + ".", content, argument.nested(), Set.of(), provider);
            }
          }
        });
        continue;
      }
      ProviderSchema.Argument argument = schema.arguments().get(name);
      if (argument == null) {
        report.fail(address + ": " + path + name + " is not an argument of " + provider.provider() + " "
            + provider.version() + "'s " + schema.type());
        continue;
      }
      if (argument.block() && field.getValue().isObject()) {
        report.fail(address + ": " + path + name + " is a block: write " + name + " { ... }, not " + name + " = { ... }");
        continue;
      }
      if (argument.nested() != null) {
        JsonNode value = field.getValue();
        if (value.isArray()) {
          for (int i = 0; i < value.size(); i++) {
            if (value.get(i).isObject()) {
              String at = path + name + (value.size() > 1 ? "[" + i + "]" : "") + ".";
              check(address, at, value.get(i), argument.nested(), Set.of(), provider);
            }
          }
        } else if (value.isObject()) {
          check(address, path + name + ".", value, argument.nested(), Set.of(), provider);
        }
      }
    }
    schema.arguments().values().stream()
        .filter(ProviderSchema.Argument::required)
        .filter(a -> !body.has(a.name()) && !dynamic.contains(a.name()))
        .forEach(a -> report.fail(address + ": " + path + a.name() + " is required by " + provider.provider() + " "
            + provider.version() + "'s " + schema.type() + " and not set"));
  }
}
