package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.runner.comfy.ComfyClient;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task's own ComfyUI as a child process, started from a command line as {@code COMFYUI_COMMAND}
 * does in the GPU image. The simulated engine stands in for ComfyUI.
 */
class EngineStartupIT {
  @TempDir Path dataDir;

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String engineCommand(int port, Path dataDir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return java + " -Djava.awt.headless=true -cp '" + System.getProperty("java.class.path") + "'"
        + " dev.darkroom.comfyui.sim.SimulatedComfyUIMain --port " + port + " --data-dir '" + dataDir + "'";
  }

  private static ComfyClient engineAt(int port) {
    return new ComfyClient(ComfyClient.Settings.defaults(URI.create("http://127.0.0.1:" + port), Duration.ofMinutes(1)),
        new ObjectMapper());
  }

  @Test
  void startsComfyUiWaitsForItPublishesItsCatalogAndStopsIt() throws Exception {
    int port = freePort();
    InMemoryNodeCatalogStore catalog = new InMemoryNodeCatalogStore();

    Optional<ComfyUiProcess> process = EngineStartup.start(Optional.of(engineCommand(port, dataDir)),
        engineAt(port), catalog, Duration.ofSeconds(60));

    assertThat(process).isPresent();
    assertThat(catalog.current()).hasValueSatisfying(info -> {
      assertThat(info.has("KSampler")).isTrue();
      assertThat(info.at("/SaveImage/output_node").asBoolean()).isTrue();
    });
    long pid = process.get().pid();
    process.get().close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("ComfyUI stopped").isFalse();
  }

  @Test
  void aComfyUiThatDiesAtStartFailsAtOnceWithItsExitCode() throws Exception {
    int port = freePort();
    // "At once" is the path taken, not a time: the exit is noticed while waiting ("... before it was
    // ready"), where the timeout's path would give the engine's own error with the exit in brackets.
    assertThatThrownBy(() -> EngineStartup.start(Optional.of("sh -c 'exit 3'"), engineAt(port),
        new InMemoryNodeCatalogStore(), Duration.ofSeconds(120)))
        .isInstanceOf(EngineUnavailableException.class)
        .hasMessageContaining("exited with code 3 before it was ready");
  }

  @Test
  void withoutACommandTheRunningEngineIsUsedAndItsCatalogPublished() throws Exception {
    int port = freePort();
    InMemoryNodeCatalogStore catalog = new InMemoryNodeCatalogStore();
    try (ComfyUiProcess elsewhere = ComfyUiProcess.start(engineCommand(port, dataDir), java.util.Map.of())) {
      assertThat(EngineStartup.start(Optional.empty(), engineAt(port), catalog, Duration.ofSeconds(60))).isEmpty();
      assertThat(catalog.publications).hasValue(1);
    }
  }
}
