package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.emulators.firebase.FirebaseAuthEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console with auth on, in headless Chromium ({@link ConsoleBrowser}): a person signs in
 * through the Firebase Auth emulator, runs a sample and sees its image (the job's stream opened
 * with a stream ticket), creates an API key that is shown once and revokes it, signs out; a second
 * person signs in and sees none of the first one's jobs.
 */
class ConsoleAuthIT {
  private static final String PROJECT = "darkroom-console-auth";

  @TempDir static Path dataDir;
  private static FirebaseAuthEmulator firebase;
  private static LocalStack stack;
  private static ConsoleBrowser browser;
  private static ChromeDriver page;

  @BeforeAll
  static void start() throws Exception {
    ConsoleBrowser.checkPrerequisites();
    firebase = FirebaseAuthEmulator.start(0, PROJECT);
    stack = LocalStack.start(new LocalStack.Options(PROJECT, 0, dataDir, Duration.ofMillis(5), null)
        .withAuth(firebase.hostPort(), Map.of()));
    firebase.createUser("alice@example.com", "alice-password");
    firebase.createUser("bob@example.com", "bob-password");
    browser = ConsoleBrowser.start();
    page = browser.driver;
  }

  @AfterAll
  static void stop() {
    Resources.closeAll(browser, stack, firebase);
  }

  @AfterEach
  void noScriptErrorAndNothingFromAnotherHost(TestInfo test) {
    browser.assertNoErrorAndNothingElsewhere(test.getDisplayName(), message -> false);
  }

  @Test
  void eachPersonSignsInAndSeesOnlyTheirOwnJobs() {
    browser.open(stack.apiUrl() + "/");
    browser.visible(By.xpath("//h1[.='Sign in']"));
    assertThat(page.findElements(By.cssSelector("[data-notice=auth-off]"))).as("auth is on").isEmpty();
    assertThat(page.findElement(By.cssSelector("[data-notice=simulated-engine]")).isDisplayed()).isTrue();
    assertThat(browser.unnamedControls()).as("controls a screen reader cannot name on Sign in").isEmpty();
    browser.screenshot("signin");
    signIn("alice@example.com", "alice-password");

    new Select(browser.visible(By.name("sample"))).selectByValue("sd1.5-txt2img");
    browser.visible(By.id("input-3-seed"));
    page.findElement(By.cssSelector("button[type=submit]")).click();
    browser.waitUpTo(Duration.ofSeconds(120)).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-run-status=succeeded]")));
    browser.loaded(browser.visible(By.cssSelector(".outputs img")));
    String jobId = page.findElement(By.cssSelector(".progress h2 code")).getText();

    browser.open(stack.apiUrl() + "/#/jobs");
    browser.visible(By.cssSelector("tr[data-job-id='" + jobId + "']"));
    assertThat(page.findElements(By.cssSelector("tr[data-job-id]"))).hasSize(1);

    browser.open(stack.apiUrl() + "/#/keys");
    ConsoleBrowser.retype(browser.visible(By.xpath("//label[contains(., 'Name of the new key')]/input")), "console test");
    page.findElement(By.xpath("//button[.='Create a key']")).click();
    WebElement key = browser.visible(By.cssSelector("[data-secret]"));
    assertThat(key.getText()).isNotBlank();
    WebElement row = browser.visible(By.cssSelector("tr[data-key-id]"));
    assertThat(row.getText()).contains("console test").contains("active");
    browser.screenshot("keys-created");
    row.findElement(By.xpath(".//button[.='Revoke']")).click();
    browser.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector("tr[data-key-id]"), "revoked"));

    page.findElement(By.xpath("//button[.='Sign out']")).click();
    browser.visible(By.xpath("//h1[.='Sign in']"));
    signIn("bob@example.com", "bob-password");
    browser.open(stack.apiUrl() + "/#/jobs");
    browser.visible(By.xpath("//p[starts-with(., 'No jobs yet')]"));
    assertThat(page.findElements(By.cssSelector("tr[data-job-id]"))).as("bob sees none of alice's jobs").isEmpty();
    browser.screenshot("jobs-other-user");
  }

  private void signIn(String email, String password) {
    ConsoleBrowser.retype(browser.visible(By.name("email")), email);
    ConsoleBrowser.retype(page.findElement(By.name("password")), password);
    page.findElement(By.xpath("//button[.='Sign in']")).click();
    browser.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
        By.cssSelector(".who"), "Signed in as " + email));
  }
}
