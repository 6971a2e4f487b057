package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image build's catalog step end to end: "ComfyUI" (the simulated engine) started from a
 * command line as the Dockerfile's RUN does, its /object_info written, the engine stopped.
 */
class ImageCatalogIT {
  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private String[] args(String pins) throws Exception {
    int port = freePort();
    Path pinFile = Files.writeString(dir.resolve("custom-nodes.lock"), pins);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = java + " -Djava.awt.headless=true -cp '" + System.getProperty("java.class.path") + "'"
        + " dev.darkroom.comfyui.sim.SimulatedComfyUIMain --port " + port + " --data-dir '" + dir.resolve("engine") + "'";
    return new String[] {pinFile.toString(), dir.resolve("object_info.json").toString(), "http://127.0.0.1:" + port,
        command};
  }

  @Test
  void recordsTheStartedEnginesCatalogAndFailsWhenAPinnedPackIsNotInIt() throws Exception {
    assertThat(ImageCatalogMain.record(args("# core nodes only\n"))).isZero();
    var recorded = new ObjectMapper().readTree(dir.resolve("object_info.json").toFile());
    assertThat(recorded.has("KSampler")).isTrue();
    assertThat(recorded.path("SaveImage").path("output_node").asBoolean()).isTrue();

    Files.delete(dir.resolve("object_info.json"));
    String missingPack = "impact https://example.com/impact.git 0123456789abcdef0123456789abcdef01234567\n";
    assertThat(ImageCatalogMain.record(args(missingPack))).isEqualTo(1);
    assertThat(dir.resolve("object_info.json")).doesNotExist();
  }

  @Test
  void anEngineThatNeverAnswersFailsTheStep() throws Exception {
    String[] args = args("");
    args[3] = "exit 3";

    assertThat(ImageCatalogMain.record(args)).isEqualTo(1);
  }
}
