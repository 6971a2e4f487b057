package dev.darkroom.comfyui.sim;

import static dev.darkroom.comfyui.sim.ComfyClient.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's binary frames, as ComfyUI sends them (server.py {@code send_image},
 * {@code send_image_with_metadata}; main.py {@code hijack_progress}): a sampler's latent previews
 * and SaveImageWebsocket's images, in order among the text messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LivePreviewsIT {
  @TempDir static Path dataDir;
  private SimulatedComfyUI engine;

  @BeforeAll
  void start() {
    engine = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(dataDir).withStepTime(Duration.ZERO));
  }

  @AfterAll
  void stop() {
    engine.close();
  }

  private static ObjectNode freshSd15() {
    ObjectNode prompt = workflow("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("seed", System.nanoTime() & 0xffffffffL);
    return prompt;
  }

  /** Each sampler step: progress_state, progress, then a PREVIEW_IMAGE frame holding a JPEG. */
  @Test
  void everySamplerStepIsFollowedByAJpegPreview() throws IOException {
    try (ComfyClient c = new ComfyClient(engine.baseUrl(), "plain-" + UUID.randomUUID()).connect()) {
      String pid = UUID.randomUUID().toString();
      assertThat(c.queue(freshSd15(), pid).status()).isEqualTo(200);
      c.awaitDone(pid);

      List<String> kinds = kinds(c.frames);
      String steps = String.join(",", kinds.subList(kinds.indexOf("executing 3") + 1, kinds.indexOf("executing 8")));
      // Node 3 started (its progress_state came before its executing), 20 steps, 3 finished, 8 started.
      assertThat(steps).isEqualTo(
          String.join(",", java.util.Collections.nCopies(20, "progress_state,progress,binary")) + ",progress_state,progress_state");
      List<byte[]> previews = binaries(c.frames);
      assertThat(previews).hasSize(20);
      for (byte[] frame : previews) {
        ByteBuffer header = ByteBuffer.wrap(frame);
        assertThat(header.getInt()).as("PREVIEW_IMAGE").isEqualTo(1);
        assertThat(header.getInt()).as("JPEG").isEqualTo(1);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(frame, 8, frame.length - 8));
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(64);
      }
      assertThat(previews.get(0)).as("the picture changes as the steps go by").isNotEqualTo(previews.get(19));
    }
  }

  /** A client that announced supports_preview_metadata gets PREVIEW_IMAGE_WITH_METADATA, before the step's progress. */
  @Test
  void aClientThatSupportsPreviewMetadataGetsItsPreviewsWithMetadata() {
    try (ComfyClient c = new ComfyClient(engine.baseUrl(), "meta-" + UUID.randomUUID())
        .connect("{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}")) {
      String pid = UUID.randomUUID().toString();
      assertThat(c.queue(freshSd15(), pid).status()).isEqualTo(200);
      c.awaitDone(pid);

      assertThat(c.messages).anySatisfy(m -> {
        assertThat(m.path("type").asText()).isEqualTo("feature_flags");
        assertThat(m.at("/data/supports_preview_metadata").asBoolean()).isTrue();
      });
      List<String> kinds = kinds(c.frames);
      int first = kinds.indexOf("binary");
      assertThat(kinds.subList(first - 1, first + 2)).containsExactly("progress_state", "binary", "progress");
      List<byte[]> previews = binaries(c.frames);
      assertThat(previews).hasSize(20);
      byte[] frame = previews.get(0);
      ByteBuffer buffer = ByteBuffer.wrap(frame);
      assertThat(buffer.getInt()).as("PREVIEW_IMAGE_WITH_METADATA").isEqualTo(4);
      int length = buffer.getInt();
      String metadata = new String(frame, 8, length, StandardCharsets.UTF_8);
      assertThat(metadata).isEqualTo("{\"node_id\": \"3\", \"prompt_id\": \"" + pid + "\", \"display_node_id\": \"3\", "
          + "\"parent_node_id\": null, \"real_node_id\": \"3\", \"image_type\": \"image/jpeg\"}");
      assertThat(Arrays.copyOfRange(frame, 8 + length, 8 + length + 2)).containsExactly(0xff, 0xd8);
    }
  }

  /**
   * SaveImageWebsocket (ComfyUI's custom_nodes/websocket_image_save.py): each image of the batch
   * as a PREVIEW_IMAGE frame with image type PNG, one progress step each, between its node's
   * executing and the end; no file is saved and history lists no output for it.
   */
  @Test
  void saveImageWebsocketSendsEachImageAsAPngFrameAndSavesNothing() throws IOException {
    ObjectNode prompt = freshSd15();
    ((ObjectNode) prompt.get("5").get("inputs")).put("batch_size", 2).put("width", 96).put("height", 64);
    prompt.remove("9");
    ObjectNode socketSave = prompt.putObject("9");
    socketSave.put("class_type", "SaveImageWebsocket");
    socketSave.putObject("inputs").putArray("images").add("8").add(0);
    long filesBefore = countFiles(dataDir);

    try (ComfyClient c = new ComfyClient(engine.baseUrl(), "ws-save-" + UUID.randomUUID()).connect()) {
      String pid = UUID.randomUUID().toString();
      assertThat(c.queue(prompt, pid).status()).isEqualTo(200);
      c.awaitDone(pid);

      List<String> kinds = kinds(c.frames);
      assertThat(kinds.subList(kinds.indexOf("executing 9"), kinds.size())).containsExactly(
          "executing 9",
          "progress_state", "progress 0/2", "binary",
          "progress_state", "progress 1/2", "binary",
          "progress_state", "execution_success", "status", "executing null");
      List<byte[]> images = binaries(c.frames).subList(20, 22);
      for (byte[] frame : images) {
        ByteBuffer header = ByteBuffer.wrap(frame);
        assertThat(header.getInt()).isEqualTo(1);
        assertThat(header.getInt()).as("PNG").isEqualTo(2);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(frame, 8, frame.length - 8));
        assertThat(image.getWidth()).isEqualTo(96);
        assertThat(image.getHeight()).isEqualTo(64);
      }
      JsonNode history = c.get("/history/" + pid).json().get(pid);
      assertThat(history.get("outputs").has("9")).isFalse();
      assertThat(history.at("/status/status_str").asText()).isEqualTo("success");
    }
    assertThat(countFiles(dataDir)).as("nothing saved").isEqualTo(filesBefore);
  }

  /** Text frames as "type" (with the node or step where it helps), binary ones as "binary"; the greeting skipped. */
  private static List<String> kinds(List<Object> frames) {
    List<String> kinds = new ArrayList<>();
    for (Object frame : frames) {
      if (frame instanceof byte[]) {
        kinds.add("binary");
        continue;
      }
      JsonNode m = (JsonNode) frame;
      String type = m.path("type").asText();
      JsonNode data = m.path("data");
      kinds.add(switch (type) {
        case "executing" -> "executing " + (data.path("node").isNull() ? "null" : data.path("node").asText());
        case "progress" -> data.path("max").asInt() == 2 ? "progress " + data.path("value") + "/2" : "progress";
        default -> type;
      });
    }
    return kinds;
  }

  private static List<byte[]> binaries(List<Object> frames) {
    return frames.stream().filter(byte[].class::isInstance).map(byte[].class::cast).toList();
  }

  private static long countFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
