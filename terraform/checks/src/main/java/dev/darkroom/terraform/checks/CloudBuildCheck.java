package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.cloudbuild.v1.Build;
import com.google.cloudbuild.v1.BuildStep;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A cloudbuild file parsed strictly into Cloud Build's own {@link Build} message: unknown fields fail. */
public final class CloudBuildCheck {
  /** The step that zips the functions; its script is run with its tools stubbed to see which it packages. */
  public static final String PACKAGE_STEP = "package-functions";

  private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\$|\\$\\{([A-Z_][A-Z0-9_]*)}|\\$([A-Z_][A-Z0-9_]*)");

  private CloudBuildCheck() {}

  public static Build parse(Path file) throws IOException {
    JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    return parse(new ObjectMapper().writeValueAsString(yaml));
  }

  public static Build parse(String json) throws InvalidProtocolBufferException {
    Build.Builder build = Build.newBuilder();
    JsonFormat.parser().merge(json, build);
    return build.build();
  }

  public static BuildStep step(Build build, String id) {
    return build.getStepsList().stream().filter(s -> s.getId().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalStateException("the pipeline has no step " + id));
  }

  /** A step's script (the argument after -c), as bash sees it once Cloud Build substituted it. */
  public static String script(Build build, BuildStep step) {
    List<String> args = step.getArgsList();
    int c = args.indexOf("-c");
    String raw = c >= 0 && c + 1 < args.size() ? args.get(c + 1) : String.join(" ", args);
    return substitute(raw, build.getSubstitutionsMap());
  }

  /**
   * Cloud Build's substitution: {@code $$} is a dollar; {@code $_X} and {@code ${_X}} the build's
   * substitutions; built-ins ({@code $PROJECT_ID}, {@code $SHORT_SHA}, ...) stand in as their name.
   */
  static String substitute(String text, Map<String, String> substitutions) {
    Matcher m = SUBSTITUTION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = name == null ? "$" : substitutions.getOrDefault(name, name.startsWith("_") ? "" : name.toLowerCase());
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * The functions the package step zips, name to module: its script run by bash in a scratch copy
   * of the repository's layout, with apt-get and mvn stubbed and package-function.sh recording its
   * arguments. Whatever the step derives its list from is what it is checked by.
   */
  public static Map<String, String> packagedFunctions(Path repoRoot, Build build) {
    String script = script(build, step(build, PACKAGE_STEP));
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("package-step");
      Path bin = Files.createDirectories(scratch.resolve("bin"));
      executable(bin.resolve("apt-get"), "#!/bin/sh\nexit 0\n");
      executable(bin.resolve("mvn"), "#!/bin/sh\nexit 0\n");
      Path work = Files.createDirectories(scratch.resolve("repo"));
      Files.createDirectories(work.resolve("terraform/scripts"));
      Files.copy(repoRoot.resolve(Deployable.SOURCE), work.resolve(Deployable.SOURCE));
      for (String root : DeployablesCheck.DEPLOYABLE_ROOTS) {
        Files.createSymbolicLink(work.resolve(root), repoRoot.resolve(root));
      }
      Path packaged = scratch.resolve("packaged.txt");
      Files.createFile(packaged);
      executable(work.resolve("terraform/scripts/package-function.sh"),
          "#!/bin/sh\necho \"$1 $2\" >> '" + packaged + "'\n");
      ProcessBuilder bash = new ProcessBuilder("bash", "-c", script).directory(work.toFile())
          .redirectErrorStream(true).redirectOutput(scratch.resolve("output.txt").toFile());
      bash.environment().put("PATH", bin + ":" + System.getenv("PATH"));
      Process process = bash.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(PACKAGE_STEP + "'s script did not finish within 60 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(PACKAGE_STEP + "'s script failed (" + process.exitValue() + "): "
            + Files.readString(scratch.resolve("output.txt")));
      }
      Map<String, String> zips = new LinkedHashMap<>();
      for (String line : Files.readAllLines(packaged)) {
        String[] moduleAndName = line.trim().split("\\s+");
        zips.put(moduleAndName[1], moduleAndName[0]);
      }
      return zips;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      delete(scratch);
    }
  }

  /** Whether a step runs {@code docker build} on this Dockerfile (named with -f, or the default one of the context). */
  public static boolean buildsImage(Build build, Path dockerfile) {
    String context = dockerfile.getParent().toString();
    Pattern named = Pattern.compile("-f\\s+" + Pattern.quote(dockerfile.toString()) + "\\s");
    Pattern defaultOfContext = Pattern.compile("\\s" + Pattern.quote(context) + "\\s*$", Pattern.MULTILINE);
    for (BuildStep step : build.getStepsList()) {
      String script = script(build, step);
      if (!script.contains("docker build")) {
        continue;
      }
      if (named.matcher(script).find()
          || (dockerfile.getFileName().toString().equals("Dockerfile") && !script.contains(" -f ")
              && defaultOfContext.matcher(script).find())) {
        return true;
      }
    }
    return false;
  }

  /** Whether a step runs {@code docker push} and names the image as a word (a tag or a loop's list). */
  public static boolean pushesImage(Build build, String image) {
    Pattern word = Pattern.compile("(?<![\\w-])" + Pattern.quote(image) + "(?![\\w-])");
    return build.getStepsList().stream().map(step -> script(build, step))
        .anyMatch(script -> script.contains("docker push") && word.matcher(script).find());
  }

  private static void executable(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      // Symbolic links are deleted, not followed: the repository behind them stays.
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
