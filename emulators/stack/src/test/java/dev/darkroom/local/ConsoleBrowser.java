package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver, for the console's tests: both
 * named outright, so Selenium Manager downloads nothing. It records the page's console messages and
 * every request the page makes, and saves whole-page screenshots under {@code target/screenshots/}.
 */
final class ConsoleBrowser implements AutoCloseable {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final ObjectMapper JSON = new ObjectMapper();

  final ChromeDriver driver;

  private ConsoleBrowser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Fails with what to install or build when the browser, its driver or the built console is missing. */
  static void checkPrerequisites() throws IOException {
    assertThat(ConsoleFiles.defaultDir().resolve("index.html"))
        .as("the console must be built first (./darkroom test does it: cd clients/console && npm ci && npm run build)")
        .exists();
    assertThat(Path.of(CHROMIUM)).as("Debian's chromium (./darkroom test installs it)").exists();
    assertThat(Path.of(CHROMEDRIVER)).as("Debian's chromium-driver (./darkroom test installs it)").exists();
    Files.createDirectories(SCREENSHOTS);
  }

  static ConsoleBrowser start() {
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
    return new ConsoleBrowser(driver);
  }

  /** Loads the page afresh, even when only its fragment differs from the page shown now. */
  void open(String url) {
    driver.get("about:blank");
    driver.get(url);
  }

  /** A wait that looks again when the page re-rendered what it was reading. */
  WebDriverWait waitUpTo(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout);
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  WebElement visible(By locator) {
    return waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  /** Waits until the image has loaded and has pixels. */
  void loaded(WebElement image) {
    waitUpTo(Duration.ofSeconds(30)).until(d -> (Boolean) driver.executeScript(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", image));
  }

  /**
   * What a screen reader would find unnamed on the page now: form controls without a label and
   * buttons or links without text or {@code aria-label}.
   */
  @SuppressWarnings("unchecked")
  List<String> unnamedControls() {
    return (List<String>) driver.executeScript("""
        const unnamed = [];
        for (const c of document.querySelectorAll('input, select, textarea')) {
          if (c.type === 'hidden') continue;
          if (!(c.labels && c.labels.length) && !c.getAttribute('aria-label')) unnamed.push(c.outerHTML.slice(0, 120));
        }
        for (const c of document.querySelectorAll('button, a[href]')) {
          if (!c.textContent.trim() && !c.getAttribute('aria-label')) unnamed.push(c.outerHTML.slice(0, 120));
        }
        return unnamed;""");
  }

  /** As a person replaces a field's text: select all, type over it (so the page sees input events). */
  static void retype(WebElement field, String text) {
    field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    field.sendKeys(text);
  }

  /** The whole page, not only what the window shows: the window grows to the page's height for the shot. */
  void screenshot(String name) {
    Dimension window = driver.manage().window().getSize();
    long height = (Long) driver.executeScript("return document.documentElement.scrollHeight");
    driver.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(Math.max(height + 150, window.getHeight()), 6000)));
    try {
      Files.write(SCREENSHOTS.resolve("console-" + name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(window);
    }
  }

  /**
   * Since the last call: no console error (but those {@code expected} names, a failure a test
   * provokes and the page explains), no request to any host but this machine, and some requests
   * seen at all (so the check cannot pass for want of a log).
   */
  void assertNoErrorAndNothingElsewhere(String during, Predicate<String> expected) {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue() && !expected.test(entry.getMessage())) {
        errors.add(entry.getMessage());
      }
    }
    List<String> requested = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = readTree(entry.getMessage()).path("message");
      if (message.path("method").asText().equals("Network.requestWillBeSent")) {
        requested.add(message.at("/params/request/url").asText());
      }
    }
    assertThat(errors).as("browser console errors during " + during).isEmpty();
    assertThat(requested).as("requests the page made during " + during).isNotEmpty();
    assertThat(requested.stream().filter(url -> !onThisMachine(url)).toList())
        .as("requests to another host during " + during).isEmpty();
  }

  private static boolean onThisMachine(String url) {
    if (url.startsWith("data:") || url.startsWith("blob:") || url.startsWith("about:")) {
      return true;
    }
    String host = URI.create(url).getHost();
    return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
  }

  static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
