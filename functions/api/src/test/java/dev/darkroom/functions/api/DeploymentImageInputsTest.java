package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.deployment.DeploymentLimits;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An {@code image} input given by URL (served here on 127.0.0.1, which the fixture's outbound
 * policy lets through as the local stack's does) or as base64 data: staged as the caller's input
 * file, content-addressed, and the workflow gets its name.
 */
class DeploymentImageInputsTest {
  private static final String WORKFLOW = "{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"cat.png\"}},"
      + "\"2\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\",\"images\":[\"1\",0]}}}";

  /** The workflow's own image, uploaded before it was published. */
  private static final String CAT = "inputs/alice/cat.png";
  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryOutputStore files = new InMemoryOutputStore();
  private final InMemoryNodeCatalogStore catalogs = new InMemoryNodeCatalogStore();
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), files, new InMemoryLedger(), catalogs,
      ApiFixture.as(() -> "alice"));
  /** What the web serves, by path: {@code status}, then the body. */
  private final Map<String, Map.Entry<Integer, byte[]>> web = new ConcurrentHashMap<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private final HttpServer server;

  DeploymentImageInputsTest() throws Exception {
    catalogs.publish(NodeCatalog.coreNodes(folder -> List.of()).toObjectInfo());
    files.put(CAT, "image/png", new java.io.ByteArrayInputStream(png(0)));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      fetches.incrementAndGet();
      Map.Entry<Integer, byte[]> answer = web.getOrDefault(exchange.getRequestURI().getPath(), Map.entry(404, new byte[0]));
      if (answer.getKey() / 100 == 3) {
        exchange.getResponseHeaders().add("Location", new String(answer.getValue()));
        exchange.sendResponseHeaders(answer.getKey(), -1);
      } else {
        exchange.sendResponseHeaders(answer.getKey(), answer.getValue().length == 0 ? -1 : answer.getValue().length);
        exchange.getResponseBody().write(answer.getValue());
      }
      exchange.close();
    });
    server.start();
    FakeHttp.Response created = FakeHttp.send(api, "POST", "/api/v2/deployments", "{\"name\":\"edit\",\"workflow\":"
        + WORKFLOW + ",\"inputs\":[{\"name\":\"photo\",\"node\":\"1\",\"input\":\"image\",\"type\":\"image\"}]}");
    assertThat(created.status).as(created.text()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  static byte[] png(int rgb) throws Exception {
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, rgb);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private FakeHttp.Response run(String photo) throws Exception {
    return FakeHttp.send(api, "POST", "/api/v2/deployments/edit/runs",
        "{\"inputs\":{\"photo\":" + json.writeValueAsString(photo) + "}}");
  }

  /** The image the run's job loads, after checking the run was queued and the file is the caller's. */
  private String stagedName(FakeHttp.Response ran, byte[] expected) throws Exception {
    assertThat(ran.status).as(ran.text()).isEqualTo(201);
    String id = json.readTree(ran.text()).get("id").asText();
    String name = jobs.promptOf(id).orElseThrow().prompt().at("/1/inputs/image").asText();
    assertThat(name).isEqualTo(InMemoryOutputStore.sha256(expected) + ".png");
    assertThat(files.objects.get("inputs/alice/" + name).content()).isEqualTo(expected);
    return name;
  }

  private String error(FakeHttp.Response refused) throws Exception {
    assertThat(refused.status).as(refused.text()).isEqualTo(400);
    return json.readTree(refused.text()).at("/error/message").asText();
  }

  @Test
  void anImageByUrlIsFetchedAndStagedOnceUnderItsContentsName() throws Exception {
    byte[] png = png(0xff0000);
    web.put("/fox.png", Map.entry(200, png));
    String first = stagedName(run(url("/fox.png")), png);
    int puts = files.puts.get();
    assertThat(stagedName(run(url("/fox.png")), png)).as("a retry stages the same file").isEqualTo(first);
    assertThat(files.puts.get()).as("and stores nothing again").isEqualTo(puts);
  }

  @Test
  void aRedirectIsFollowedAndEachHopChecked() throws Exception {
    byte[] png = png(0x00ff00);
    web.put("/moved", Map.entry(302, url("/real.png").getBytes()));
    web.put("/real.png", Map.entry(200, png));
    stagedName(run(url("/moved")), png);
    web.put("/away", Map.entry(302, "http://10.0.0.7/x.png".getBytes()));
    assertThat(error(run(url("/away")))).startsWith("inputs.photo: URL refused by the outbound policy: redirect 1 to "
        + "http://10.0.0.7/x.png: ");
  }

  @Test
  void aUrlThePolicyRefusesIsNeverFetched() throws Exception {
    assertThat(error(run("http://169.254.169.254/computeMetadata/v1/")))
        .startsWith("inputs.photo: URL refused by the outbound policy: ");
    assertThat(error(run("http://metadata.google.internal/x.png")))
        .startsWith("inputs.photo: URL refused by the outbound policy: ");
  }

  @Test
  void aUrlThatIsNotAnImageOrFailsIsNamed() throws Exception {
    web.put("/page.html", Map.entry(200, "<html>not an image</html>".getBytes()));
    assertThat(error(run(url("/page.html"))))
        .isEqualTo("inputs.photo: the URL's content is not a PNG, JPEG, WebP or GIF image (by its first bytes)");
    assertThat(error(run(url("/gone.png")))).isEqualTo("inputs.photo: the URL answered HTTP 404");
    assertThat(files.objects.keySet()).as("nothing staged").containsExactly(CAT);
  }

  @Test
  void anImageAsBase64OrADataUrlIsStagedLikeAnUpload() throws Exception {
    byte[] png = png(0x0000ff);
    String base64 = Base64.getEncoder().encodeToString(png);
    String name = stagedName(run(base64), png);
    assertThat(stagedName(run("data:image/png;base64," + base64), png)).isEqualTo(name);
    assertThat(files.objects.keySet()).containsExactlyInAnyOrder(CAT, "inputs/alice/" + name);
  }

  @Test
  void anImageAsBase64MayBeLongerThanOtherStringsOfABody() throws Exception {
    BufferedImage noise = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(7);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        noise.setRGB(x, y, random.nextInt());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(noise, "png", out);
    byte[] png = out.toByteArray();
    String base64 = Base64.getEncoder().encodeToString(png);
    assertThat(base64.length()).isGreaterThan(dev.darkroom.core.limits.InputLimits.JSON_STRING_CHARS);
    stagedName(run(base64), png);
    String body = "{\"inputs\":{\"photo\":\"" + base64 + "\"}}";
    FakeHttp.Response keyed = FakeHttp.send(api, "POST", "/api/v2/deployments/edit/runs", body, "Idempotency-Key", "k1");
    stagedName(keyed, png);
    FakeHttp.Response replayed = FakeHttp.send(api, "POST", "/api/v2/deployments/edit/runs", body, "Idempotency-Key", "k1");
    assertThat(replayed.status).as("a replay with the key, its body hashed as it was parsed").isEqualTo(200);
    FakeHttp.Response refused = FakeHttp.send(api, "POST", "/api/v2/deployments/edit/runs",
        "{\"inputs\":{\"photo\":\"cat.png\"},\"note\":\"" + base64 + "\"}");
    assertThat(refused.status).as("only the inputs' values may be that long").isEqualTo(413);
  }

  @Test
  void aRunWithALargeBodyPassesTheUploadsGate() throws Exception {
    InMemoryNodeCatalogStore noCatalog = new InMemoryNodeCatalogStore();
    dev.darkroom.core.comfy.PromptPolicy policy = new dev.darkroom.core.comfy.PromptPolicy(noCatalog, files, ApiFixture.CLOCK);
    dev.darkroom.core.limits.Admission admission = new dev.darkroom.core.limits.Admission(
        new dev.darkroom.testing.InMemoryRateCounter(), jobs, new InMemoryLedger(),
        dev.darkroom.core.limits.Admission.Settings.none(), ApiFixture.CLOCK);
    dev.darkroom.core.usecase.SubmitJob submit = new dev.darkroom.core.usecase.SubmitJob(
        new dev.darkroom.core.usecase.SubmitPrompt(jobs, new RecordingJobQueue(), policy, ApiFixture.CLOCK),
        new dev.darkroom.testing.InMemoryIdempotencyKeys(), jobs, admission, ApiFixture.CLOCK);
    dev.darkroom.testing.InMemoryDeploymentStore store = new dev.darkroom.testing.InMemoryDeploymentStore();
    // 1 MiB for every upload under way in the instance: less than any large body reserves.
    ComfyApi gated = new ComfyApi(ApiFixture.as(() -> "alice"), ApiFixture.Streams.defaults().tickets(), admission,
        ApiFixture.CLOCK, new dev.darkroom.functions.api.routes.DeploymentRoutes(
            new dev.darkroom.core.usecase.PublishDeployment(store, policy, ApiFixture.CLOCK),
            new dev.darkroom.core.usecase.RunDeployment(store, submit, policy), store, jobs,
            new dev.darkroom.functions.api.views.JobResources(jobs, files), ApiFixture.CLOCK,
            new dev.darkroom.functions.api.routes.UploadGate(2, 1)));
    assertThat(FakeHttp.send(gated, "POST", "/api/v2/deployments", "{\"name\":\"edit\",\"workflow\":" + WORKFLOW
        + ",\"inputs\":[{\"name\":\"photo\",\"node\":\"1\",\"input\":\"image\",\"type\":\"image\"}]}").status)
        .isEqualTo(201);
    assertThat(FakeHttp.send(gated, "POST", "/api/v2/deployments/edit/runs", "{\"inputs\":{\"photo\":\"cat.png\"}}")
        .status).as("a control-sized body is not an upload").isEqualTo(201);
    String large = "{\"inputs\":{\"photo\":\"cat.png\"}," + " ".repeat(dev.darkroom.core.limits.InputLimits.CONTROL_BODY_BYTES)
        + "}";
    FakeHttp.Response busy = FakeHttp.send(gated, "POST", "/api/v2/deployments/edit/runs", large);
    assertThat(busy.status).as(busy.text()).isEqualTo(429);
  }

  @Test
  void base64ThatIsNotAnImageAndAMalformedDataUrlAreNamed() throws Exception {
    assertThat(error(run(Base64.getEncoder().encodeToString("just some text".getBytes()))))
        .isEqualTo("inputs.photo: is not one of your uploads, and as base64 data: is not a PNG, JPEG, WebP or GIF "
            + "image (by its first bytes)");
    assertThat(error(run("data:text/plain,hello")))
        .isEqualTo("inputs.photo: a data: URL must be base64 image data (data:image/png;base64,...)");
    assertThat(error(run("no such file.png"))).isEqualTo("inputs.photo: you have no upload named \"no such file.png\"");
    assertThat(files.objects.keySet()).as("nothing staged").containsExactly(CAT);
  }

  @Test
  void anImageOfTooManyPixelsIsRefusedByItsHeader() throws Exception {
    byte[] png = png(0x00ffff);
    // IHDR's width and height, as the header states them (nothing is decoded to refuse it).
    java.nio.ByteBuffer.wrap(png).putInt(16, 100_000).putInt(20, 100_000);
    assertThat(error(run(Base64.getEncoder().encodeToString(png)))).isEqualTo("inputs.photo: is not one of your "
        + "uploads, and as base64 data: the image is 100000x100000 pixels; at most "
        + dev.darkroom.core.limits.InputLimits.UPLOAD_PIXELS + " pixels are accepted");
  }

  @Test
  void aRunThatIsWrongOtherwiseFetchesNothing() throws Exception {
    web.put("/fox.png", Map.entry(200, png(0xff0000)));
    FakeHttp.Response refused = FakeHttp.send(api, "POST", "/api/v2/deployments/edit/runs",
        "{\"inputs\":{\"photo\":\"" + url("/fox.png") + "\",\"colour\":\"red\"}}");
    assertThat(error(refused)).isEqualTo("inputs.colour: no such input in version 1");
    assertThat(fetches.get()).isZero();
  }

  @Test
  void aRunStagesAtMostAFewImagesByUrlOrData() throws Exception {
    int many = DeploymentLimits.STAGED_IMAGES_PER_RUN + 1;
    String workflow = IntStream.rangeClosed(1, many).mapToObj(i -> "\"" + i + "\":{\"class_type\":\"LoadImage\","
        + "\"inputs\":{\"image\":\"cat.png\"}},\"" + (100 + i) + "\":{\"class_type\":\"SaveImage\",\"inputs\":"
        + "{\"filename_prefix\":\"x\",\"images\":[\"" + i + "\",0]}}").collect(Collectors.joining(",", "{", "}"));
    String inputs = IntStream.rangeClosed(1, many).mapToObj(i -> "{\"name\":\"p" + i + "\",\"node\":\"" + i
        + "\",\"input\":\"image\",\"type\":\"image\"}").collect(Collectors.joining(",", "[", "]"));
    assertThat(FakeHttp.send(api, "POST", "/api/v2/deployments", "{\"name\":\"collage\",\"workflow\":" + workflow
        + ",\"inputs\":" + inputs + "}").status).isEqualTo(201);
    String base64 = Base64.getEncoder().encodeToString(png(0x123456));
    String values = IntStream.rangeClosed(1, many).mapToObj(i -> "\"p" + i + "\":\"" + base64 + "\"")
        .collect(Collectors.joining(",", "{", "}"));
    FakeHttp.Response refused = FakeHttp.send(api, "POST", "/api/v2/deployments/collage/runs",
        "{\"inputs\":" + values + "}");
    JsonNode fields = json.readTree(refused.text()).at("/error/fields");
    assertThat(refused.status).isEqualTo(400);
    assertThat(fields).hasSize(1);
    assertThat(fields.get(0).get("field").asText()).isEqualTo("inputs.p" + many);
    assertThat(fields.get(0).get("message").asText()).startsWith("at most " + DeploymentLimits.STAGED_IMAGES_PER_RUN);
  }
}
