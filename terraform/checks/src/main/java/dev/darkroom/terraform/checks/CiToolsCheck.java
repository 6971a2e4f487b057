package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloudbuild.v1.Build;
import com.google.cloudbuild.v1.BuildStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline's test step runs on tools that meet what the project pins: the Node it provides
 * satisfies {@code engines.node} of every package of {@value #LOCK}, and its JDK is at least the
 * build's Java release. Versions are read from the step: a Node download from nodejs.org (its
 * version literal or from the step's env), else Debian's {@code nodejs} when apt-get installs it,
 * whose version is that of the image's Debian release ({@link #DEBIAN}).
 */
public final class CiToolsCheck {
  public static final String TEST_STEP = "test";
  public static final String LOCK = ".ci/tools/package-lock.json";

  /** A Debian release and what its packages install; the images the pipeline may run the tests on. */
  record Debian(String release, Map<String, String> packageVersions) {}

  /**
   * Facts, not guesses: google-cloud-cli's images are Debian 12, whose nodejs is 18.20.4
   * (bookworm and bookworm-security, {@code apt-cache policy nodejs} on such a machine).
   */
  static final Map<String, Debian> DEBIAN = Map.of(
      "gcr.io/google.com/cloudsdktool/google-cloud-cli", new Debian("bookworm", Map.of("nodejs", "18.20.4")));

  private static final Pattern NODE_DOWNLOAD = Pattern.compile("nodejs\\.org/dist/v(\\$\\{?(\\w+)}?|[0-9][0-9.]*)/");
  private static final Pattern APT_INSTALL = Pattern.compile("(?m)apt-get install[^\\n]*");
  private static final Pattern JDK = Pattern.compile("(?<![\\w-])openjdk-(\\d+)-jdk(?:-headless)?(?![\\w-])");
  private static final Pattern JAVA_RELEASE = Pattern.compile("<maven\\.compiler\\.release>(\\d+)</maven\\.compiler\\.release>");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A tool's version and where the step gets it, for the messages. */
  public record Tool(String version, String from) {}

  private CiToolsCheck() {}

  public static Report run(Path repoRoot, Build pipeline) {
    Report report = new Report();
    BuildStep step = CloudBuildCheck.step(pipeline, TEST_STEP);
    String script = CloudBuildCheck.script(pipeline, step);
    Optional<Tool> node = node(pipeline, step, script);
    if (node.isEmpty()) {
      report.fail("test step: cannot tell which Node it provides (no nodejs.org download, no apt-get install nodejs "
          + "on an image of known Debian release)");
    } else {
      for (String unmet : unmetEngines(repoRoot, node.get().version())) {
        report.fail("test step: Node " + node.get().version() + " (" + node.get().from() + ") does not satisfy " + unmet);
      }
    }
    int release = javaRelease(repoRoot);
    Optional<Integer> jdk = jdk(script);
    if (jdk.isEmpty()) {
      report.fail("test step: installs no openjdk-<N>-jdk; the build needs Java " + release + " (pom.xml maven.compiler.release)");
    } else if (jdk.get() < release) {
      report.fail("test step: JDK " + jdk.get() + " (openjdk-" + jdk.get() + "-jdk) is older than the build's Java release "
          + release + " (pom.xml maven.compiler.release)");
    }
    return report;
  }

  /** The Node the test step puts first on PATH: its nodejs.org download, else Debian's nodejs. */
  public static Optional<Tool> node(Build pipeline, BuildStep step, String script) {
    Matcher download = NODE_DOWNLOAD.matcher(script);
    if (download.find()) {
      if (download.group(2) == null) {
        return Optional.of(new Tool(download.group(1), "nodejs.org"));
      }
      String variable = download.group(2);
      return step.getEnvList().stream().filter(e -> e.startsWith(variable + "="))
          .map(e -> new Tool(e.substring(variable.length() + 1), "nodejs.org, " + variable + " in the step's env"))
          .findFirst();
    }
    Matcher apt = APT_INSTALL.matcher(script);
    while (apt.find()) {
      if (List.of(apt.group().split("\\s+")).contains("nodejs")) {
        String image = CloudBuildCheck.substitute(step.getName(), pipeline.getSubstitutionsMap());
        Debian debian = DEBIAN.get(image.replaceFirst(":[^/]*$", ""));
        return debian == null ? Optional.empty() : Optional.of(new Tool(debian.packageVersions().get("nodejs"),
            "Debian " + debian.release() + "'s nodejs, apt-get on " + image));
      }
    }
    return Optional.empty();
  }

  static Optional<Integer> jdk(String script) {
    Matcher apt = APT_INSTALL.matcher(script);
    while (apt.find()) {
      Matcher jdk = JDK.matcher(apt.group());
      if (jdk.find()) {
        return Optional.of(Integer.parseInt(jdk.group(1)));
      }
    }
    return Optional.empty();
  }

  static int javaRelease(Path repoRoot) {
    try {
      Matcher m = JAVA_RELEASE.matcher(Files.readString(repoRoot.resolve("pom.xml")));
      if (!m.find()) {
        throw new IllegalStateException("pom.xml sets no maven.compiler.release");
      }
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Each package of the lock whose {@code engines.node} the version does not satisfy, as
   * {@code engines.node "<range>" of <name> <version> (LOCK)}, in the lock's order. Ranges are
   * evaluated by npm's own semver (from .ci/tools), with the option npm's engine check uses.
   */
  static List<String> unmetEngines(Path repoRoot, String nodeVersion) {
    Path semver = repoRoot.resolve(".ci/tools/node_modules/semver");
    if (!Files.isDirectory(semver)) {
      throw new IllegalStateException(semver + " is missing: run ./darkroom test (it runs npm ci in .ci/tools) "
          + "or (cd .ci/tools && npm ci)");
    }
    try {
      ObjectNode wanted = JSON.createObjectNode();
      JsonNode packages = JSON.readTree(repoRoot.resolve(LOCK).toFile()).path("packages");
      for (Iterator<Map.Entry<String, JsonNode>> it = packages.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        JsonNode range = p.getValue().path("engines").path("node");
        if (!p.getKey().isEmpty() && range.isTextual()) {
          String name = p.getKey().substring(p.getKey().lastIndexOf("node_modules/") + "node_modules/".length());
          wanted.put("engines.node \"" + range.asText() + "\" of " + name + " " + p.getValue().path("version").asText()
              + " (" + LOCK + ")", range.asText());
        }
      }
      Path ranges = Files.createTempFile("engines", ".json");
      Path script = Files.createTempFile("engines", ".js");
      try {
        Files.writeString(ranges, JSON.writeValueAsString(wanted));
        Files.writeString(script, """
            'use strict';
            const semver = require(process.argv[2]);
            const wanted = JSON.parse(require('fs').readFileSync(process.argv[4], 'utf8'));
            for (const [what, range] of Object.entries(wanted)) {
              if (!semver.satisfies(process.argv[3], range, { includePrerelease: true })) console.log(what);
            }
            """);
        Process node = new ProcessBuilder("node", script.toString(), semver.toString(), nodeVersion, ranges.toString())
            .redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
          throw new IllegalStateException("evaluating engines.node with semver failed: " + out);
        }
        return out.lines().filter(l -> !l.isBlank()).toList();
      } finally {
        Files.deleteIfExists(ranges);
        Files.deleteIfExists(script);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
