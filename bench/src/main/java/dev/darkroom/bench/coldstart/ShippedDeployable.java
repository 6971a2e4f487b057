package dev.darkroom.bench.coldstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * One deployable of terraform/deployables.json (the one list) as it ships: its module's own classes
 * and the runtime dependencies its build packages ({@code target/deploy-classpath.txt}, written by
 * the module's build: the set cloudbuild.yaml copies into a function's lib/ or an image).
 *
 * @param kind {@code function}, {@code service} or {@code job}, as deployables.json says
 * @param classpath the module's classes first, then every runtime dependency
 * @param packageBytes the bytes of the module's jar and its dependencies' jars: what is deployed
 */
record ShippedDeployable(String name, String kind, String entryPoint, List<Path> classpath, long packageBytes) {

  static final String CLASSPATH_FILE = "deploy-classpath.txt";

  /** Every deployable of {@code root}/terraform/deployables.json, each with its built classpath. */
  static List<ShippedDeployable> all(Path root) {
    JsonNode list;
    try {
      list = new ObjectMapper().readTree(root.resolve("terraform/deployables.json").toFile()).path("deployables");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read terraform/deployables.json under " + root, e);
    }
    List<ShippedDeployable> all = new ArrayList<>();
    for (JsonNode deployable : list) {
      all.add(of(root.resolve(deployable.path("module").asText()), deployable.path("name").asText(),
          deployable.path("kind").asText(), deployable.path("entry_point").asText()));
    }
    return all;
  }

  private static ShippedDeployable of(Path module, String name, String kind, String entryPoint) {
    Path target = module.resolve("target");
    Path classpathFile = target.resolve(CLASSPATH_FILE);
    if (!Files.isRegularFile(classpathFile)) {
      throw new IllegalStateException("no " + classpathFile + ": build the module first (mvn -pl bench -am package)");
    }
    List<Path> dependencies;
    try {
      String listed = Files.readString(classpathFile).strip();
      dependencies = listed.isEmpty() ? List.of()
          : Arrays.stream(listed.split(File.pathSeparator)).map(Path::of).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + classpathFile, e);
    }
    List<Path> classpath = new ArrayList<>();
    classpath.add(target.resolve("classes"));
    classpath.addAll(dependencies);
    long bytes = size(moduleJar(target)) + dependencies.stream().mapToLong(ShippedDeployable::size).sum();
    return new ShippedDeployable(name, kind, entryPoint, List.copyOf(classpath), bytes);
  }

  /** The module's own jar; its classes directory when the jar was not built. */
  private static Path moduleJar(Path target) {
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
          .filter(f -> !f.getFileName().toString().endsWith("-sources.jar"))
          .findFirst().orElse(target.resolve("classes"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + target, e);
    }
  }

  /** A jar's size, or the total of a directory's files (a reactor module not packaged yet). */
  private static long size(Path path) {
    try {
      if (Files.isDirectory(path)) {
        try (Stream<Path> files = Files.walk(path)) {
          return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
      }
      return Files.size(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot size " + path, e);
    }
  }

  String classpathString() {
    return String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList());
  }

  double packageMb() {
    return packageBytes / (1024.0 * 1024.0);
  }
}
