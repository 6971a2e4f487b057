package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloudbuild.v1.Build;
import com.google.cloudbuild.v1.BuildStep;
import com.google.protobuf.InvalidProtocolBufferException;
import org.junit.jupiter.api.Test;

class CloudBuildTest {

  @Test
  void cloudbuildYamlIsACloudBuildBuild() throws Exception {
    Build build = CloudBuildCheck.parse(Module.ROOT.resolve("cloudbuild.yaml"));
    assertThat(build.getStepsList()).extracting(BuildStep::getId)
        .contains("test", "package-functions", "gpu-image", "realtime-image", "foundation", "upload-functions", "apply");
    assertThat(build.getSubstitutionsMap()).containsKeys("_ENV", "_REGION", "_PREFIX");
  }

  @Test
  void theProductionBuildIsACloudBuildBuildToo() throws Exception {
    Build build = CloudBuildCheck.parse(Module.ROOT.resolve("cloudbuild.prod.yaml"));
    assertThat(build.getSubstitutionsMap()).containsEntry("_ENV", "prod");
  }

  @Test
  void anUnknownFieldFails() {
    assertThatThrownBy(() -> CloudBuildCheck.parse("{\"steps\":[{\"name\":\"x\",\"arguments\":[\"a\"]}]}"))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("arguments");
  }
}
