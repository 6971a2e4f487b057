package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloudbuild.v1.Build;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {
  private static final String ROOT = EnvironmentsCheck.ROOT;

  @Test
  void devAndProdHoldOnlyWhatDiffersAndTogetherWithThePipelineSetEveryVariable() throws Exception {
    assertThat(EnvironmentsCheck.environments(Module.ROOT)).containsExactly("dev", "prod");
    assertThat(run(tfvars(), backends()).failures()).isEmpty();
  }

  @Test
  void failsOnAMissingOrUnknownVariableAWrongPrefixOrAStateOfAnotherEnvironment() throws Exception {
    Map<String, JsonNode> tfvars = tfvars();
    ObjectNode prod = (ObjectNode) tfvars.get("prod");
    prod.remove("sql_tier");
    prod.put("sql_teir", "db-custom-2-7680");
    prod.put("source_version", "abc1234");
    ((ObjectNode) tfvars.get("dev")).put("prefix", "development");
    Map<String, JsonNode> backends = backends();
    ((ObjectNode) backends.get("prod")).put("prefix", "darkroom/dev");
    assertThat(run(tfvars, backends).failures()).containsExactlyInAnyOrder(
        "dev: terraform.tfvars sets prefix = \"development\"; the pipeline names images and buckets after _ENV, so it must be \"dev\"",
        "prod: terraform.tfvars sets sql_teir, which is not a variable of terraform/envs/main.tf",
        "prod: terraform.tfvars sets source_version, which the pipeline passes with -var (and wins)",
        "prod: sql_tier has no default and neither terraform.tfvars nor the pipeline sets it",
        "prod: backend.hcl keeps the state under \"darkroom/dev\", not \"darkroom/prod\"");
  }

  private static Report run(Map<String, JsonNode> tfvars, Map<String, JsonNode> backends) throws Exception {
    JsonNode root = Hcl.parse(Module.ROOT, List.of(Module.ROOT.resolve(ROOT + "/main.tf")));
    Build pipeline = CloudBuildCheck.parse(Module.ROOT.resolve("cloudbuild.yaml"));
    return EnvironmentsCheck.run(Module.ROOT, root, tfvars, backends, pipeline);
  }

  private static Map<String, JsonNode> tfvars() {
    return parsed("terraform.tfvars");
  }

  private static Map<String, JsonNode> backends() {
    return parsed("backend.hcl");
  }

  private static Map<String, JsonNode> parsed(String file) {
    Map<String, JsonNode> byEnv = new LinkedHashMap<>();
    for (String env : EnvironmentsCheck.environments(Module.ROOT)) {
      JsonNode parsed = Hcl.parse(Module.ROOT, List.of(Module.ROOT.resolve(ROOT).resolve(env).resolve(file)));
      byEnv.put(env, parsed.elements().next());
    }
    return byEnv;
  }
}
