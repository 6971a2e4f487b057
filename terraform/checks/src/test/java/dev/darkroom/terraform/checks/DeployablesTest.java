package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloudbuild.v1.Build;
import com.google.cloudbuild.v1.BuildStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every place that keeps the deployables agrees with terraform/deployables.json, and each disagreement fails. */
class DeployablesTest {
  private static final Build PIPELINE = pipeline();

  @Test
  void everyPlaceAgreesWithTheOneList() throws Exception {
    Report report = DeployablesCheck.run(Module.ROOT, Module.parsed()).printNotes("DeployablesCheck");
    assertThat(report.failures()).isEmpty();
    // It did look: the pipeline, run with its tools stubbed, packages every function of the list.
    assertThat(CloudBuildCheck.packagedFunctions(Module.ROOT, PIPELINE)).containsEntry("thumbnails", "functions/thumbnails")
        .hasSize(Deployable.functions().size());
    assertThat(Deployable.ALL).extracting(Deployable::address)
        .contains("google_cloud_run_v2_service.realtime", "google_cloud_run_v2_job.gpu");
  }

  @Test
  void failsWhenThePipelineLeavesAFunctionOut() throws Exception {
    // The loop cloudbuild.prod.yaml had: its own list, without thumbnails, which Terraform deploys.
    Build old = withScript(PIPELINE, CloudBuildCheck.PACKAGE_STEP, """
        set -eu
        for module in functions/api functions/dispatch functions/job-events functions/reconcile functions/dead-letters functions/notify; do
          if [ -d "$module" ]; then
            terraform/scripts/package-function.sh "$module" "$(basename "$module")" out/functions
          else
            echo "NOTE: $module does not exist yet: no zip"
          fi
        done
        """);
    assertThat(run(Deployable.ALL, Module.parsed(), old, localStack()).failures()).containsExactly(
        "models: the pipeline's package-functions step does not package functions/models as models.zip, "
            + "which Terraform deploys",
        "runs: the pipeline's package-functions step does not package functions/runs as runs.zip, "
            + "which Terraform deploys",
        "thumbnails: the pipeline's package-functions step does not package functions/thumbnails as thumbnails.zip, "
            + "which Terraform deploys");
  }

  @Test
  void aFunctionAddedToTheListIsMissingEverywhereElse() throws Exception {
    List<Deployable> list = new ArrayList<>(Deployable.ALL);
    list.add(new Deployable("resize", "functions/resize", Deployable.KIND_FUNCTION, Deployable.FUNCTION, "resize",
        "dev.darkroom.functions.resize.ResizeFunction", null, null));
    assertThat(run(list, Module.parsed(), PIPELINE, localStack()).failures()).containsExactlyInAnyOrder(
        "resize: functions/resize is not a module of the Maven build (a <module> of its parent pom)",
        "resize: Terraform declares no google_cloudfunctions2_function.resize",
        "resize: the pipeline's package-functions step does not package functions/resize as resize.zip, which Terraform deploys",
        "resize: the local stack (LocalStack) hosts no function(\"resize\", ...)");
  }

  @Test
  void aFunctionLeftOutOfTheListIsFoundWhereItStillIs() throws Exception {
    List<Deployable> list = Deployable.ALL.stream().filter(d -> !d.name().equals("thumbnails")).toList();
    assertThat(run(list, Module.parsed(), PIPELINE, localStack()).failures()).containsExactlyInAnyOrder(
        "functions/thumbnails is a Maven project under [functions, gpu-job-image] but not in terraform/deployables.json",
        "google_cloudfunctions2_function.thumbnails is not in terraform/deployables.json",
        "the pipeline packages thumbnails.zip, which is not a function of terraform/deployables.json",
        "the local stack hosts thumbnails, which is not a function of terraform/deployables.json");
  }

  @Test
  void failsOnTerraformOrALocalHostThatRunsSomethingElse() throws Exception {
    JsonNode module = Module.copy();
    var build = (ObjectNode) Terraform.at(
        Module.resource(module, Deployable.FUNCTION, "dispatch"), "build_config");
    build.put("entry_point", "dev.darkroom.functions.dispatch.Dispatch");
    ((ObjectNode) Terraform.at(build, "source", "storage_source"))
        .put("object", "${var.source_version}/dispatcher.zip");
    String stack = localStack().replace("function(\"thumbnails\", ThumbnailsFunction.class, logs)",
        "function(\"thumbnails\", ApiFunction.class, logs)");
    assertThat(run(Deployable.ALL, module, PIPELINE, stack).failures()).containsExactlyInAnyOrder(
        "dispatch: google_cloudfunctions2_function.dispatch runs dev.darkroom.functions.dispatch.Dispatch, the list says "
            + "dev.darkroom.functions.dispatch.DispatchFunction",
        "dispatch: google_cloudfunctions2_function.dispatch deploys ${var.source_version}/dispatcher.zip, the pipeline "
            + "uploads ${var.source_version}/dispatch.zip",
        "thumbnails: the local stack hosts dev.darkroom.functions.api.ApiFunction, the list says "
            + "dev.darkroom.functions.thumbnails.ThumbnailsFunction");
  }

  @Test
  void failsOnADeployableThatTerraformDeploysOnlyOnACondition() throws Exception {
    JsonNode module = Module.copy();
    Module.resource(module, Deployable.FUNCTION, "notify").put("count", "${var.deploy_pending_functions ? 1 : 0}");
    assertThat(run(Deployable.ALL, module, PIPELINE, localStack()).failures()).containsExactly(
        "notify: google_cloudfunctions2_function.notify is deployed only while count = "
            + "${var.deploy_pending_functions ? 1 : 0} is 1; every deployable of the list is deployed");
  }

  @Test
  void failsWhenNoStepBuildsOrPushesAnImage() throws Exception {
    Build build = withScript(withScript(PIPELINE, "realtime-image", "echo no image"), "push-images", """
        for image in realtime model-import; do
          docker push "$repo/$image:$SHORT_SHA"
        done
        """);
    assertThat(run(Deployable.ALL, Module.parsed(), build, localStack()).failures()).containsExactlyInAnyOrder(
        "realtime: no step of the pipeline builds its image from functions/realtime/Dockerfile",
        "runner: no step of the pipeline pushes its image gpu-job");
  }

  @Test
  void failsOnADeployableWithALogbackXmlOfItsOwn() throws Exception {
    Path copy = Files.createTempDirectory("repo");
    try {
      for (String file : List.of("pom.xml", "functions/pom.xml", "functions/api/pom.xml", "functions/realtime/pom.xml",
          "gpu-job-image/runner/pom.xml", DeployablesCheck.LOGGING, Deployable.SOURCE)) {
        Files.createDirectories(copy.resolve(file).getParent());
        Files.copy(Module.ROOT.resolve(file), copy.resolve(file));
      }
      Files.createDirectories(copy.resolve("functions/api/src/main/resources"));
      Files.writeString(copy.resolve("functions/api/src/main/resources/logback.xml"), "<configuration/>");
      Files.writeString(copy.resolve("gpu-job-image/runner/pom.xml"), Files.readString(
          copy.resolve("gpu-job-image/runner/pom.xml")).replace("<artifactId>darkroom-gcp</artifactId>", "<artifactId>darkroom-core</artifactId>"));
      List<Deployable> list = Deployable.ALL.stream()
          .filter(d -> List.of("api", "realtime", "runner").contains(d.name())).toList();
      assertThat(DeployablesCheck.run(copy, list, Module.parsed(), PIPELINE, localStack()).failures())
          .contains("api: functions/api/src/main/resources/logback.xml would compete with shared/gcp/src/main/resources/logback.xml",
              "runner: gpu-job-image/runner does not depend on darkroom-gcp, whose shared/gcp/src/main/resources/logback.xml it logs with")
          .noneMatch(f -> f.startsWith("realtime:") && f.contains("logback"));
    } finally {
      try (var files = Files.walk(copy)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Report run(List<Deployable> list, JsonNode module, Build build, String stack) {
    return DeployablesCheck.run(Module.ROOT, list, module, build, stack);
  }

  static Build withScript(Build build, String stepId, String script) {
    Build.Builder copy = build.toBuilder();
    for (int i = 0; i < copy.getStepsCount(); i++) {
      BuildStep step = copy.getSteps(i);
      if (step.getId().equals(stepId)) {
        copy.setSteps(i, step.toBuilder().setArgs(step.getArgsList().indexOf("-c") + 1, script));
        return copy.build();
      }
    }
    throw new AssertionError("no step " + stepId);
  }

  private static Build pipeline() {
    try {
      return CloudBuildCheck.parse(Module.ROOT.resolve("cloudbuild.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String localStack() throws IOException {
    return Files.readString(Module.ROOT.resolve(DeployablesCheck.LOCAL_STACK));
  }
}
