package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every sample workflow, through the whole local stack: those made of core nodes produce their
 * images; the one that needs a custom node pack is refused before anything is queued, exactly as
 * ComfyUI refuses it.
 */
class SampleWorkflowsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalStack stack;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  @BeforeAll
  static void start() {
    stack = SharedStack.get();
  }


  private static String workflow(String name) throws Exception {
    try (InputStream in = SampleWorkflowsIT.class.getResourceAsStream("/workflows/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/prompt"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The prompt's history entry, once it has one; it must say success. */
  private JsonNode succeeded(String id) {
    JsonNode entry = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/history/" + id)).build(),
            HttpResponse.BodyHandlers.ofString()).body()).get(id), e -> e != null);
    assertThat(entry.at("/status/status_str").asText()).as(entry.toString()).isEqualTo("success");
    return entry;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"sd1.5-txt2img, 9", "sdxl-txt2img, 19", "sdxl-txt2img-with-refiner, 19", "flux-txt2img, 9"})
  void aCoreNodeWorkflowProducesItsImages(String name, String saveNode) throws Exception {
    HttpResponse<String> posted = post("{\"prompt\":" + workflow(name) + "}");
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    String id = JSON.readTree(posted.body()).get("prompt_id").asText();

    JsonNode entry = succeeded(id);
    JsonNode images = entry.at("/outputs/" + saveNode + "/images");
    assertThat(images.size()).as(entry.toString()).isGreaterThanOrEqualTo(1);
    assertThat(images.get(0).get("filename").asText()).endsWith(".png");
  }

  /**
   * An uploaded image goes to the bucket, and the runner stages it on the engine for the prompt
   * that loads it: the output is that image, at its own size.
   */
  @Test
  void anUploadedImageIsStagedOnTheEngineForThePromptThatLoadsIt() throws Exception {
    java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(37, 23, java.awt.image.BufferedImage.TYPE_INT_RGB);
    picture.setRGB(5, 5, 0xff0000);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(picture, "png", png);
    dev.darkroom.core.comfy.MultipartForm.Encoded form = dev.darkroom.core.comfy.MultipartForm.encode(java.util.List.of(
        dev.darkroom.core.comfy.MultipartForm.field("subfolder", "shots"),
        new dev.darkroom.core.comfy.MultipartForm.Part("image", "fox.png", "image/png", png.toByteArray())));
    HttpResponse<String> uploaded = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/upload/image"))
        .header("Content-Type", form.contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);

    HttpResponse<String> posted = post("{\"prompt\": {"
        + "\"1\": {\"class_type\": \"LoadImage\", \"inputs\": {\"image\": \"shots/fox.png [input]\"}},"
        + "\"2\": {\"class_type\": \"SaveImage\", \"inputs\": {\"images\": [\"1\", 0], \"filename_prefix\": \"fox\"}}}}");
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    String id = JSON.readTree(posted.body()).get("prompt_id").asText();

    JsonNode entry = succeeded(id);
    JsonNode image = entry.at("/outputs/2/images/0");
    HttpResponse<byte[]> view = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/view?filename="
            + java.net.URLEncoder.encode(image.get("filename").asText(), StandardCharsets.UTF_8) + "&subfolder="
            + java.net.URLEncoder.encode(image.get("subfolder").asText(), StandardCharsets.UTF_8) + "&type=output")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(view.statusCode()).isEqualTo(200);
    java.awt.image.BufferedImage out = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(view.body()));
    assertThat(out.getWidth()).isEqualTo(37);
    assertThat(out.getHeight()).isEqualTo(23);
    assertThat(out.getRGB(5, 5) & 0xffffff).isEqualTo(0xff0000);
  }

  @Test
  void img2imgNeedsACustomNodePackAndIsRefusedAsComfyUIRefusesIt() throws Exception {
    HttpResponse<String> posted = post("{\"prompt\":" + workflow("sd1.5-img2img") + "}");
    assertThat(posted.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(posted.body());
    assertThat(body.at("/error/type").asText()).isEqualTo("invalid_prompt");
    assertThat(body.at("/error/details").asText()).isEqualTo("Node ID '#11'");
  }
}
