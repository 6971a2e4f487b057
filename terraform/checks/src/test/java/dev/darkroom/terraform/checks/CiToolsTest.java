package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloudbuild.v1.Build;
import com.google.cloudbuild.v1.BuildStep;
import org.junit.jupiter.api.Test;

class CiToolsTest {
  private static final String OLD_TEST_STEP = """
      set -eu
      apt-get update -qq
      apt-get install -y -qq openjdk-17-jdk-headless maven nodejs npm shellcheck python3-websocket zip >/dev/null
      ./darkroom test
      """;

  @Test
  void theTestStepsNodeAndJdkMeetWhatTheProjectPins() throws Exception {
    Build pipeline = pipeline();
    BuildStep test = CloudBuildCheck.step(pipeline, CiToolsCheck.TEST_STEP);
    assertThat(CiToolsCheck.run(Module.ROOT, pipeline).failures()).isEmpty();
    // It read them from the step: Node from nodejs.org at the step's NODE_VERSION, the JDK from apt-get.
    assertThat(CiToolsCheck.node(pipeline, test, CloudBuildCheck.script(pipeline, test)).orElseThrow())
        .isEqualTo(new CiToolsCheck.Tool("22.23.3", "nodejs.org, NODE_VERSION in the step's env"));
    assertThat(CiToolsCheck.jdk(CloudBuildCheck.script(pipeline, test))).contains(17);
  }

  @Test
  void debiansNodejsOnTheCloudSdkImageIsCaught() throws Exception {
    Build old = DeployablesTest.withScript(pipeline(), CiToolsCheck.TEST_STEP, OLD_TEST_STEP);
    assertThat(CiToolsCheck.run(Module.ROOT, old).failures())
        .contains("test step: Node 18.20.4 (Debian bookworm's nodejs, apt-get on "
            + "gcr.io/google.com/cloudsdktool/google-cloud-cli:528.0.0-emulators) does not satisfy engines.node "
            + "\">=20.0.0 || >=22.0.0 || >=24.0.0\" of firebase-tools 15.34.2 (.ci/tools/package-lock.json)")
        .allMatch(f -> f.startsWith("test step: Node 18.20.4 (Debian bookworm's nodejs, apt-get on "));
  }

  @Test
  void aNodeOrJdkTooOldOrUnknownIsCaught() throws Exception {
    Build pipeline = pipeline();
    Build node20 = DeployablesTest.withScript(pipeline, CiToolsCheck.TEST_STEP,
        CloudBuildCheck.script(pipeline, CloudBuildCheck.step(pipeline, CiToolsCheck.TEST_STEP))
            .replace("${NODE_VERSION}", "20.9.0").replace("openjdk-17-jdk-headless", "openjdk-11-jdk-headless"));
    assertThat(CiToolsCheck.run(Module.ROOT, node20).failures())
        .contains("test step: Node 20.9.0 (nodejs.org) does not satisfy engines.node \"^20.17.0 || >=22.9.0\" of "
            + "node-gyp 12.4.0 (.ci/tools/package-lock.json)")
        .contains("test step: JDK 11 (openjdk-11-jdk) is older than the build's Java release 17 (pom.xml maven.compiler.release)");
    Build none = DeployablesTest.withScript(pipeline, CiToolsCheck.TEST_STEP, "apt-get install -y maven\n./darkroom test\n");
    assertThat(CiToolsCheck.run(Module.ROOT, none).failures()).containsExactly(
        "test step: cannot tell which Node it provides (no nodejs.org download, no apt-get install nodejs on an image of "
            + "known Debian release)",
        "test step: installs no openjdk-<N>-jdk; the build needs Java 17 (pom.xml maven.compiler.release)");
  }

  private static Build pipeline() throws Exception {
    return CloudBuildCheck.parse(Module.ROOT.resolve("cloudbuild.yaml"));
  }
}
