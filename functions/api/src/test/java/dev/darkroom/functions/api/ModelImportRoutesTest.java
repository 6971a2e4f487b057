package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.models.ModelImports;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code POST /api/v2/models/imports} and {@code GET /api/v2/models/{folder}/{name}}, over fakes. */
class ModelImportRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "hf_SecretTokenThatMustNeverShow123";

  private final ComfyApi admin = api("admin-1");
  private final ComfyApi bob = api("bob");
  /** The fixture's store and launches are shared: this test's models have names of their own. */
  private final String name = "imports-" + UUID.randomUUID() + ".safetensors";
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  private static ComfyApi api(String user) {
    return ApiFixture.api(new InMemoryJobStore(), new RecordingJobQueue(), new InMemoryOutputStore(),
        new InMemoryLedger(), null, ApiFixture.as(() -> user));
  }

  @BeforeEach
  void captureLogs() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  private static String body(String url, String folder, String name, String sha256, String token) {
    ObjectNode body = JSON.createObjectNode().put("url", url).put("folder", folder).put("name", name);
    if (sha256 != null) {
      body.put("sha256", sha256);
    }
    if (token != null) {
      body.put("token", token);
    }
    return body.toString();
  }

  private String importing(String url) {
    return body(url, "loras", name, "AB".repeat(32), TOKEN);
  }

  private static long launchesOf(String objectName) {
    return ApiFixture.IMPORT_LAUNCHES.stream().filter(launch -> launch.startsWith(objectName + "#")).count();
  }

  @Test
  void anAdminsImportIsRecordedAsImportingLaunchedOnceAndAnsweredWithItsLocation() throws Exception {
    String url = "https://hub.example.com/org/repo/resolve/main/lora.safetensors?download=true&sig=abc";
    FakeHttp.Response response = FakeHttp.call(admin, "POST", "/api/v2/models/imports", importing(url));

    assertThat(response.status).as(response.text()).isEqualTo(202);
    JsonNode model = JSON.readTree(response.text());
    assertThat(model.path("state").asText()).isEqualTo("importing");
    assertThat(model.path("sha256").asText()).isEqualTo("ab".repeat(32));
    assertThat(model.path("added_by").asText()).isEqualTo("admin-1");
    assertThat(model.path("import").path("source").asText())
        .as("the query, where signed links carry credentials, is not shown")
        .isEqualTo("https://hub.example.com/org/repo/resolve/main/lora.safetensors");
    assertThat(model.path("import").path("bytes_done").asLong()).isZero();
    assertThat(model.path("import").path("bytes_total").isNull()).isTrue();
    String location = response.headers.get("Location").get(0);
    assertThat(location).isEqualTo("/api/v2/models/loras/" + name);
    assertThat(launchesOf("loras/" + name)).isEqualTo(1);

    ModelRecord stored = ApiFixture.MODELS.get("loras", name).orElseThrow();
    assertThat(stored.state()).isEqualTo(State.IMPORTING);
    assertThat(stored.imported().id()).isEqualTo(ModelImports.importId("loras", name, url));
    assertThat(stored.imported().execution()).startsWith("projects/p/locations/r/jobs/model-import/executions/");

    FakeHttp.Response shown = FakeHttp.call(bob, "GET", location, null);
    assertThat(shown.status).as("anyone may follow the progress").isEqualTo(200);
    assertThat(JSON.readTree(shown.text()).path("state").asText()).isEqualTo("importing");
  }

  @Test
  void aRetriedRequestFindsItsImportAndStartsNoSecondJob() throws Exception {
    String url = "https://hub.example.com/lora.safetensors";
    assertThat(FakeHttp.call(admin, "POST", "/api/v2/models/imports", importing(url)).status).isEqualTo(202);
    FakeHttp.Response again = FakeHttp.call(admin, "POST", "/api/v2/models/imports", importing(url));

    assertThat(again.status).isEqualTo(202);
    assertThat(JSON.readTree(again.text()).path("state").asText()).isEqualTo("importing");
    assertThat(launchesOf("loras/" + name)).isEqualTo(1);
  }

  @Test
  void anotherUrlForANameBeingImportedOrAReadyFileIsAConflict() throws Exception {
    assertThat(FakeHttp.call(admin, "POST", "/api/v2/models/imports",
        importing("https://hub.example.com/one.safetensors")).status).isEqualTo(202);
    FakeHttp.Response other = FakeHttp.call(admin, "POST", "/api/v2/models/imports",
        importing("https://hub.example.com/two.safetensors"));
    assertThat(other.status).isEqualTo(409);
    assertThat(other.text()).contains("being imported from another URL");

    String readyName = "ready-" + name;
    ApiFixture.MODELS.put(new ModelRecord("loras", readyName, 5, 100, "cd".repeat(32), State.READY, null, 1,
        new TreeMap<>(Map.of("F16", 1)), ApiFixture.CLOCK.instant(), "admin-2"));
    FakeHttp.Response ready = FakeHttp.call(admin, "POST", "/api/v2/models/imports",
        body("https://hub.example.com/one.safetensors", "loras", readyName, null, null));
    assertThat(ready.status).isEqualTo(409);
    assertThat(ready.text()).contains("already exists (ready)");
    assertThat(launchesOf("loras/" + readyName)).isZero();
  }

  @Test
  void onlyThoseWhoManageModelsMayImport() throws Exception {
    FakeHttp.Response response = FakeHttp.call(bob, "POST", "/api/v2/models/imports",
        importing("https://hub.example.com/lora.safetensors"));

    assertThat(response.status).isEqualTo(403);
    assertThat(ApiFixture.MODELS.get("loras", name)).isEmpty();
  }

  @Test
  void aUrlTheOutboundPolicyRefusesIsA400NamingUrlAndRecordsNothing() throws Exception {
    for (String url : List.of("http://hub.example.com/lora.safetensors", "https://127.0.0.1/lora.safetensors",
        "https://169.254.169.254/computeMetadata/v1/", "https://models.internal.test/lora.safetensors",
        "https://localhost:8443/lora.safetensors", "ftp://hub.example.com/lora.safetensors", "not a url")) {
      FakeHttp.Response response = FakeHttp.call(admin, "POST", "/api/v2/models/imports", importing(url));

      assertThat(response.status).as(url + ": " + response.text()).isEqualTo(400);
      JsonNode error = JSON.readTree(response.text()).path("error");
      assertThat(error.path("fields").get(0).path("field").asText()).as(url).isEqualTo("url");
    }
    assertThat(ApiFixture.MODELS.get("loras", name)).isEmpty();
    assertThat(launchesOf("loras/" + name)).isZero();
  }

  @Test
  void foldersNamesAndChecksumsAreCheckedLikeComfyUIs() throws Exception {
    Map<String, String> wrongField = Map.of(
        body("https://hub.example.com/a.safetensors", "plugins", name, null, null), "folder",
        body("https://hub.example.com/a.safetensors", "loras", "../../etc/passwd.safetensors", null, null), "name",
        body("https://hub.example.com/a.safetensors", "loras", "model.exe", null, null), "name",
        body("https://hub.example.com/a.safetensors", "loras", name, "not-hex", null), "sha256",
        body("https://hub.example.com/a.safetensors", "loras", name, null, "two words"), "token",
        "{\"folder\":\"loras\",\"name\":\"x.safetensors\"}", "url");
    for (Map.Entry<String, String> request : wrongField.entrySet()) {
      FakeHttp.Response response = FakeHttp.call(admin, "POST", "/api/v2/models/imports", request.getKey());

      assertThat(response.status).as(request.getKey()).isEqualTo(400);
      assertThat(JSON.readTree(response.text()).path("error").path("fields").get(0).path("field").asText())
          .as(request.getKey()).isEqualTo(request.getValue());
      assertThat(response.text()).doesNotContain("two words");
    }
  }

  @Test
  void theTokenIsSealedInTheRecordAndNeverAnsweredNorLogged() throws Exception {
    String url = "https://hub.example.com/gated/lora.safetensors";
    FakeHttp.Response response = FakeHttp.call(admin, "POST", "/api/v2/models/imports", importing(url));
    FakeHttp.Response listed = FakeHttp.call(admin, "GET", "/api/v2/models?folder=loras", null);

    assertThat(response.status).isEqualTo(202);
    ModelRecord stored = ApiFixture.MODELS.get("loras", name).orElseThrow();
    assertThat(stored.imported().sealedToken()).doesNotContain(TOKEN).startsWith("v1:");
    assertThat(ApiFixture.TOKEN_SEALER.open(stored.imported().sealedToken(), stored.imported().id()))
        .as("the job opens it with the same key").isEqualTo(TOKEN);
    assertThat(stored.toString()).doesNotContain(TOKEN);
    assertThat(response.text()).doesNotContain(TOKEN).doesNotContain(stored.imported().sealedToken());
    assertThat(listed.text()).doesNotContain(TOKEN).doesNotContain(stored.imported().sealedToken());
    assertThat(logs.list).as("the start was logged").isNotEmpty();
    assertThat(logs.list).allSatisfy(event -> assertThat(event.getFormattedMessage()).doesNotContain(TOKEN));
  }

  @Test
  void aModelThatDoesNotExistIsA404() throws Exception {
    assertThat(FakeHttp.call(bob, "GET", "/api/v2/models/loras/none-" + name, null).status).isEqualTo(404);
    assertThat(FakeHttp.call(bob, "GET", "/api/v2/models/plugins/" + name, null).status).isEqualTo(404);
  }
}
