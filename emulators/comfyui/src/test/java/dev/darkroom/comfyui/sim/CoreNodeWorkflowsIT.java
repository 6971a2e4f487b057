package dev.darkroom.comfyui.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core-node samples (shared/core's test resources {@code workflows/core/}, which the api's
 * validation test reads too) run on the simulated engine to outputs of the right kinds, counts and
 * sizes, and the engine knows every class of the recorded core catalog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoreNodeWorkflowsIT {
  /** Maven runs the tests in emulators/comfyui. */
  private static final Path SAMPLES = Path.of("../../shared/core/src/test/resources/workflows/core");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  private SimulatedComfyUI engine;
  private final List<ComfyClient> clients = new ArrayList<>();

  @BeforeAll
  void start() throws IOException {
    engine = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(data).withStepTime(Duration.ofMillis(1)));
    ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "png", engine.inputDir().resolve("example.png").toFile());
  }

  @AfterAll
  void stop() {
    engine.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(ComfyClient::close);
    clients.clear();
  }

  /** Runs a sample to the end; its history's outputs, after asserting it succeeded. */
  private JsonNode run(String sample, ComfyClient c) throws IOException {
    ObjectNode prompt = (ObjectNode) JSON.readTree(SAMPLES.resolve(sample).toFile());
    String pid = UUID.randomUUID().toString();
    ComfyClient.Reply queued = c.queue(prompt, pid);
    assertThat(queued.status()).as(queued.body()).isEqualTo(200);
    c.awaitDone(pid);
    JsonNode history = c.get("/history/" + pid).json().get(pid);
    assertThat(history.path("status").path("status_str").asText()).as("%s", history.path("status")).isEqualTo("success");
    return history.get("outputs");
  }

  private ComfyClient client() {
    ComfyClient c = new ComfyClient(engine.baseUrl(), "c-" + UUID.randomUUID()).connect();
    clients.add(c);
    return c;
  }

  private byte[] file(JsonNode item) throws IOException {
    Path dir = item.path("type").asText().equals("temp") ? data.resolve("temp") : engine.outputDir();
    return Files.readAllBytes(dir.resolve(item.path("subfolder").asText()).resolve(item.path("filename").asText()));
  }

  private List<BufferedImage> images(JsonNode ui) throws IOException {
    List<BufferedImage> out = new ArrayList<>();
    for (JsonNode item : ui.path("images")) out.add(ImageIO.read(new ByteArrayInputStream(file(item))));
    return out;
  }

  @Test
  void theEngineKnowsEveryClassOfTheRecordedCore() throws IOException {
    JsonNode source = JSON.readTree(dev.darkroom.core.comfy.NodeCatalog.class.getResourceAsStream("core-nodes.source.json"));
    JsonNode objectInfo = client().get("/object_info").json();

    assertThat(objectInfo.size()).isEqualTo(source.path("node_classes").asInt());
    assertThat(objectInfo.has("SaveAnimatedWEBP")).isTrue();
    assertThat(objectInfo.at("/UpscaleModelLoader/input/required/model_name/1/options").toString())
        .contains("4x-UltraSharp.pth");
  }

  @Test
  void fluxThroughTheCustomSamplerSavesOneImageOfTheLatentsSize() throws IOException {
    ComfyClient c = client();
    JsonNode outputs = run("flux-custom-sampler.json", c);

    List<BufferedImage> images = images(outputs.get("13"));
    assertThat(images).hasSize(1);
    assertThat(images.get(0).getWidth()).isEqualTo(768);
    assertThat(images.get(0).getHeight()).isEqualTo(512);
    assertThat(c.of("progress").stream().filter(m -> m.at("/data/node").asText().equals("11")).toList())
        .as("SamplerCustomAdvanced ticks the scheduler's steps").hasSize(4);
  }

  @Test
  void sd3SavesItsBatchOfTwo() throws IOException {
    List<BufferedImage> images = images(run("sd3-triple-clip.json", client()).get("9"));

    assertThat(images).hasSize(2).allSatisfy(i -> assertThat(i.getWidth()).isEqualTo(1024));
  }

  @Test
  void controlNetRunsWithItsHintImage() throws IOException {
    List<BufferedImage> images = images(run("controlnet-canny.json", client()).get("10"));

    assertThat(images).hasSize(1);
    assertThat(images.get(0).getWidth()).isEqualTo(512);
  }

  @Test
  void theUpscaleModelMultipliesTheLatentUpscalesSizeByItsFactor() throws IOException {
    List<BufferedImage> images = images(run("sdxl-upscale-model.json", client()).get("10"));

    assertThat(images).hasSize(1);
    assertThat(images.get(0).getWidth()).isEqualTo(320 * 4);
    assertThat(images.get(0).getHeight()).isEqualTo(240 * 4);
  }

  @Test
  void aBatchOfFourFramesIsOneAnimatedWebp() throws IOException {
    JsonNode ui = run("animated-webp.json", client()).get("7");

    assertThat(ui.path("animated").get(0).asBoolean()).isTrue();
    assertThat(ui.path("images")).hasSize(1);
    assertThat(ui.at("/images/0/filename").asText()).isEqualTo("boat_00001_.webp");
    byte[] webp = file(ui.at("/images/0"));
    assertThat(new String(webp, 0, 4, StandardCharsets.US_ASCII) + new String(webp, 8, 4, StandardCharsets.US_ASCII))
        .isEqualTo("RIFFWEBP");
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(webp))) {
      ImageReader reader = MediaFilesTest.animatedWebpReader(in);
      reader.setInput(in);
      assertThat(reader.getNumImages(true)).isEqualTo(4);
      assertThat(reader.read(3).getWidth()).isEqualTo(256);
    }
  }

  @Test
  void videoAudioLatentAndTextOutputsAreWrittenAsComfyUiNamesThem() throws IOException {
    JsonNode outputs = run("video-audio-latent-text.json", client());

    JsonNode mp4 = outputs.get("3");
    assertThat(mp4.at("/images/0/filename").asText()).isEqualTo("clip_00001_.mp4");
    assertThat(mp4.at("/images/0/subfolder").asText()).isEqualTo("video");
    assertThat(mp4.at("/animated/0").asBoolean()).isTrue();
    byte[] video = file(mp4.at("/images/0"));
    assertThat(new String(video, 4, 8, StandardCharsets.US_ASCII)).isEqualTo("ftypisom");
    assertThat(MediaFilesTest.mp4Boxes(video)).containsExactly("ftyp", "moov", "mdat");

    byte[] webm = file(outputs.get("4").at("/images/0"));
    assertThat(outputs.at("/4/images/0/filename").asText()).endsWith(".webm");
    assertThat(ByteBuffer.wrap(webm).getInt()).isEqualTo(0x1A45DFA3);

    byte[] apng = file(outputs.get("5").at("/images/0"));
    assertThat(ByteBuffer.wrap(PngWriter.chunks(apng, "acTL").get(0)).getInt()).as("frames").isEqualTo(3);

    assertThat(outputs.at("/9/audio/0/filename").asText()).isEqualTo("sound_00001_.flac");
    assertThat(new String(file(outputs.at("/9/audio/0")), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("fLaC");
    assertThat(outputs.at("/10/audio/0/filename").asText()).isEqualTo("sound_00002_.mp3");
    assertThat(file(outputs.at("/10/audio/0"))[0] & 0xFF).isEqualTo(0xFF);
    assertThat(outputs.at("/11/audio/0/filename").asText()).isEqualTo("sound_00003_.opus");
    assertThat(new String(file(outputs.at("/11/audio/0")), 28, 8, StandardCharsets.US_ASCII)).isEqualTo("OpusHead");

    JsonNode latent = outputs.at("/13/latents/0");
    assertThat(latent.path("filename").asText()).isEqualTo("ComfyUI_00001_.latent");
    byte[] safetensors = file(latent);
    long headerLength = ByteBuffer.wrap(safetensors).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = JSON.readTree(new String(safetensors, 8, (int) headerLength, StandardCharsets.UTF_8));
    assertThat(header.at("/latent_tensor/shape").toString()).isEqualTo("[2,4,8,8]");

    assertThat(outputs.at("/14/text").toString()).isEqualTo("[\"hello world\"]");
  }

  @Test
  void aLoaderWhoseModelIsNotInTheFolderFailsWhenItRunsAsComfyUIs() throws IOException {
    ComfyClient c = client();
    ObjectNode prompt = (ObjectNode) JSON.readTree(SAMPLES.resolve("sdxl-upscale-model.json").toFile());
    ((ObjectNode) prompt.get("8").get("inputs")).put("model_name", "missing.pth");
    String pid = UUID.randomUUID().toString();
    // A V3 COMBO is not checked against its options by ComfyUI's validation: the loader refuses.
    assertThat(c.queue(prompt, pid).status()).isEqualTo(200);
    c.awaitDone(pid);

    JsonNode error = c.of("execution_error").get(0).get("data");
    assertThat(error.path("node_id").asText()).isEqualTo("8");
    assertThat(error.path("exception_type").asText()).isEqualTo("FileNotFoundError");
    assertThat(error.path("exception_message").asText())
        .isEqualTo("Model in folder 'upscale_models' with filename 'missing.pth' not found.");
  }
}
