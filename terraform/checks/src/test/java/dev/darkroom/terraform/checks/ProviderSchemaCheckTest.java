package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProviderSchemaCheckTest {
  private static final List<ProviderSchema> SCHEMAS = ProviderSchemaCheck.installed(Module.ROOT);
  private static final Map<String, Boolean> VARIABLES = ProviderSchemaCheck.variables(Module.parsed());

  @Test
  void everyResourceDataSourceProviderAndModuleCallFitsItsSchema() {
    JsonNode all = Hcl.parse(Module.ROOT, Hcl.tfFiles(Module.ROOT.resolve("terraform")));
    Report report = ProviderSchemaCheck.run(SCHEMAS, all, VARIABLES);
    assertThat(report.failures()).isEmpty();
    // It did look: the module's resources span these schemas, deeply nested blocks included.
    assertThat(SCHEMAS.get(1).resource("google_cloud_run_v2_job").orElseThrow().arguments().get("template")
        .nested().arguments().get("template").nested().arguments()).containsKeys("containers", "volumes", "node_selector");
  }

  @Test
  void theSchemasAreOfTheProviderVersionsTheModulePins() throws Exception {
    String versions = java.nio.file.Files.readString(Module.ROOT.resolve("terraform/modules/darkroom/versions.tf"));
    for (ProviderSchema schema : SCHEMAS) {
      Matcher pin = Pattern.compile(Pattern.quote(schema.provider()) + " = \\{\\s*source\\s*= \"hashicorp/"
          + Pattern.quote(schema.provider()) + "\"\\s*version\\s*= \"([^\"]+)\"").matcher(versions);
      assertThat(pin.find()).as("versions.tf pins " + schema.provider()).isTrue();
      assertThat(schema.version()).as("the npm bindings of " + schema.provider() + " (.ci/tools/package.json)")
          .isEqualTo(pin.group(1));
    }
  }

  @Test
  void failsOnAMisspeltArgument() {
    JsonNode module = Module.copy();
    ObjectNode service = (ObjectNode) Terraform.at(Module.resource(module, Deployable.FUNCTION, "api"), "service_config");
    service.set("max_instances_count", service.remove("max_instance_count"));
    assertThat(run(module)).containsExactly("google_cloudfunctions2_function.api: service_config.max_instances_count "
        + "is not an argument of google 6.50.0's google_cloudfunctions2_function");
  }

  @Test
  void failsOnAnArgumentInTheWrongBlock() {
    JsonNode module = Module.copy();
    ObjectNode function = Module.resource(module, Deployable.FUNCTION, "api");
    ObjectNode build = (ObjectNode) Terraform.at(function, "build_config");
    ((ObjectNode) Terraform.at(function, "service_config")).set("entry_point", build.remove("entry_point"));
    assertThat(run(module)).containsExactly(
        "google_cloudfunctions2_function.api: service_config.entry_point is not an argument of google 6.50.0's "
            + "google_cloudfunctions2_function");
  }

  @Test
  void failsOnAMissingRequiredArgumentAtAnyDepth() {
    JsonNode module = Module.copy();
    Module.resource(module, "google_pubsub_topic", "job_events").remove("name");
    ObjectNode job = Module.resource(module, Deployable.RUN_JOB, "gpu");
    ((ObjectNode) Terraform.at(job, "template", "template", "containers")).remove("image");
    assertThat(run(module)).containsExactlyInAnyOrder(
        "google_pubsub_topic.job_events: name is required by google 6.50.0's google_pubsub_topic and not set",
        "google_cloud_run_v2_job.gpu: template.template.containers.image is required by google-beta 6.50.0's "
            + "google_cloud_run_v2_job and not set");
  }

  @Test
  void failsOnAnUnknownResourceTypeAndABlockWrittenAsAnAttribute() {
    JsonNode module = Module.copy();
    ObjectNode resources = (ObjectNode) module.elements().next().path("resource");
    ObjectNode topic = new ObjectMapper().createObjectNode().put("name", "x");
    resources.putObject("google_pubsub_topics").putArray("extra").add(topic);
    ObjectNode function = Module.resource(module, Deployable.FUNCTION, "api");
    function.set("build_config", function.get("build_config").get(0));
    assertThat(run(module)).containsExactlyInAnyOrder(
        "google_pubsub_topics.extra: google 6.50.0 has no resource type google_pubsub_topics",
        "google_cloudfunctions2_function.api: build_config is a block: write build_config { ... }, not build_config = { ... }");
  }

  @Test
  void checksDynamicBlocksAgainstTheBlockTheyMake() {
    JsonNode module = Module.copy();
    ObjectNode function = Module.resource(module, Deployable.FUNCTION, "api");
    ArrayNode secrets = (ArrayNode) Terraform.at(function, "service_config").path("secret_environment_variables");
    ObjectNode generator = new ObjectMapper().createObjectNode().put("for_each", "${var.x}");
    generator.putArray("content").add(((ObjectNode) secrets.get(0).deepCopy()).put("versoin", "latest"));
    ObjectNode service = (ObjectNode) Terraform.at(function, "service_config");
    service.remove("secret_environment_variables");
    service.putObject("dynamic").set("secret_environment_variables", new ObjectMapper().createArrayNode().add(generator));
    service.with("dynamic").set("secret_volume", new ObjectMapper().createArrayNode().add(generator.deepCopy()));
    assertThat(run(module)).containsExactlyInAnyOrder(
        "google_cloudfunctions2_function.api: service_config.secret_environment_variables.versoin is not an argument "
            + "of google 6.50.0's google_cloudfunctions2_function",
        "google_cloudfunctions2_function.api: dynamic \"service_config.secret_volume\" does not generate a block of "
            + "google 6.50.0's google_cloudfunctions2_function");
  }

  @Test
  void failsOnAModuleCallWithAnUnknownArgumentOrWithoutARequiredVariable() {
    JsonNode env = Hcl.parse(Module.ROOT, List.of(Module.ROOT.resolve("terraform/envs/main.tf")));
    ObjectNode call = (ObjectNode) env.elements().next().path("module").path("darkroom").get(0);
    call.put("gpu_max_tasks", 4);
    call.remove("project_id");
    assertThat(ProviderSchemaCheck.run(SCHEMAS, env, VARIABLES).failures()).containsExactlyInAnyOrder(
        "module.darkroom: gpu_max_tasks is not a variable of the module",
        "module.darkroom: the module's variable project_id has no default and is not set");
  }

  private static List<String> run(JsonNode module) {
    return ProviderSchemaCheck.run(SCHEMAS, module, VARIABLES).failures();
  }
}
