package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloudbuild.v1.Build;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every place that keeps its own copy of the deployables agrees with {@value Deployable#SOURCE}:
 * the Maven reactor, the Terraform resources, the pipeline's packaging and images, and the local
 * stack's function hosts. Each direction fails: a deployable missing from a place, and a place
 * with one the list does not have.
 */
public final class DeployablesCheck {
  /** Where deployable modules live; a Maven module here that the list lacks fails. */
  static final List<String> DEPLOYABLE_ROOTS = List.of("functions", "gpu-job-image");
  static final String LOCAL_STACK = "emulators/stack/src/main/java/dev/darkroom/local/LocalStack.java";
  /** The one logging configuration of every deployable, in the jar each one depends on. */
  static final String LOGGING = "shared/gcp/src/main/resources/logback.xml";
  private static final Pattern GCP_DEPENDENCY = Pattern.compile(
      "<dependency>\\s*<groupId>dev\\.darkroom</groupId>\\s*<artifactId>darkroom-gcp</artifactId>(?:(?!</dependency>).)*</dependency>",
      Pattern.DOTALL);

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern HOST = Pattern.compile("function\\(\"([^\"]+)\",\\s*(\\w+)\\.class");
  private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+([\\w.]+)\\.(\\w+);");

  private DeployablesCheck() {}

  /** The real repository: its list, module, pipeline and local stack. */
  public static Report run(Path repoRoot, JsonNode module) throws IOException {
    return run(repoRoot, Deployable.ALL, module, CloudBuildCheck.parse(repoRoot.resolve("cloudbuild.yaml")),
        Files.readString(repoRoot.resolve(LOCAL_STACK)));
  }

  public static Report run(Path repoRoot, List<Deployable> deployables, JsonNode module, Build pipeline,
      String localStack) {
    Report report = new Report();
    maven(repoRoot, deployables, report);
    logging(repoRoot, deployables, report);
    terraform(deployables, new Terraform(module), report);
    pipeline(repoRoot, deployables, pipeline, report);
    localStack(deployables, localStack, report);
    return report;
  }

  private static void maven(Path repoRoot, List<Deployable> deployables, Report report) {
    Set<String> reactor = reactorModules(repoRoot);
    Set<String> listed = new LinkedHashSet<>();
    for (Deployable d : deployables) {
      listed.add(d.moduleDir());
      if (!reactor.contains(d.moduleDir())) {
        report.fail(d.name() + ": " + d.moduleDir() + " is not a module of the Maven build (a <module> of its parent pom)");
      }
    }
    Set<String> candidates = new TreeSet<>(moduleDirectories(repoRoot));
    reactor.stream().filter(dir -> DEPLOYABLE_ROOTS.stream().anyMatch(root -> dir.startsWith(root + "/")))
        .forEach(candidates::add);
    for (String dir : candidates) {
      if (!listed.contains(dir) && !isAggregator(repoRoot.resolve(dir))) {
        report.fail(dir + " is a Maven project under " + DEPLOYABLE_ROOTS + " but not in " + Deployable.SOURCE);
      }
    }
  }

  /** Module directories of the reactor, relative to the root, following aggregator poms. */
  static Set<String> reactorModules(Path repoRoot) {
    Set<String> found = new TreeSet<>();
    collect(repoRoot, repoRoot, found);
    return found;
  }

  private static void collect(Path repoRoot, Path dir, Set<String> found) {
    Matcher m = MODULE.matcher(read(dir.resolve("pom.xml")));
    while (m.find()) {
      Path child = dir.resolve(m.group(1).trim()).normalize();
      found.add(repoRoot.relativize(child).toString());
      if (Files.isRegularFile(child.resolve("pom.xml"))) {
        collect(repoRoot, child, found);
      }
    }
  }

  private static boolean isAggregator(Path dir) {
    Path pom = dir.resolve("pom.xml");
    return Files.isRegularFile(pom) && read(pom).contains("<packaging>pom</packaging>");
  }

  /** Each deployable logs through {@value #LOGGING}: darkroom-gcp at run time, no logback.xml of its own. */
  private static void logging(Path repoRoot, List<Deployable> deployables, Report report) {
    if (!Files.isRegularFile(repoRoot.resolve(LOGGING))) {
      report.fail(LOGGING + " is missing: it is the logging configuration of every deployable");
    }
    for (Deployable d : deployables) {
      Path module = repoRoot.resolve(d.moduleDir());
      if (Files.exists(module.resolve("src/main/resources/logback.xml"))) {
        report.fail(d.name() + ": " + d.moduleDir() + "/src/main/resources/logback.xml would compete with " + LOGGING);
      }
      boolean gcp = Stream.of(module, module.getParent())
          .map(dir -> dir.resolve("pom.xml")).filter(Files::isRegularFile).map(DeployablesCheck::read)
          .anyMatch(pom -> GCP_DEPENDENCY.matcher(pom).results().anyMatch(dep -> !dep.group().contains("<scope>test</scope>")));
      if (Files.isRegularFile(module.resolve("pom.xml")) && !gcp) {
        report.fail(d.name() + ": " + d.moduleDir() + " does not depend on darkroom-gcp, whose " + LOGGING + " it logs with");
      }
    }
  }

  private static void terraform(List<Deployable> deployables, Terraform tf, Report report) {
    Set<String> functionResources = new LinkedHashSet<>();
    for (Deployable d : deployables) {
      var resource = tf.resource(d.resourceType(), d.resourceName());
      if (resource.isEmpty()) {
        report.fail(d.name() + ": Terraform declares no " + d.address());
        continue;
      }
      if (resource.get().has("count")) {
        report.fail(d.name() + ": " + d.address() + " is deployed only while count = " + resource.get().get("count").asText()
            + " is 1; every deployable of the list is deployed");
      }
      if (!d.isFunction()) {
        continue;
      }
      functionResources.add(d.resourceName());
      String entry = Terraform.at(resource.get(), "build_config", "entry_point").asText();
      if (!entry.equals(d.entryPoint())) {
        report.fail(d.name() + ": " + d.address() + " runs " + entry + ", the list says " + d.entryPoint());
      }
      String object = Terraform.at(resource.get(), "build_config", "source", "storage_source", "object").asText();
      String zip = "${var.source_version}/" + d.name() + ".zip";
      if (!object.equals(zip)) {
        report.fail(d.name() + ": " + d.address() + " deploys " + object + ", the pipeline uploads " + zip);
      }
    }
    for (String name : tf.resources(Deployable.FUNCTION).keySet()) {
      if (!functionResources.contains(name)) {
        report.fail(Deployable.FUNCTION + "." + name + " is not in " + Deployable.SOURCE);
      }
    }
  }

  private static void pipeline(Path repoRoot, List<Deployable> deployables, Build pipeline, Report report) {
    Map<String, String> packaged = CloudBuildCheck.packagedFunctions(repoRoot, pipeline);
    Set<String> functionNames = new LinkedHashSet<>();
    for (Deployable d : deployables) {
      if (d.isFunction()) {
        functionNames.add(d.name());
        if (!d.moduleDir().equals(packaged.get(d.name()))) {
          report.fail(d.name() + ": the pipeline's package-functions step does not package " + d.moduleDir()
              + " as " + d.name() + ".zip, which Terraform deploys");
        }
      } else {
        if (!CloudBuildCheck.buildsImage(pipeline, Path.of(d.dockerfile()))) {
          report.fail(d.name() + ": no step of the pipeline builds its image from " + d.dockerfile());
        }
        if (!CloudBuildCheck.pushesImage(pipeline, d.image())) {
          report.fail(d.name() + ": no step of the pipeline pushes its image " + d.image());
        }
      }
    }
    packaged.keySet().stream().filter(n -> !functionNames.contains(n))
        .forEach(n -> report.fail("the pipeline packages " + n + ".zip, which is not a function of " + Deployable.SOURCE));
  }

  private static void localStack(List<Deployable> deployables, String source, Report report) {
    Map<String, String> imports = new LinkedHashMap<>();
    Matcher i = IMPORT.matcher(source);
    while (i.find()) {
      imports.put(i.group(2), i.group(1) + "." + i.group(2));
    }
    Map<String, String> hosts = new LinkedHashMap<>();
    Matcher h = HOST.matcher(source);
    while (h.find()) {
      hosts.put(h.group(1), imports.getOrDefault(h.group(2), h.group(2)));
    }
    Set<String> functionNames = new LinkedHashSet<>();
    for (Deployable d : deployables) {
      if (!d.isFunction()) {
        continue;
      }
      functionNames.add(d.name());
      if (!hosts.containsKey(d.name())) {
        report.fail(d.name() + ": the local stack (LocalStack) hosts no function(\"" + d.name() + "\", ...)");
      } else if (!hosts.get(d.name()).equals(d.entryPoint())) {
        report.fail(d.name() + ": the local stack hosts " + hosts.get(d.name()) + ", the list says " + d.entryPoint());
      }
    }
    hosts.keySet().stream().filter(n -> !functionNames.contains(n))
        .forEach(n -> report.fail("the local stack hosts " + n + ", which is not a function of " + Deployable.SOURCE));
  }

  /** Directories directly under the deployable roots that hold a pom.xml. */
  static List<String> moduleDirectories(Path repoRoot) {
    try (Stream<Path> dirs = DEPLOYABLE_ROOTS.stream().map(repoRoot::resolve).flatMap(DeployablesCheck::list)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))
          .map(d -> repoRoot.relativize(d).toString()).sorted().toList();
    }
  }

  private static Stream<Path> list(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children.filter(Files::isDirectory).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
