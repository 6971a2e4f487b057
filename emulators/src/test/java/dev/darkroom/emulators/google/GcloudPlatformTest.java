package dev.darkroom.emulators.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcloudPlatformTest {

  @TempDir Path emptyPlatform;

  @Test
  void missingFirestoreEmulatorNamesTheDebianPackageAndThePath() {
    Path expected = emptyPlatform.resolve("cloud-firestore-emulator/cloud-firestore-emulator.jar");

    assertThatThrownBy(() -> FirestoreEmulator.start(0, "demo", GcloudPlatform.at(emptyPlatform)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("google-cloud-cli-firestore-emulator")
        .hasMessageContaining(expected.toString());
  }

  @Test
  void missingPubSubEmulatorNamesTheDebianPackageAndThePath() {
    Path expected = emptyPlatform.resolve("pubsub-emulator/bin/cloud-pubsub-emulator");

    assertThatThrownBy(() -> PubSubEmulator.start(0, GcloudPlatform.at(emptyPlatform)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("google-cloud-cli-pubsub-emulator")
        .hasMessageContaining(expected.toString());
  }

  @Test
  void installRootComesFromTheEnvironmentVariableWhenSet() throws Exception {
    Path launcher = emptyPlatform.resolve("pubsub-emulator/bin/cloud-pubsub-emulator");
    Files.createDirectories(launcher.getParent());
    Files.writeString(launcher, "#!/bin/sh\n");

    GcloudPlatform platform =
        GcloudPlatform.fromEnvironment(Map.of(GcloudPlatform.PLATFORM_DIR_VARIABLE, emptyPlatform.toString()));

    assertThat(platform.root()).isEqualTo(emptyPlatform);
    assertThat(platform.pubSubEmulatorLauncher()).isEqualTo(launcher);
  }

  @Test
  void installRootDefaultsToTheDebianLocation() {
    assertThat(GcloudPlatform.fromEnvironment(Map.of()).root())
        .isEqualTo(Path.of("/usr/lib/google-cloud-sdk/platform"));
  }
}
