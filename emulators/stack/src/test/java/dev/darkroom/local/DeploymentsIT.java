package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.darkroom.core.comfy.MultipartForm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deployments over HTTPS on the whole local stack (authentication off): the SD1.5 sample published
 * with a {@code string} prompt and an {@code integer} seed runs to {@code succeeded} through
 * {@code POST /api/v2/deployments/{name}/runs}; bad inputs are 400 naming the field; versions are
 * immutable and selectable, the pinned default applies; the contract describes the inputs; an image
 * input given by upload, by URL (a server on 127.0.0.1 stands in for the web: the local stack lets
 * the outbound policy reach loopback, as for webhooks) and as base64 reaches the job as an input file.
 */
class DeploymentsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_TIME = Duration.ofSeconds(60);

  private static LocalStack stack;
  private static HttpServer web;
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  @BeforeAll
  static void start() throws Exception {
    stack = SharedStack.get();
    web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] fox = png(41, 17, 0x00ff00);
    web.createContext("/fox.png", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "image/png");
      exchange.sendResponseHeaders(200, fox.length);
      exchange.getResponseBody().write(fox);
      exchange.close();
    });
    web.start();
  }

  @AfterAll
  static void stop() {
    if (web != null) {
      web.stop(0);
    }
  }

  private static String sample() throws Exception {
    try (InputStream in = DeploymentsIT.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static byte[] png(int width, int height, int rgb) throws Exception {
    BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    picture.setRGB(1, 1, rgb);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(picture, "png", out);
    return out.toByteArray();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode ok(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return response.body().isEmpty() ? null : JSON.readTree(response.body());
  }

  private static JsonNode publish(String name, String workflow, String inputs) throws Exception {
    return ok(send("POST", "/api/v2/deployments", "{\"name\":\"" + name + "\",\"workflow\":" + workflow
        + ",\"inputs\":" + inputs + "}"), 201);
  }

  /** Queues a run and answers its job's id. */
  private static String run(String name, String body) throws Exception {
    return ok(send("POST", "/api/v2/deployments/" + name + "/runs", body), 201).get("id").asText();
  }

  /** The job's history entry once it has ended: it must have succeeded. */
  private static JsonNode succeeded(String id) throws Exception {
    JsonNode job = await().atMost(RUN_TIME).pollInterval(Duration.ofMillis(200))
        .until(() -> ok(send("GET", "/api/v2/jobs/" + id, null), 200),
            j -> List.of("succeeded", "failed", "cancelled", "timed_out").contains(j.get("status").asText()));
    assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("succeeded");
    return ok(send("GET", "/api/history/" + id, null), 200).get(id);
  }

  /** The workflow the job ran (ComfyUI's history: {@code prompt[2]}) and what it recorded ({@code prompt[3]}). */
  private static JsonNode ran(JsonNode history) {
    return history.at("/prompt/2");
  }

  private static final String SAMPLE_INPUTS = "[{\"name\":\"prompt\",\"node\":\"6\",\"input\":\"text\",\"type\":\"string\","
      + "\"required\":true},{\"name\":\"seed\",\"node\":\"3\",\"input\":\"seed\",\"type\":\"integer\",\"minimum\":0}]";

  @Test
  void theSampleWithAStringPromptAndAnIntegerSeedRunsToSucceededAndBadInputsAre400() throws Exception {
    publish("sd15", sample(), SAMPLE_INPUTS);

    String id = run("sd15", "{\"inputs\":{\"prompt\":\"a red fox in the snow\",\"seed\":42}}");
    JsonNode history = succeeded(id);
    assertThat(ran(history).at("/6/inputs/text").asText()).isEqualTo("a red fox in the snow");
    assertThat(ran(history).at("/3/inputs/seed").asLong()).isEqualTo(42);
    assertThat(history.at("/prompt/3/darkroom_deployment").toString())
        .isEqualTo("{\"name\":\"sd15\",\"version\":1,\"inputs\":{\"prompt\":\"a red fox in the snow\",\"seed\":42}}");
    assertThat(history.at("/outputs/9/images").size()).isEqualTo(1);

    JsonNode refused = ok(send("POST", "/api/v2/deployments/sd15/runs",
        "{\"inputs\":{\"prompt\":\"x\",\"seed\":\"forty-two\",\"colour\":\"red\"}}"), 400);
    assertThat(refused.at("/error/fields")).isEqualTo(JSON.readTree("[{\"field\":\"inputs.colour\",\"message\":"
        + "\"no such input in version 1\"},{\"field\":\"inputs.seed\",\"message\":\"must be an integer\"}]"));

    JsonNode contract = ok(send("GET", "/api/v2/deployments/sd15/openapi.json", null), 200);
    assertThat(contract.get("openapi").asText()).startsWith("3.1");
    assertThat(contract.at("/components/schemas/Inputs/properties/prompt/type").asText()).isEqualTo("string");
    assertThat(contract.at("/components/schemas/Inputs/properties/seed/type").asText()).isEqualTo("integer");
    assertThat(contract.at("/components/schemas/Inputs/required")).isEqualTo(JSON.readTree("[\"prompt\"]"));
    assertThat(contract.at("/components/schemas/Inputs/additionalProperties").asBoolean(true)).isFalse();
    assertThat(contract.at("/components/schemas/Outputs/x-darkroom-output-nodes/0/node_id").asText()).isEqualTo("9");
  }

  @Test
  void versionsAreImmutableAndSelectableAndThePinnedDefaultApplies() throws Exception {
    publish("versions", sample(), SAMPLE_INPUTS);
    ObjectNode second = (ObjectNode) JSON.readTree(sample());
    ((ObjectNode) second.at("/9/inputs")).put("filename_prefix", "second");
    JsonNode v2 = publish("versions", second.toString(), SAMPLE_INPUTS);
    assertThat(v2.get("latest_version").asInt()).isEqualTo(2);
    assertThat(ok(send("GET", "/api/v2/deployments/versions/versions/1", null), 200).at("/workflow/9/inputs/filename_prefix")
        .asText()).as("version 1 is as it was published").isEqualTo("ComfyUI");

    String latest = run("versions", "{\"inputs\":{\"prompt\":\"latest\"}}");
    String first = run("versions", "{\"inputs\":{\"prompt\":\"first\"},\"version\":1}");
    ok(send("PUT", "/api/v2/deployments/versions/default", "{\"version\":1}"), 200);
    String pinned = run("versions", "{\"inputs\":{\"prompt\":\"pinned\"}}");

    assertThat(ran(succeeded(latest)).at("/9/inputs/filename_prefix").asText()).isEqualTo("second");
    assertThat(ran(succeeded(first)).at("/9/inputs/filename_prefix").asText()).isEqualTo("ComfyUI");
    JsonNode pinnedRun = succeeded(pinned);
    assertThat(ran(pinnedRun).at("/9/inputs/filename_prefix").asText()).isEqualTo("ComfyUI");
    assertThat(pinnedRun.at("/prompt/3/darkroom_deployment/version").asInt()).isEqualTo(1);
  }

  @Test
  void anImageInputByUploadByUrlAndByBase64ReachesTheJobAsAStagedInputFile() throws Exception {
    byte[] upload = png(29, 13, 0xff0000);
    MultipartForm.Encoded form = MultipartForm.encode(List.of(
        new MultipartForm.Part("image", "cat.png", "image/png", upload)));
    HttpResponse<String> uploaded = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/upload/image"))
        .header("Content-Type", form.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build(),
        HttpResponse.BodyHandlers.ofString());
    ok(uploaded, 200);
    publish("echo", "{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"cat.png\"}},"
        + "\"2\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"echo\",\"images\":[\"1\",0]}}}",
        "[{\"name\":\"photo\",\"node\":\"1\",\"input\":\"image\",\"type\":\"image\",\"required\":true}]");

    byte[] inline = png(11, 7, 0x0000ff);
    String byUpload = run("echo", "{\"inputs\":{\"photo\":\"cat.png\"}}");
    String byUrl = run("echo", "{\"inputs\":{\"photo\":\"http://127.0.0.1:" + web.getAddress().getPort() + "/fox.png\"}}");
    String byBase64 = run("echo", "{\"inputs\":{\"photo\":\"" + Base64.getEncoder().encodeToString(inline) + "\"}}");

    Map<String, int[]> expected = Map.of(byUpload, new int[] {29, 13}, byUrl, new int[] {41, 17},
        byBase64, new int[] {11, 7});
    for (Map.Entry<String, int[]> job : expected.entrySet()) {
      JsonNode history = succeeded(job.getKey());
      String staged = ran(history).at("/1/inputs/image").asText();
      if (!job.getKey().equals(byUpload)) {
        assertThat(staged).as("a content-addressed input file").matches("[0-9a-f]{64}\\.png");
      }
      byte[] input = view("input", "", staged);
      if (job.getKey().equals(byBase64)) {
        assertThat(staged).isEqualTo(sha256(inline) + ".png");
        assertThat(input).isEqualTo(inline);
      }
      JsonNode image = history.at("/outputs/2/images/0");
      BufferedImage out = ImageIO.read(new java.io.ByteArrayInputStream(
          view("output", image.get("subfolder").asText(), image.get("filename").asText())));
      assertThat(new int[] {out.getWidth(), out.getHeight()}).as("the run loaded the image it was given")
          .isEqualTo(job.getValue());
    }
    assertThat(ran(succeeded(byUpload)).at("/1/inputs/image").asText()).isEqualTo("cat.png");

    JsonNode refused = ok(send("POST", "/api/v2/deployments/echo/runs",
        "{\"inputs\":{\"photo\":\"http://169.254.169.254/computeMetadata/v1/\"}}"), 400);
    assertThat(refused.at("/error/fields/0/field").asText()).isEqualTo("inputs.photo");
    assertThat(refused.at("/error/fields/0/message").asText()).startsWith("URL refused by the outbound policy");
  }

  /**
   * The console's Deployments page, in a browser: the deployment listed, its form generated from
   * the input schema, run, and the job's page following it to {@code succeeded}.
   */
  @Test
  void theConsoleListsADeploymentAndRunsItFromAFormOfItsInputs() throws Exception {
    ConsoleBrowser.checkPrerequisites();
    publish("console-sd15", sample(), SAMPLE_INPUTS);
    try (ConsoleBrowser browser = ConsoleBrowser.start()) {
      browser.open(stack.apiUrl() + "/#/deployments");
      browser.visible(org.openqa.selenium.By.linkText("console-sd15")).click();
      org.openqa.selenium.WebElement prompt = browser.visible(org.openqa.selenium.By.id("deployment-input-prompt"));
      prompt.sendKeys("a heron at dawn");
      browser.driver.findElement(org.openqa.selenium.By.id("deployment-input-seed")).sendKeys("1234");
      assertThat(browser.unnamedControls()).as("controls a screen reader cannot name on a deployment").isEmpty();
      browser.screenshot("deployment-form");
      browser.driver.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();
      browser.waitUpTo(RUN_TIME).until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(
          org.openqa.selenium.By.cssSelector("h1 .badge-succeeded")));
      String id = browser.driver.findElement(org.openqa.selenium.By.cssSelector("h1 code")).getText();
      JsonNode history = succeeded(id);
      assertThat(ran(history).at("/6/inputs/text").asText()).isEqualTo("a heron at dawn");
      assertThat(ran(history).at("/3/inputs/seed").asLong()).isEqualTo(1234);
      browser.assertNoErrorAndNothingElsewhere("the Deployments page", message -> false);
    }
  }

  private static byte[] view(String type, String subfolder, String filename) throws Exception {
    HttpResponse<byte[]> view = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/view?type=" + type
        + "&subfolder=" + java.net.URLEncoder.encode(subfolder, StandardCharsets.UTF_8)
        + "&filename=" + java.net.URLEncoder.encode(filename, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(view.statusCode()).as(type + " " + filename).isEqualTo(200);
    return view.body();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
