package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A piece of code that runs in the cloud, where its sources are and which Terraform resource runs
 * it, as {@value #SOURCE} lists it: the one list of deployables, which Cloud Build's packaging reads
 * too. What each one reads and needs is derived from its sources.
 *
 * @param kind {@value #KIND_FUNCTION}, {@value #KIND_SERVICE} or {@value #KIND_JOB}
 * @param entryPoint the class Cloud Functions invokes, or the image's main class
 * @param image the image's name in the environment's repository (pushed as image:sha); null for functions
 * @param dockerfile the image's Dockerfile, whose ENV lines set variables too; null for functions
 */
public record Deployable(String name, String moduleDir, String kind, String resourceType, String resourceName,
    String entryPoint, String image, String dockerfile) {

  /** The list, relative to the repository root. */
  public static final String SOURCE = "terraform/deployables.json";

  public static final String KIND_FUNCTION = "function";
  public static final String KIND_SERVICE = "service";
  public static final String KIND_JOB = "job";

  public static final String FUNCTION = "google_cloudfunctions2_function";
  public static final String RUN_JOB = "google_cloud_run_v2_job";
  public static final String RUN_SERVICE = "google_cloud_run_v2_service";

  public static final List<Deployable> ALL = read(Repo.root().resolve(SOURCE));

  /** Sources shared by every deployable, followed from its own. */
  public static final List<String> SHARED_SOURCES = List.of("shared/gcp/src/main/java", "shared/core/src/main/java");

  public Deployable {
    String expected = switch (kind) {
      case KIND_FUNCTION -> FUNCTION;
      case KIND_SERVICE -> RUN_SERVICE;
      case KIND_JOB -> RUN_JOB;
      default -> throw new IllegalArgumentException(name + ": unknown kind " + kind + " in " + SOURCE);
    };
    if (!expected.equals(resourceType)) {
      throw new IllegalArgumentException(name + ": a " + kind + " runs as a " + expected + ", not " + resourceType);
    }
    if (!kind.equals(KIND_FUNCTION) && (image == null || dockerfile == null)) {
      throw new IllegalArgumentException(name + ": a " + kind + " is an image: give its image and dockerfile in " + SOURCE);
    }
  }

  /** Every deployable of a list file, in its order; a missing field fails naming the entry. */
  public static List<Deployable> read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<Deployable> all = new ArrayList<>();
    for (JsonNode entry : root.path("deployables")) {
      String name = field(entry, "name", file);
      String[] resource = field(entry, "resource", file).split("\\.", 2);
      all.add(new Deployable(name, field(entry, "module", file), field(entry, "kind", file), resource[0],
          resource.length == 2 ? resource[1] : "", field(entry, "entry_point", file), optional(entry, "image"),
          optional(entry, "dockerfile")));
    }
    if (all.isEmpty()) {
      throw new IllegalStateException(file + " lists no deployables");
    }
    return List.copyOf(all);
  }

  private static String optional(JsonNode entry, String field) {
    return entry.hasNonNull(field) ? entry.get(field).asText() : null;
  }

  private static String field(JsonNode entry, String field, Path file) {
    String value = entry.path(field).asText("");
    if (value.isBlank()) {
      throw new IllegalArgumentException(file + ": " + entry + " has no " + field);
    }
    return value;
  }

  public static List<Deployable> functions() {
    return ALL.stream().filter(Deployable::isFunction).toList();
  }

  public boolean isFunction() {
    return kind.equals(KIND_FUNCTION);
  }

  public String address() {
    return resourceType + "." + resourceName;
  }

  /** False when the listed module has no sources: the checks then fail with {@link #missingModule()}. */
  public boolean exists(Path repoRoot) {
    return Files.isDirectory(repoRoot.resolve(moduleDir).resolve("src/main/java"));
  }

  /**
   * Why a listed deployable whose module has no sources fails the env and role checks: with nothing to
   * scan, every variable and grant Terraform gives it would look unused, and none would look missing.
   */
  public String missingModule() {
    return name + ": " + moduleDir + "/src/main/java does not exist, so " + address()
        + " cannot be checked against its code";
  }

  public CodeReads.Result scan(Path repoRoot) {
    return CodeReads.scan(List.of(repoRoot.resolve(moduleDir).resolve("src/main/java")),
        SHARED_SOURCES.stream().map(repoRoot::resolve).toList());
  }
}
