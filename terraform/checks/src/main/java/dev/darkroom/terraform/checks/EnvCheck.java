package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every variable a deployable's code reads is set by Terraform for it, unless the platform, the
 * image, the launcher or only the local stack sets it ({@link EnvPolicy}); and Terraform sets
 * nothing that the code does not read.
 */
public final class EnvCheck {
  private EnvCheck() {}

  public static Report run(Path repoRoot, JsonNode module) {
    Terraform tf = new Terraform(module);
    Report report = new Report();
    // Set per execution by the runJob overrides of dispatch and of the api (model imports): the
    // launchers' own constants name them.
    Map<String, String> constants = CodeReads.constants(Deployable.SHARED_SOURCES.stream().map(repoRoot::resolve).toList());
    java.util.Set<String> launcherSet = java.util.Set.of(constants.get("CloudRunJobLauncher.JOB_IDS_VARIABLE"),
        constants.get("CloudRunJobLauncher.GPU_SLOT_VARIABLE"),
        constants.get("CloudRunModelImportLauncher.FOLDER_VARIABLE"),
        constants.get("CloudRunModelImportLauncher.NAME_VARIABLE"),
        constants.get("CloudRunModelImportLauncher.IMPORT_ID_VARIABLE"));

    for (Deployable d : Deployable.ALL) {
      Optional<? extends JsonNode> resource = tf.resource(d.resourceType(), d.resourceName());
      if (resource.isEmpty()) {
        report.fail(d.name() + ": Terraform declares no " + d.address());
        continue;
      }
      if (!d.exists(repoRoot)) {
        report.fail(d.missingModule());
        continue;
      }
      if (d.resourceType().equals(Deployable.FUNCTION)) {
        String entry = Terraform.at(resource.get(), "build_config", "entry_point").asText();
        Path source = repoRoot.resolve(d.moduleDir()).resolve("src/main/java").resolve(entry.replace('.', '/') + ".java");
        if (!source.toFile().isFile()) {
          report.fail(d.name() + ": entry point " + entry + " is not a class of " + d.moduleDir());
        }
      }
      CodeReads.Result code = d.scan(repoRoot);
      code.unresolved().forEach(u -> report.fail(d.name() + ": cannot tell which variable this reads: " + u));
      Set<String> image = d.dockerfile() == null ? Set.of() : EnvPolicy.imageEnv(repoRoot.resolve(d.dockerfile()));
      Map<String, String> set = TerraformEnv.all(resource.get(), d.resourceType());

      for (Map.Entry<String, String> read : code.reads().entrySet()) {
        String name = read.getKey();
        if (EnvPolicy.PLATFORM.containsKey(name) || EnvPolicy.LOCAL_ONLY.containsKey(name)
            || launcherSet.contains(name) || image.contains(name)) {
          continue;
        }
        if (!set.containsKey(name)) {
          report.fail(d.name() + ": reads " + name + " (" + read.getValue() + ") but " + d.address() + " does not set it");
        }
      }
      for (String name : new TreeSet<>(set.keySet())) {
        if (EnvPolicy.LOCAL_ONLY.containsKey(name)) {
          report.fail(d.name() + ": " + d.address() + " sets " + name + ", which is local-only: " + EnvPolicy.LOCAL_ONLY.get(name));
        } else if (EnvPolicy.PLATFORM.containsKey(name) || launcherSet.contains(name)) {
          report.fail(d.name() + ": " + d.address() + " sets " + name + ", which the platform or the launcher sets");
        } else if (EnvPolicy.JVM.containsKey(name)) {
          continue;
        } else if (!code.reads().containsKey(name)) {
          report.fail(d.name() + ": " + d.address() + " sets " + name + " but nothing " + d.name() + " runs reads it");
        } else if (EnvPolicy.REQUIRED_VALUES.containsKey(name) && !EnvPolicy.REQUIRED_VALUES.get(name).equals(set.get(name))) {
          report.fail(d.name() + ": " + d.address() + " sets " + name + "=" + set.get(name) + ", must be "
              + EnvPolicy.REQUIRED_VALUES.get(name) + ": " + EnvPolicy.AUTH_REASON);
        }
      }
      EnvPolicy.JVM.forEach((name, why) -> {
        if (!set.containsKey(name)) {
          report.fail(d.name() + ": " + d.address() + " does not set " + name + ": " + why);
        }
      });
      Set<String> notSet = new LinkedHashSet<>();
      code.reads().keySet().stream().filter(n -> EnvPolicy.LOCAL_ONLY.containsKey(n)).forEach(notSet::add);
      if (!notSet.isEmpty()) {
        report.note(d.name() + ": local-only, deliberately not set: " + String.join(", ", notSet));
      }
    }
    return report;
  }
}
