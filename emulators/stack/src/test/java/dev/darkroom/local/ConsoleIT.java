package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console at {@code /}, in Debian's headless Chromium driven by Debian's chromedriver, the way
 * a person uses it: pick a sample, edit an input, run it and see its image; find it in Jobs and
 * the Gallery; cancel a running job; read the API reference; on a phone's width. Every page load
 * is checked for script errors and for requests to any host but this machine. Screenshots of each
 * page go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  @TempDir static Path dataDir;
  private static LocalStack stack;
  private static ChromeDriver browser;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Path console = ConsoleFiles.defaultDir();
    assertThat(console.resolve("index.html"))
        .as("the console must be built first (./darkroom test does it: cd clients/console && npm ci && npm run build)")
        .exists();
    assertThat(Path.of(CHROMIUM)).as("Debian's chromium (./darkroom test installs it)").exists();
    assertThat(Path.of(CHROMEDRIVER)).as("Debian's chromium-driver (./darkroom test installs it)").exists();
    Files.createDirectories(SCREENSHOTS);
    // Steps slow enough that a long run can be watched and cancelled, fast enough for a sample to end in seconds.
    stack = LocalStack.start(new LocalStack.Options("darkroom-console", 0, dataDir, Duration.ofMillis(20), null));
    browser = startBrowser();
  }

  /** The system's Chromium and chromedriver, named outright, so Selenium Manager downloads nothing. */
  private static ChromeDriver startBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--no-first-run", "--window-size=1280,1000");
    // The page's console messages and every request it makes (DevTools' Network events).
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL", LogType.PERFORMANCE, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }

  @AfterAll
  static void stop() {
    Resources.closeAll(browser == null ? null : browser::quit, stack);
  }

  /** After every test: no script error, no failed load, and no request to another host. */
  @AfterEach
  void nothingWentToAnotherHostAndNoScriptFailed(TestInfo test) {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue() && !expectedFailure(entry.getMessage())) {
        errors.add(entry.getMessage());
      }
    }
    List<String> elsewhere = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = readTree(entry.getMessage()).path("message");
      if (message.path("method").asText().equals("Network.requestWillBeSent")) {
        String url = message.at("/params/request/url").asText();
        if (!onThisMachine(url)) {
          elsewhere.add(url);
        }
      }
    }
    assertThat(errors).as("browser console errors during " + test.getDisplayName()).isEmpty();
    assertThat(elsewhere).as("requests to another host during " + test.getDisplayName()).isEmpty();
  }

  /** A failure a test provokes on purpose and the page shows as a sentence (the browser logs the 4xx too). */
  private static boolean expectedFailure(String message) {
    return message.contains("/api/v2/jobs - Failed to load resource: the server responded with a status of 400")
        || message.contains("/api/v2/keys - Failed to load resource: the server responded with a status of 40");
  }

  private static boolean onThisMachine(String url) {
    if (url.startsWith("data:") || url.startsWith("blob:") || url.startsWith("about:")) {
      return true;
    }
    String host = URI.create(url).getHost();
    return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void aSampleRunsFromTheFormAndItsImageAppears() throws Exception {
    browser.manage().window().setSize(new Dimension(1280, 1000));
    browser.get(stack.apiUrl() + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-notice=simulated-engine]")));
    assertThat(browser.findElement(By.cssSelector("[data-notice=auth-off]")).getText()).contains("Authentication is off");

    new Select(browser.findElement(By.name("sample"))).selectByValue("sd1.5-txt2img");
    WebElement text = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("input-6-text")));
    retype(text, "a lighthouse at dusk, long exposure");
    WebElement steps = browser.findElement(By.id("input-3-steps"));
    assertThat(steps.getAttribute("type")).isEqualTo("number");
    assertThat(new Select(browser.findElement(By.id("input-3-sampler_name"))).getOptions())
        .as("choices come from /object_info").hasSizeGreaterThan(1);
    screenshot("run");

    browser.findElement(By.cssSelector("button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(120)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-run-status=succeeded]")));
    WebElement image = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".outputs img")));
    wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", image));
    assertThat(browser.findElement(By.cssSelector("[aria-live=polite]")).getText()).startsWith("Done: 1 output");
    assertThat(browser.findElement(By.cssSelector(".outputs a[download]")).getText()).startsWith("Download ");
    screenshot("run-succeeded");

    // What ran is what the form said.
    String jobId = browser.findElement(By.cssSelector(".progress h2 code")).getText();
    JsonNode history = readTree(get("/history/" + jobId).body());
    assertThat(history.at("/" + jobId + "/prompt/2/6/inputs/text").asText()).isEqualTo("a lighthouse at dusk, long exposure");

    browser.get(stack.apiUrl() + "/#/jobs");
    WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-job-id='" + jobId + "']")));
    assertThat(row.getText()).contains("succeeded");
    screenshot("jobs");
    row.findElement(By.tagName("a")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".job .outputs img")));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".job pre.json")));
    screenshot("job");

    browser.get(stack.apiUrl() + "/#/gallery");
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".gallery .thumb"))).click();
    WebElement full = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog img")));
    wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", full));
    screenshot("gallery");
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void aRunningJobIsCancelledFromTheRunPage() {
    browser.get(stack.apiUrl() + "/#/run");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("sample")))).selectByValue("sd1.5-txt2img");
    WebElement steps = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("input-3-steps")));
    retype(steps, "5000");
    steps.sendKeys(Keys.TAB);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(90)).until(d -> d.findElement(By.cssSelector("[aria-live=polite]"))
        .getText().startsWith("Running KSampler"));
    screenshot("run-progress");
    browser.findElement(By.xpath("//button[normalize-space()='Cancel']")).click();
    new WebDriverWait(browser, Duration.ofSeconds(90)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-run-status=cancelled]")));
    assertThat(browser.findElement(By.cssSelector("[aria-live=polite]")).getText()).isEqualTo("Cancelled.");
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void aRefusedWorkflowIsExplainedInASentence() {
    browser.get(stack.apiUrl() + "/#/run");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.name("sample")));
    browser.findElement(By.tagName("summary")).click();
    WebElement workflow = browser.findElement(By.name("workflow"));
    retype(workflow, "{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}");
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form [role=alert]")));
    assertThat(error.getText()).doesNotStartWith("{").contains("NoSuchNode").endsWith(".");
    screenshot("run-refused");
  }

  @Test
  @org.junit.jupiter.api.Order(4)
  void theOtherPagesLoad() {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    browser.get(stack.apiUrl() + "/#/reference");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#tag-jobs details")));
    assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Darkroom API");
    screenshot("reference");

    browser.get(stack.apiUrl() + "/#/webhooks");
    WebElement url = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[type=url]")));
    url.sendKeys("http://127.0.0.1:9/console-hook");
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-secret]")));
    assertThat(secret.getText()).startsWith("whsec_");
    assertThat(browser.findElement(By.tagName("table")).getText()).contains("http://127.0.0.1:9/console-hook");
    screenshot("webhooks");

    browser.get(stack.apiUrl() + "/#/keys");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//h1[.='API keys']")));
    screenshot("keys");
  }

  @Test
  @org.junit.jupiter.api.Order(5)
  void itFitsAPhonesWidth() {
    browser.manage().window().setSize(new Dimension(390, 844));
    try {
      for (String page : List.of("run", "jobs", "gallery")) {
        browser.get(stack.apiUrl() + "/#/" + page);
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.tagName("h1")));
        Long overflow = (Long) browser.executeScript(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow).as(page + " scrolls sideways on a phone").isLessThanOrEqualTo(0L);
        screenshot(page + "-phone");
      }
    } finally {
      browser.manage().window().setSize(new Dimension(1280, 1000));
    }
  }

  /** As a person replaces a field's text: select all, type over it (so the page sees input events). */
  private static void retype(WebElement field, String text) {
    field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    field.sendKeys(text);
  }

  /** The whole page, not only what the window shows: the window grows to the page's height for the shot. */
  private void screenshot(String name) {
    Dimension window = browser.manage().window().getSize();
    long height = (Long) browser.executeScript("return document.documentElement.scrollHeight");
    browser.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(Math.max(height + 150, window.getHeight()), 6000)));
    try {
      Files.write(SCREENSHOTS.resolve("console-" + name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      browser.manage().window().setSize(window);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
