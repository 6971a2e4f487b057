package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvCheckTest {

  @Test
  void terraformSetsExactlyWhatEachDeployableReads() {
    Report report = EnvCheck.run(Module.ROOT, Module.parsed()).printNotes("env");
    assertThat(report.failures()).isEmpty();
  }

  @Test
  void benchP3MeasuresTheJvmOptionsTerraformGivesEveryDeployable() throws IOException {
    java.util.regex.Matcher local = java.util.regex.Pattern.compile("(?m)^\\s*jvm_startup_options\\s*=\\s*\"([^\"]*)\"")
        .matcher(Files.readString(Module.ROOT.resolve("terraform/modules/darkroom/locals.tf")));
    assertThat(local.find()).as("locals.tf declares jvm_startup_options").isTrue();
    String measured = CodeReads.constants(java.util.List.of(Module.ROOT.resolve("bench/src/main/java")))
        .get("ColdStartBench.DEPLOYED_JVM_OPTIONS");
    assertThat(measured).isEqualTo(local.group(1));
  }

  @Test
  void theScannerFindsWhatTheApiReadsThroughTheSharedConfigs() {
    CodeReads.Result api = Deployable.ALL.get(0).scan(Module.ROOT);
    assertThat(api.reads().keySet()).contains("GOOGLE_CLOUD_PROJECT", "JOBS_COLLECTION", "JOB_SUBMITTED_TOPIC",
        "OUTPUTS_BUCKET", "INSTANCE_CONNECTION_NAME", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_POOL_SIZE",
        "DARKROOM_AUTH", "STORAGE_SIGNER_KEY_FILE", "DATABASE_URL");
    assertThat(api.reads()).doesNotContainKeys("GPU_JOB_NAME", "JOB_EVENTS_TOPIC", "NOTIFICATIONS_TOPIC");
    assertThat(api.reads().get("JOB_SUBMITTED_TOPIC")).isEqualTo("TopicConfig.jobSubmitted");
    assertThat(api.unresolved()).isEmpty();
  }

  @Test
  void everyDeployableReadsItsEnvironmentOnlyInConfigClassesAndMains() {
    for (Deployable d : Deployable.ALL) {
      CodeReads.Result code = d.scan(Module.ROOT);
      assertThat(code.reads().keySet()).as(d.name()).isNotEmpty();
      code.reads().forEach((variable, where) -> assertThat(where.substring(0, where.indexOf('.')))
          .as(d.name() + " reads " + variable + " in " + where).matches(".*(Config|Main)"));
    }
  }

  @Test
  void theRunnersJobIdsComeFromTheLauncherAndItsComfyUiSettingsFromTheImage() {
    Deployable runner = Deployable.ALL.stream().filter(d -> d.name().equals("runner")).findFirst().orElseThrow();
    CodeReads.Result code = runner.scan(Module.ROOT);
    assertThat(code.reads()).containsKeys("DARKROOM_JOB_IDS", "COMFYUI_COMMAND", "COMFYUI_URL", "CLOUD_RUN_EXECUTION");
    assertThat(EnvPolicy.imageEnv(Module.ROOT.resolve(runner.dockerfile()))).contains("COMFYUI_COMMAND", "COMFYUI_URL");
  }

  @Test
  void aListedDeployableWithoutSourcesFailsEveryCheckThatReadsItsCode(@TempDir Path tmp) throws IOException {
    Deployable removed = Deployable.ALL.stream().filter(d -> d.name().equals("notify")).findFirst().orElseThrow();
    Path root = repoWithout(tmp, removed.moduleDir());
    assertThat(removed.exists(root)).isFalse();
    String failure = "notify: functions/notify/src/main/java does not exist, so"
        + " google_cloudfunctions2_function.notify cannot be checked against its code";
    assertThat(EnvCheck.run(root, Module.parsed()).failures()).containsExactly(failure);
    assertThat(RoleCheck.run(root, Module.parsed()).failures()).containsExactly(failure);
    assertThat(NameCheck.run(root, Module.parsed()).failures()).containsExactly(failure);
  }

  /** A view of the repository (symbolic links) in which {@code moduleDir} alone is missing. */
  private static Path repoWithout(Path tmp, String moduleDir) throws IOException {
    Path real = Module.ROOT;
    Path view = tmp;
    Path relative = Path.of(moduleDir);
    for (int i = 0; i < relative.getNameCount(); i++) {
      String kept = relative.getName(i).toString();
      try (Stream<Path> children = Files.list(real)) {
        for (Path child : children.toList()) {
          if (!child.getFileName().toString().equals(kept)) {
            Files.createSymbolicLink(view.resolve(child.getFileName().toString()), child);
          }
        }
      }
      real = real.resolve(kept);
      view = view.resolve(kept);
      if (i < relative.getNameCount() - 1) {
        Files.createDirectory(view);
      }
    }
    return tmp;
  }

  @Test
  void failsOnARenamedVariable() {
    JsonNode module = Module.copy();
    ObjectNode env = Module.functionEnv(module, "api");
    env.set("JOB_SUBMIT_TOPIC", env.remove("JOB_SUBMITTED_TOPIC"));
    assertThat(EnvCheck.run(Module.ROOT, module).failures()).containsExactly(
        "api: reads JOB_SUBMITTED_TOPIC (TopicConfig.jobSubmitted) but google_cloudfunctions2_function.api does not set it",
        "api: google_cloudfunctions2_function.api sets JOB_SUBMIT_TOPIC but nothing api runs reads it");
  }

  @Test
  void failsOnAnUnusedVariable() {
    JsonNode module = Module.copy();
    Module.functionEnv(module, "dispatch").put("OUTPUTS_BUCKET", "${google_storage_bucket.outputs.name}");
    assertThat(EnvCheck.run(Module.ROOT, module).failures()).containsExactly(
        "dispatch: google_cloudfunctions2_function.dispatch sets OUTPUTS_BUCKET but nothing dispatch runs reads it");
  }

  @Test
  void failsOnAMissingSecretVariable() {
    JsonNode module = Module.copy();
    ((ObjectNode) Terraform.at(Module.resource(module, Deployable.FUNCTION, "job_events"), "service_config"))
        .remove("secret_environment_variables");
    assertThat(EnvCheck.run(Module.ROOT, module).failures()).containsExactly(
        "job-events: reads DB_PASSWORD (DatabaseConfig.from) but google_cloudfunctions2_function.job_events does not set it");
  }

  @Test
  void failsWhenTerraformSetsALocalOnlyVariable() {
    JsonNode module = Module.copy();
    Module.functionEnv(module, "api").put("WEBHOOKS_ALLOW_LOOPBACK", "true");
    assertThat(EnvCheck.run(Module.ROOT, module).failures()).containsExactly(
        "api: google_cloudfunctions2_function.api sets WEBHOOKS_ALLOW_LOOPBACK, which is local-only: "
            + EnvPolicy.LOCAL_ONLY.get("WEBHOOKS_ALLOW_LOOPBACK"));
  }

  @Test
  void failsWhenTerraformTurnsAuthenticationOffOrLeavesItOut() {
    JsonNode module = Module.copy();
    Module.functionEnv(module, "api").put("DARKROOM_AUTH", "off");
    assertThat(EnvCheck.run(Module.ROOT, module).failures()).containsExactly(
        "api: google_cloudfunctions2_function.api sets DARKROOM_AUTH=off, must be on: " + EnvPolicy.AUTH_REASON);

    JsonNode without = Module.copy();
    Module.functionEnv(without, "api").remove("DARKROOM_AUTH");
    assertThat(EnvCheck.run(Module.ROOT, without).failures()).containsExactly(
        "api: reads DARKROOM_AUTH (AuthConfig.from) but"
            + " google_cloudfunctions2_function.api does not set it");
  }

  @Test
  void failsOnAVariableMissingFromTheGpuJob() {
    JsonNode module = Module.copy();
    com.fasterxml.jackson.databind.node.ArrayNode env = (com.fasterxml.jackson.databind.node.ArrayNode)
        Terraform.at(Module.resource(module, Deployable.RUN_JOB, "gpu"), "template", "template", "containers").path("env");
    for (int i = 0; i < env.size(); i++) {
      if (env.get(i).path("name").asText().equals("TASK_TIMEOUT_SECONDS")) {
        env.remove(i);
      }
    }
    assertThat(EnvCheck.run(Module.ROOT, module).failures()).containsExactly(
        "runner: reads TASK_TIMEOUT_SECONDS (RunnerConfig.from) but google_cloud_run_v2_job.gpu does not set it");
  }
}
