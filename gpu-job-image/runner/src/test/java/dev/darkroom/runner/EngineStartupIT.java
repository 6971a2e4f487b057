package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.port.NodeCatalogStore;
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

    long pid;
    try (EngineStartup startup = EngineStartup.begin(Optional.of(engineCommand(port, dataDir)))) {
      assertThat(startup.process()).isPresent();
      pid = startup.process().get().pid();
      startup.awaitReady(engineAt(port), Duration.ofSeconds(60));
      startup.publishCatalog(engineAt(port), catalog);
      assertThat(startup.awaitPublication(Duration.ofSeconds(30))).as("published").isTrue();
      assertThat(catalog.current()).hasValueSatisfying(info -> {
        assertThat(info.has("KSampler")).isTrue();
        assertThat(info.at("/SaveImage/output_node").asBoolean()).isTrue();
      });
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("ComfyUI running").isTrue();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("ComfyUI stopped").isFalse();
  }

  @Test
  void aComfyUiThatDiesAtStartFailsAtOnceWithItsExitCode() throws Exception {
    int port = freePort();
    // "At once" is the path taken, not a time: the exit is noticed while waiting ("... before it was
    // ready"), where the timeout's path would give the engine's own error with the exit in brackets.
    try (EngineStartup startup = EngineStartup.begin(Optional.of("sh -c 'exit 3'"))) {
      assertThatThrownBy(() -> startup.awaitReady(engineAt(port), Duration.ofSeconds(120)))
          .isInstanceOf(EngineUnavailableException.class)
          .hasMessageContaining("exited with code 3 before it was ready");
    }
  }

  @Test
  void withoutACommandTheRunningEngineIsUsedAndItsCatalogPublished() throws Exception {
    int port = freePort();
    InMemoryNodeCatalogStore catalog = new InMemoryNodeCatalogStore();
    try (ComfyUiProcess elsewhere = ComfyUiProcess.start(engineCommand(port, dataDir), java.util.Map.of());
        EngineStartup startup = EngineStartup.begin(Optional.empty())) {
      assertThat(startup.process()).isEmpty();
      startup.awaitReady(engineAt(port), Duration.ofSeconds(60));
      startup.publishCatalog(engineAt(port), catalog);
      assertThat(startup.awaitPublication(Duration.ofSeconds(30))).isTrue();
      assertThat(catalog.publications).hasValue(1);
      assertThat(elsewhere.isAlive()).as("not ours to stop").isTrue();
    }
  }

  @Test
  void aCatalogThatCannotBePublishedIsLoggedAndTheTaskGoesOn() throws Exception {
    int port = freePort();
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    NodeCatalogStore refusing = new NodeCatalogStore() {
      @Override
      public Optional<ObjectNode> current() {
        return Optional.empty();
      }

      @Override
      public Optional<String> version() {
        return Optional.empty();
      }

      @Override
      public void publish(ObjectNode objectInfo) {
        attempts.incrementAndGet();
        throw new IllegalStateException("storage refused the upload");
      }
    };
    try (ComfyUiProcess elsewhere = ComfyUiProcess.start(engineCommand(port, dataDir), java.util.Map.of());
        EngineStartup startup = EngineStartup.begin(Optional.empty())) {
      startup.awaitReady(engineAt(port), Duration.ofSeconds(60));
      startup.publishCatalog(engineAt(port), refusing);
      assertThat(startup.awaitPublication(Duration.ofSeconds(30))).as("over, though it failed").isTrue();
      assertThat(attempts).as("tried once").hasValue(1);
    }
  }
}
