package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console at {@code /} with auth off, in Debian's headless Chromium ({@link ConsoleBrowser}),
 * the way a person uses it: pick a sample, edit an input, run it and see its image; find it in Jobs
 * and the Gallery; cancel a running job; a refused workflow explained; the API reference, webhooks
 * and keys; a phone's width. After each test: no script error and no request to another host.
 * Screenshots of each page go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
  @TempDir static Path dataDir;
  private static LocalStack stack;
  private static ConsoleBrowser browser;
  private static ChromeDriver page;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    ConsoleBrowser.checkPrerequisites();
    // Steps slow enough that a long run can be watched and cancelled, fast enough for a sample to end in seconds.
    stack = LocalStack.start(new LocalStack.Options("darkroom-console", 0, dataDir, Duration.ofMillis(20), null));
    browser = ConsoleBrowser.start();
    page = browser.driver;
  }

  @AfterAll
  static void stop() {
    Resources.closeAll(browser, stack);
  }

  @AfterEach
  void noScriptErrorAndNothingFromAnotherHost(TestInfo test) {
    browser.assertNoErrorAndNothingElsewhere(test.getDisplayName(), ConsoleIT::expectedFailure);
  }

  /** A failure a test provokes on purpose and the page shows as a sentence (the browser logs the 4xx too). */
  private static boolean expectedFailure(String message) {
    return message.contains("/api/v2/jobs - Failed to load resource: the server responded with a status of 400");
  }

  @Test
  @Order(1)
  void aSampleRunsFromTheFormAndItsImageAppears() throws Exception {
    page.manage().window().setSize(new Dimension(1280, 1000));
    browser.open(stack.apiUrl() + "/");
    WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(30));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-notice=simulated-engine]")));
    assertThat(page.findElement(By.cssSelector("[data-notice=auth-off]")).getText()).contains("Authentication is off");

    new Select(page.findElement(By.name("sample"))).selectByValue("sd1.5-txt2img");
    WebElement text = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("input-6-text")));
    ConsoleBrowser.retype(text, "a lighthouse at dusk, long exposure");
    WebElement steps = page.findElement(By.id("input-3-steps"));
    assertThat(steps.getAttribute("type")).isEqualTo("number");
    assertThat(new Select(page.findElement(By.id("input-3-sampler_name"))).getOptions())
        .as("choices come from /object_info").hasSizeGreaterThan(1);
    assertThat(browser.unnamedControls()).as("controls a screen reader cannot name on Run").isEmpty();
    browser.screenshot("run");

    page.findElement(By.cssSelector("button[type=submit]")).click();
    browser.waitUpTo(Duration.ofSeconds(120)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-run-status=succeeded]")));
    WebElement image = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".outputs img")));
    browser.loaded(image);
    assertThat(page.findElement(By.cssSelector("[aria-live=polite]")).getText()).startsWith("Done: 1 output");
    assertThat(page.findElement(By.cssSelector(".outputs a[download]")).getText()).startsWith("Download ");
    browser.screenshot("run-succeeded");

    // What ran is what the form said.
    String jobId = page.findElement(By.cssSelector(".progress h2 code")).getText();
    JsonNode history = ConsoleBrowser.readTree(get("/history/" + jobId).body());
    assertThat(history.at("/" + jobId + "/prompt/2/6/inputs/text").asText()).isEqualTo("a lighthouse at dusk, long exposure");

    browser.open(stack.apiUrl() + "/#/jobs");
    WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-job-id='" + jobId + "']")));
    assertThat(row.getText()).contains("succeeded");
    assertThat(browser.unnamedControls()).as("controls a screen reader cannot name on Jobs").isEmpty();
    browser.screenshot("jobs");
    row.findElement(By.tagName("a")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".job .outputs img")));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".job pre.json")));
    browser.screenshot("job");

    browser.open(stack.apiUrl() + "/#/gallery");
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".gallery .thumb"))).click();
    WebElement full = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog img")));
    browser.loaded(full);
    assertThat(browser.unnamedControls()).as("controls a screen reader cannot name in the Gallery").isEmpty();
    browser.screenshot("gallery");
  }

  @Test
  @Order(2)
  void aRunningJobIsCancelledFromTheRunPage() {
    browser.open(stack.apiUrl() + "/#/run");
    WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(30));
    new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("sample")))).selectByValue("sd1.5-txt2img");
    WebElement steps = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("input-3-steps")));
    ConsoleBrowser.retype(steps, "5000");
    steps.sendKeys(Keys.TAB);
    page.findElement(By.cssSelector("button[type=submit]")).click();
    browser.waitUpTo(Duration.ofSeconds(90)).until(d -> d.findElement(By.cssSelector("[aria-live=polite]"))
        .getText().startsWith("Running KSampler"));
    browser.screenshot("run-progress");
    page.findElement(By.xpath("//button[normalize-space()='Cancel']")).click();
    browser.waitUpTo(Duration.ofSeconds(90)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-run-status=cancelled]")));
    assertThat(page.findElement(By.cssSelector("[aria-live=polite]")).getText()).isEqualTo("Cancelled.");
  }

  @Test
  @Order(3)
  void aRefusedWorkflowIsExplainedInASentence() {
    browser.open(stack.apiUrl() + "/#/run");
    WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(30));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("sample")));
    page.findElement(By.tagName("summary")).click();
    WebElement workflow = page.findElement(By.name("workflow"));
    ConsoleBrowser.retype(workflow, "{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}");
    page.findElement(By.cssSelector("button[type=submit]")).click();
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form [role=alert]")));
    assertThat(error.getText()).doesNotStartWith("{").contains("NoSuchNode").endsWith(".");
    browser.screenshot("run-refused");
  }

  /** A run that fails on the engine shows ComfyUI's error on the Run page and in the job's detail. */
  @Test
  @Order(4)
  void aFailedRunShowsComfyUIsError() {
    browser.open(stack.apiUrl() + "/#/run");
    browser.visible(By.name("sample"));
    page.findElement(By.tagName("summary")).click();
    // A literal where a link belongs passes validation and fails when the node runs, as in ComfyUI.
    ConsoleBrowser.retype(page.findElement(By.name("workflow")),
        "{\"1\": {\"class_type\": \"SaveImage\", \"inputs\": {\"images\": \"not a link\", \"filename_prefix\": \"x\"}}}");
    browser.visible(By.id("input-1-filename_prefix"));
    page.findElement(By.cssSelector("button[type=submit]")).click();
    browser.waitUpTo(Duration.ofSeconds(120)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-run-status=failed]")));
    assertThat(page.findElement(By.cssSelector(".progress .error")).getText()).startsWith("Node 1: ").contains("AttributeError");
    String jobId = page.findElement(By.cssSelector(".progress h2 code")).getText();

    browser.open(stack.apiUrl() + "/#/jobs/" + jobId);
    WebElement error = browser.visible(By.cssSelector("section[aria-label=Error]"));
    browser.waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElement(By.cssSelector("section[aria-label=Error]"))
        .getText().contains("Exception"));
    assertThat(error.getText()).contains("AttributeError").contains("SaveImage");
    browser.screenshot("job-failed");
  }

  /** An image input offers an upload: the uploaded file is what the workflow loads, and so what it saves. */
  @Test
  @Order(5)
  void anUploadedImageIsWhatTheWorkflowLoads() throws Exception {
    java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(37, 23, java.awt.image.BufferedImage.TYPE_INT_RGB);
    picture.setRGB(5, 5, 0xff0000);
    Path file = dataDir.resolve("fox.png");
    javax.imageio.ImageIO.write(picture, "png", file.toFile());

    browser.open(stack.apiUrl() + "/#/run");
    browser.visible(By.name("sample"));
    page.findElement(By.tagName("summary")).click();
    ConsoleBrowser.retype(page.findElement(By.name("workflow")),
        "{\"1\": {\"class_type\": \"LoadImage\", \"inputs\": {\"image\": \"example.png\"}},"
        + " \"2\": {\"class_type\": \"SaveImage\", \"inputs\": {\"images\": [\"1\", 0], \"filename_prefix\": \"fox\"}}}");
    WebElement upload = browser.visible(By.xpath("//label[contains(., 'Upload an image for image')]"))
        .findElement(By.cssSelector("input[type=file]"));
    upload.sendKeys(file.toAbsolutePath().toString());
    browser.waitUpTo(Duration.ofSeconds(30)).until(d -> "fox.png [input]".equals(
        page.executeScript("return document.getElementById('input-1-image').value")));
    browser.screenshot("run-upload");

    page.findElement(By.cssSelector("button[type=submit]")).click();
    browser.waitUpTo(Duration.ofSeconds(120)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-run-status=succeeded]")));
    WebElement image = browser.visible(By.cssSelector(".outputs img"));
    browser.loaded(image);
    assertThat(page.executeScript("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image))
        .isEqualTo(List.of(37L, 23L));
  }

  @Test
  @Order(6)
  void theOtherPagesLoad() throws Exception {
    WebDriverWait wait = browser.waitUpTo(Duration.ofSeconds(30));
    browser.open(stack.apiUrl() + "/#/reference");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#tag-jobs details")));
    assertThat(page.findElement(By.tagName("h1")).getText()).startsWith("Darkroom API");
    browser.screenshot("reference");

    browser.open(stack.apiUrl() + "/#/webhooks");
    WebElement url = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[type=url]")));
    url.sendKeys("http://127.0.0.1:9/console-hook");
    page.findElement(By.cssSelector("form button[type=submit]")).click();
    WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-secret]")));
    assertThat(secret.getText()).startsWith("whsec_");
    assertThat(page.findElement(By.tagName("table")).getText()).contains("http://127.0.0.1:9/console-hook");

    // A job ending now is notified to the endpoint, whose port refuses connections: failed attempts to show.
    String job = createdJob(2);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ConsoleBrowser.readTree(
        get("/api/v2/jobs/" + job).body()).path("status").asText().equals("succeeded"));
    page.findElement(By.xpath("//summary[.='Deliveries']")).click();
    WebElement attempt = browser.waitUpTo(Duration.ofSeconds(60)).until(d -> {
      List<WebElement> rows = d.findElements(By.cssSelector("table.deliveries tbody tr"));
      if (rows.isEmpty()) {
        d.findElement(By.xpath("//button[.='Refresh']")).click();
        return null;
      }
      return rows.get(rows.size() - 1);
    });
    assertThat(attempt.getText()).contains(job.substring(0, 8)).contains("succeeded").containsAnyOf("Failed", "Given up")
        .doesNotContain("{");
    assertThat(browser.unnamedControls()).as("controls a screen reader cannot name on Webhooks").isEmpty();
    browser.screenshot("webhooks");

    browser.open(stack.apiUrl() + "/#/keys");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//h1[.='API keys']")));
    assertThat(browser.unnamedControls()).as("controls a screen reader cannot name on API keys").isEmpty();
    browser.screenshot("keys");
  }

  /** Jobs filters by status, pages through more than a page, and cancels a job from its row. */
  @Test
  @Order(7)
  void jobsAreFilteredPagedAndCancelledFromTheList() throws Exception {
    // More cancelled jobs than one page (20) holds: long ones, so none can end otherwise first.
    for (int i = 0; i < 21; i++) {
      String id = createdJob(5000);
      HttpResponse<String> cancelled = post("/api/v2/jobs/" + id + "/cancel", "");
      assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
    }
    // A running one ends cancelled once its runner has stopped it.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ConsoleBrowser.readTree(
        get("/api/v2/jobs?status=cancelled&limit=100").body()).path("jobs").size() > 20);

    browser.open(stack.apiUrl() + "/#/jobs");
    new Select(browser.visible(By.xpath("//label[contains(., 'Status')]/select"))).selectByValue("cancelled");
    browser.waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector("tr[data-job-id]")).size() == 20);
    assertThat(page.findElements(By.cssSelector("tr[data-job-id]")))
        .allSatisfy(row -> assertThat(row.getText()).contains("cancelled"));
    page.findElement(By.xpath("//button[.='Next page']")).click();
    browser.visible(By.xpath("//span[.='Page 2']"));
    browser.waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector("tr[data-job-id]")).size() >= 1
        && d.findElements(By.cssSelector("tr[data-job-id]")).size() < 20);
    page.findElement(By.xpath("//button[.='Previous page']")).click();
    browser.visible(By.xpath("//span[.='Page 1']"));
    browser.screenshot("jobs-cancelled");

    String longJob = createdJob(5000);
    new Select(page.findElement(By.xpath("//label[contains(., 'Status')]/select"))).selectByValue("");
    WebElement row = browser.visible(By.cssSelector("tr[data-job-id='" + longJob + "']"));
    row.findElement(By.xpath(".//button[starts-with(., 'Cancel')]")).click();
    browser.waitUpTo(Duration.ofSeconds(60)).until(d -> {
      d.findElement(By.xpath("//button[.='Refresh']")).click();
      return d.findElement(By.cssSelector("tr[data-job-id='" + longJob + "']")).getText().contains("cancelled");
    });
  }

  @Test
  @Order(8)
  void itFitsAPhonesWidth() {
    page.manage().window().setSize(new Dimension(390, 844));
    try {
      for (String name : List.of("run", "jobs", "gallery")) {
        browser.open(stack.apiUrl() + "/#/" + name);
        browser.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.tagName("h1")));
        Long overflow = (Long) page.executeScript(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow).as(name + " scrolls sideways on a phone").isLessThanOrEqualTo(0L);
        browser.screenshot(name + "-phone");
      }
    } finally {
      page.manage().window().setSize(new Dimension(1280, 1000));
    }
  }

  /**
   * A page of another origin (a server of this test, on another port) submits a job with {@code fetch}
   * (a preflighted POST: JSON and an Idempotency-Key), reads the job's {@code Location} and follows
   * it to {@code succeeded}: what the api's CORS must allow for a web app hosted elsewhere.
   */
  @Test
  @Order(9)
  void aPageOnAnotherOriginSubmitsAJobAndFollowsItToSuccess() throws Exception {
    String html = """
        <!doctype html><title>another origin</title><pre id="log"></pre>
        <script type="module">
        const api = API_URL;
        const log = (line) => { document.getElementById('log').textContent += line + '\\n'; };
        try {
          const created = await fetch(api + '/api/v2/jobs', { method: 'POST', body: JSON.stringify({ prompt: WORKFLOW }),
            headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() } });
          const location = created.headers.get('Location');
          log('created ' + created.status + ' ' + location);
          let status = 'unknown';
          for (let i = 0; i < 480 && !['succeeded', 'failed', 'cancelled', 'timed_out'].includes(status); i++) {
            if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250));
            status = (await (await fetch(new URL(location, api))).json()).status;
          }
          document.body.dataset.result = status;
        } catch (e) {
          document.body.dataset.result = 'error: ' + e;
        }
        </script>
        """.replace("API_URL", "'" + stack.apiUrl() + "'").replace("WORKFLOW", sampleWith(2).toString());
    com.sun.net.httpserver.HttpServer otherOrigin = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    otherOrigin.createContext("/", exchange -> {
      byte[] body = html.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (java.io.OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    otherOrigin.start();
    try {
      String origin = "http://127.0.0.1:" + otherOrigin.getAddress().getPort();
      assertThat(origin).isNotEqualTo(stack.apiUrl());
      browser.open(origin + "/");
      String result = browser.waitUpTo(Duration.ofSeconds(120)).until(d -> (String) page.executeScript(
          "return document.body.dataset.result || null"));
      assertThat(page.findElement(By.id("log")).getText()).startsWith("created 201 /api/v2/jobs/");
      assertThat(result).isEqualTo("succeeded");
    } finally {
      otherOrigin.stop(0);
    }
  }

  /** The sd1.5 sample with this many sampler steps. */
  private com.fasterxml.jackson.databind.node.ObjectNode sampleWith(int steps) throws java.io.IOException {
    com.fasterxml.jackson.databind.node.ObjectNode sample;
    try (java.io.InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      sample = (com.fasterxml.jackson.databind.node.ObjectNode) ConsoleBrowser.readTree(
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    sample.withObject("/3/inputs").put("steps", steps);
    return sample;
  }

  /** A job of the sd1.5 sample with this many sampler steps, submitted through the API; its id. */
  private String createdJob(int steps) throws Exception {
    HttpResponse<String> created = post("/api/v2/jobs", "{\"prompt\": " + sampleWith(steps) + "}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return ConsoleBrowser.readTree(created.body()).get("id").asText();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
