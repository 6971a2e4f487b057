package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloudbuild.v1.Build;
import com.google.cloudbuild.v1.BuildStep;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudBuildTest {

  @Test
  void cloudbuildYamlIsACloudBuildBuild() throws Exception {
    Build build = CloudBuildCheck.parse(Module.ROOT.resolve("cloudbuild.yaml"));
    assertThat(build.getStepsList()).extracting(BuildStep::getId)
        .contains("test", "package-functions", "gpu-image", "realtime-image", "foundation", "upload-functions", "apply");
    assertThat(build.getSubstitutionsMap()).containsKeys("_ENV", "_REGION", "_TF_STATE_BUCKET");
  }

  @Test
  void onePipelineServesBothEnvironmentsAndOnlyTheApprovalTriggerDeploysProd() throws Exception {
    Build build = CloudBuildCheck.parse(Module.ROOT.resolve("cloudbuild.yaml"));
    assertThat(guard(build, "dev", "")).as("a manual dev build").isZero();
    assertThat(guard(build, "prod", "darkroom-prod")).as("the approval trigger").isZero();
    assertThat(guard(build, "prod", "")).as("a manual prod build (gcloud builds submit)").isEqualTo(1);
    assertThat(guard(build, "prod", "darkroom-dev")).as("prod from another trigger").isEqualTo(1);
    assertThat(guard(build, "staging", "")).as("an environment with no terraform/envs/<env>").isEqualTo(1);
    assertThat(guard(build, "..", "")).as("a directory that is no environment").isEqualTo(1);
    // Every step that runs Terraform works on the shared root with the environment's own files.
    for (String id : List.of("foundation", "apply")) {
      String script = CloudBuildCheck.script(build.toBuilder().putSubstitutions("_ENV", "prod").build(),
          CloudBuildCheck.step(build, id));
      assertThat(script).contains("cd terraform/envs\n", "-backend-config=\"prod/backend.hcl\"",
          "-var-file=\"prod/terraform.tfvars\"");
    }
  }

  /** The guard step's exit status for an environment and a trigger name, run by bash in the repository. */
  private static int guard(Build build, String env, String triggerName) throws Exception {
    Build run = build.toBuilder().putSubstitutions("_ENV", env).putSubstitutions("_TF_STATE_BUCKET", "p-tfstate")
        .putSubstitutions("TRIGGER_NAME", triggerName).build();
    Process bash = new ProcessBuilder("bash", "-c", CloudBuildCheck.script(run, CloudBuildCheck.step(run, "guard")))
        .directory(Module.ROOT.toFile()).redirectErrorStream(true).start();
    bash.getInputStream().readAllBytes();
    return bash.waitFor();
  }

  @Test
  void anUnknownFieldFails() {
    assertThatThrownBy(() -> CloudBuildCheck.parse("{\"steps\":[{\"name\":\"x\",\"arguments\":[\"a\"]}]}"))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("arguments");
  }
}
