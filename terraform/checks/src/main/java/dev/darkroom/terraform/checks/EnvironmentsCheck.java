package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloudbuild.v1.Build;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The environments share one root ({@value #ROOT}/main.tf) and differ only by the files of
 * {@value #ROOT}/&lt;env&gt;/: terraform.tfvars sets only the root's variables, and with the
 * pipeline's -var arguments every variable without a default; its prefix is the directory's name
 * (the pipeline names images and buckets after _ENV); backend.hcl puts its state under darkroom/&lt;env&gt;.
 */
public final class EnvironmentsCheck {
  public static final String ROOT = "terraform/envs";
  public static final List<String> FILES = List.of("backend.hcl", "terraform.tfvars");
  private static final Pattern PIPELINE_VAR = Pattern.compile("-var \"([a-z_]+)=");

  private EnvironmentsCheck() {}

  public static List<String> environments(Path repoRoot) {
    try (Stream<Path> dirs = Files.list(repoRoot.resolve(ROOT))) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param root the shared root, parsed
   * @param tfvars each environment's terraform.tfvars, parsed (file name to attributes)
   * @param backends each environment's backend.hcl, parsed likewise
   */
  public static Report run(Path repoRoot, JsonNode root, Map<String, JsonNode> tfvars, Map<String, JsonNode> backends,
      Build pipeline) {
    Report report = new Report();
    Map<String, Boolean> variables = ProviderSchemaCheck.variables(root);
    Set<String> fromPipeline = new LinkedHashSet<>();
    Matcher m = PIPELINE_VAR.matcher(CloudBuildCheck.script(pipeline, CloudBuildCheck.step(pipeline, "apply")));
    while (m.find()) {
      fromPipeline.add(m.group(1));
    }
    for (String env : tfvars.keySet()) {
      Path dir = repoRoot.resolve(ROOT).resolve(env);
      Set<String> present = new TreeSet<>();
      try (Stream<Path> files = Files.list(dir)) {
        files.map(f -> f.getFileName().toString()).forEach(present::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      present.removeAll(FILES);
      if (!present.isEmpty()) {
        report.fail(env + ": " + ROOT + "/" + env + " holds " + present + "; an environment holds only " + FILES);
      }
      JsonNode values = tfvars.get(env);
      for (Iterator<String> names = values.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!variables.containsKey(name)) {
          report.fail(env + ": terraform.tfvars sets " + name + ", which is not a variable of " + ROOT + "/main.tf");
        } else if (fromPipeline.contains(name)) {
          report.fail(env + ": terraform.tfvars sets " + name + ", which the pipeline passes with -var (and wins)");
        }
      }
      variables.forEach((name, hasDefault) -> {
        if (!hasDefault && !values.has(name) && !fromPipeline.contains(name)) {
          report.fail(env + ": " + name + " has no default and neither terraform.tfvars nor the pipeline sets it");
        }
      });
      if (!env.equals(values.path("prefix").asText())) {
        report.fail(env + ": terraform.tfvars sets prefix = \"" + values.path("prefix").asText() + "\"; the pipeline "
            + "names images and buckets after _ENV, so it must be \"" + env + "\"");
      }
      String state = backends.getOrDefault(env, com.fasterxml.jackson.databind.node.MissingNode.getInstance()).path("prefix").asText();
      if (!state.equals("darkroom/" + env)) {
        report.fail(env + ": backend.hcl keeps the state under \"" + state + "\", not \"darkroom/" + env + "\"");
      }
    }
    return report;
  }
}
