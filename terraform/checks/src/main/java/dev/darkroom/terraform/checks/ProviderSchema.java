package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a Terraform provider accepts, read from its cdktf bindings: the npm packages
 * {@code @cdktf/provider-google}, {@code -google-beta} and {@code -random} (pinned in .ci/tools)
 * are generated from one exact provider version's schema, which their package.json names. Each
 * resource's {@code lib/<name>/index.d.ts} has a Config interface (its arguments) and an interface
 * per nested block; each property carries its Terraform name in its doc link
 * ({@code ...#build_config}), whether it is required (no {@code ?}), and, for a block, the
 * interface of its contents.
 *
 * <p>This knows names, blocks and required arguments: not types, not values, not what the API
 * refuses. {@code terraform validate} with the real provider (Cloud Build runs it) knows more.
 */
public final class ProviderSchema {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INTERFACE = Pattern.compile("^export interface (\\w+)(?: extends ([\\w.]+))? \\{$");
  private static final Pattern MEMBER = Pattern.compile("^\\s*readonly (\\w+)(\\??): ");
  private static final Pattern DOC_NAME = Pattern.compile("#(\\w+) \\w+#\\w+\\}");
  private static final Pattern BLOCK_DOC = Pattern.compile("^\\s*\\* (\\w+) block\\s*$");
  private static final Pattern RESOURCE_TYPE = Pattern.compile("tfResourceType = \"([a-z0-9_]+)\"");

  /** One argument: its Terraform name, whether it must be set, and the block it opens, if any. */
  public record Argument(String name, boolean required, boolean block, Block nested) {}

  /** The arguments a resource, data source, provider or nested block takes, by Terraform name. */
  public record Block(String type, Map<String, Argument> arguments) {}

  private final Path lib;
  private final String provider;
  private final String version;
  private final Map<String, Optional<Block>> cache = new ConcurrentHashMap<>();

  private ProviderSchema(Path packageDir, String provider, String version) {
    this.lib = packageDir.resolve("lib");
    this.provider = provider;
    this.version = version;
  }

  /** The bindings in {@code packageDir} (a node_modules/@cdktf/provider-* directory). */
  public static ProviderSchema load(Path packageDir) {
    if (!Files.isDirectory(packageDir.resolve("lib"))) {
      throw new IllegalStateException(packageDir + " is missing: run ./darkroom test (it runs npm ci in .ci/tools) "
          + "or (cd .ci/tools && npm ci)");
    }
    try {
      JsonNode meta = JSON.readTree(packageDir.resolve("package.json").toFile()).path("cdktf").path("provider");
      String name = meta.path("name").asText();
      return new ProviderSchema(packageDir, name.substring(name.lastIndexOf('/') + 1), meta.path("version").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The provider's local name, e.g. {@code google-beta}. */
  public String provider() {
    return provider;
  }

  /** The provider version the bindings were generated from, e.g. {@code 6.50.0}. */
  public String version() {
    return version;
  }

  public Optional<Block> resource(String type) {
    return cache.computeIfAbsent("resource " + type, k -> find(type, false));
  }

  public Optional<Block> dataSource(String type) {
    return cache.computeIfAbsent("data " + type, k -> find(type, true));
  }

  /** The provider block's own arguments ({@code provider "google" { ... }}). */
  public Block providerConfig() {
    return cache.computeIfAbsent("provider", k -> Optional.of(parse(lib.resolve("provider/index.d.ts"), provider)))
        .orElseThrow();
  }

  /**
   * The bindings' directory is the type without the provider's prefix, dashed ({@code
   * google_cloudfunctions2_function}: {@code cloudfunctions2-function}; data sources {@code
   * data-google-project}); the few that differ (a name a language reserves) are found by the type
   * the generated class declares.
   */
  private Optional<Block> find(String type, boolean data) {
    String prefix = provider.replace("-beta", "") + "_";
    if (!type.startsWith(prefix)) {
      return Optional.empty();
    }
    String dir = data ? "data-" + type.replace('_', '-') : type.substring(prefix.length()).replace('_', '-');
    Optional<Path> found = Optional.of(lib.resolve(dir)).filter(d -> declares(d, type));
    if (found.isEmpty()) {
      try (Stream<Path> dirs = Files.list(lib)) {
        found = dirs.filter(d -> d.getFileName().toString().startsWith("data-") == data)
            .filter(d -> declares(d, type)).findFirst();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return found.map(d -> parse(d.resolve("index.d.ts"), type));
  }

  private static boolean declares(Path dir, String type) {
    Path js = dir.resolve("index.js");
    if (!Files.isRegularFile(js)) {
      return false;
    }
    try {
      Matcher m = RESOURCE_TYPE.matcher(Files.readString(js));
      return m.find() && m.group(1).equals(type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A parsed interface: its members in order, each with its name, optionality, type text and doc. */
  private record Member(String name, boolean optional, String typeText, boolean blockDoc) {}

  private static Block parse(Path declarations, String type) {
    String[] lines;
    try {
      lines = Files.readString(declarations).split("\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Map<String, Member>> interfaces = new LinkedHashMap<>();
    String config = null;
    for (int i = 0; i < lines.length; i++) {
      Matcher start = INTERFACE.matcher(lines[i]);
      if (!start.matches()) {
        continue;
      }
      String name = start.group(1);
      if (name.endsWith("Config") && start.group(2) != null || name.endsWith("ProviderConfig")) {
        config = name;
      }
      Map<String, Member> members = new LinkedHashMap<>();
      String docName = null;
      boolean blockDoc = false;
      for (i++; i < lines.length && !lines[i].equals("}"); i++) {
        Matcher doc = DOC_NAME.matcher(lines[i]);
        if (doc.find()) {
          docName = doc.group(1);
        }
        if (BLOCK_DOC.matcher(lines[i]).matches()) {
          blockDoc = true;
        }
        Matcher member = MEMBER.matcher(lines[i]);
        if (member.find()) {
          StringBuilder typeText = new StringBuilder(lines[i].substring(member.end()));
          int depth = depth(typeText);
          while ((depth > 0 || !typeText.toString().trim().endsWith(";")) && i + 1 < lines.length) {
            typeText.append(' ').append(lines[++i].trim());
            depth = depth(typeText);
          }
          String tfName = docName != null ? docName : snake(member.group(1));
          members.put(tfName, new Member(tfName, member.group(2).equals("?"), typeText.toString(), blockDoc));
          docName = null;
          blockDoc = false;
        }
      }
      interfaces.put(name, members);
    }
    if (config == null) {
      throw new IllegalStateException("no Config interface in " + declarations);
    }
    return block(type, config, interfaces);
  }

  private static Block block(String type, String interfaceName, Map<String, Map<String, Member>> interfaces) {
    Map<String, Argument> arguments = new LinkedHashMap<>();
    for (Member m : interfaces.get(interfaceName).values()) {
      String nestedType = m.typeText().replace("| cdktf.IResolvable", "").replace("[]", "").replace(";", "").trim();
      Block nested = interfaces.containsKey(nestedType) && !nestedType.equals(interfaceName)
          ? block(type, nestedType, interfaces) : null;
      arguments.put(m.name(), new Argument(m.name(), !m.optional(), m.blockDoc() && nested != null, nested));
    }
    return new Block(type, arguments);
  }

  private static int depth(CharSequence text) {
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    }
    return depth;
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
