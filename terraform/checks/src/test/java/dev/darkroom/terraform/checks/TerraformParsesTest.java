package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerraformParsesTest {

  @Test
  void everyTerraformFileParses() {
    List<Path> files = Hcl.tfFiles(Module.ROOT.resolve("terraform"));
    assertThat(files).extracting(p -> Module.ROOT.relativize(p).toString())
        .contains("terraform/modules/darkroom/functions.tf", "terraform/envs/main.tf");
    JsonNode parsed = Hcl.parse(Module.ROOT, files);
    assertThat(parsed.size()).isEqualTo(files.size());
  }

  @Test
  void aSyntaxErrorFailsNamingTheFileAndLine(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken.tf");
    Files.writeString(broken, "resource \"google_pubsub_topic\" \"t\" {\n  name = \n}\n");
    assertThatThrownBy(() -> Hcl.parse(Module.ROOT, List.of(broken)))
        .isInstanceOf(Hcl.HclSyntaxException.class)
        .hasMessageContaining("broken.tf:2")
        .hasMessageContaining("Invalid expression");
  }

  @Test
  void theGpuJobAndTheRunnerShareOneTimeout() {
    JsonNode job = Module.resource(Module.parsed(), Deployable.RUN_JOB, "gpu");
    String timeout = Terraform.at(job, "template", "template", "timeout").asText();
    String runnerTimeout = TerraformEnv.plain(job, Deployable.RUN_JOB).get("TASK_TIMEOUT_SECONDS");
    assertThat(timeout).isEqualTo("${local.gpu_task_timeout_seconds}s");
    assertThat(runnerTimeout).isEqualTo("${tostring(local.gpu_task_timeout_seconds)}");
    assertThat(Terraform.at(job, "template", "template", "node_selector", "accelerator").asText()).isEqualTo("nvidia-l4");
  }
}
