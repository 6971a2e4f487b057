package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge's console files: {@code /} and {@code /console/...} from the built directory, every other path untouched. */
class ConsoleFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private Server server;

  @TempDir Path dir;

  /** A server whose "api" answers every request it gets with {@code api:PATH}. */
  private String serve(Path dist, ConsoleFiles.Settings settings) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new ConsoleFiles(dist, settings, new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(200);
        Content.Sink.write(response, true, "api:" + request.getMethod() + " " + Request.getPathInContext(request), callback);
        return true;
      }
    }));
    server.start();
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private Path builtConsole() throws Exception {
    Path dist = dir.resolve("dist");
    Files.createDirectories(dist.resolve("console"));
    Files.writeString(dist.resolve("index.html"), "<!doctype html><title>console</title>");
    Files.writeString(dist.resolve("console/app.js"), "console.log('app')");
    Files.writeString(dir.resolve("secret.txt"), "not for the web");
    return dist;
  }

  private HttpResponse<String> send(String base, String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void theRootAndTheConsolePathsAreTheBuiltFiles() throws Exception {
    String base = serve(builtConsole(), new ConsoleFiles.Settings("p", null, true));

    HttpResponse<String> index = send(base, "GET", "/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(index.body()).isEqualTo("<!doctype html><title>console</title>");

    HttpResponse<String> script = send(base, "GET", "/console/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    assertThat(script.body()).isEqualTo("console.log('app')");

    assertThat(send(base, "GET", "/console/missing.js").statusCode()).isEqualTo(404);
    HttpResponse<String> folder = send(base, "GET", "/console/");
    assertThat(folder.statusCode()).as("no folder listing").isIn(403, 404);
    assertThat(folder.body()).doesNotContain("app.js");
    HttpResponse<String> outside = send(base, "GET", "/console/%2e%2e/%2e%2e/secret.txt");
    assertThat(outside.statusCode()).isBetween(400, 404);
    assertThat(outside.body()).doesNotContain("not for the web");
  }

  @Test
  void everyOtherPathGoesOnUntouched() throws Exception {
    String base = serve(builtConsole(), new ConsoleFiles.Settings("p", null, true));
    for (String path : new String[] {"/prompt", "/api/prompt", "/history", "/view", "/object_info", "/api/v2/jobs", "/ws",
        "/index.html", "/consoles", "/api/", "/app.js"}) {
      HttpResponse<String> answer = send(base, "GET", path);
      assertThat(answer.body()).as(path).isEqualTo("api:GET " + path);
    }
    assertThat(send(base, "POST", "/prompt").body()).isEqualTo("api:POST /prompt");
    assertThat(send(base, "OPTIONS", "/api/v2/jobs").body()).isEqualTo("api:OPTIONS /api/v2/jobs");
  }

  @Test
  void theConsoleIsOnlyRead() throws Exception {
    String base = serve(builtConsole(), new ConsoleFiles.Settings("p", null, true));
    for (String method : new String[] {"POST", "PUT", "DELETE"}) {
      HttpResponse<String> answer = send(base, method, "/");
      assertThat(answer.statusCode()).as(method).isEqualTo(405);
      assertThat(answer.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
  }

  @Test
  void theConfigurationSaysWhetherAuthIsOnAndTheEngineSimulated() throws Exception {
    String base = serve(builtConsole(), new ConsoleFiles.Settings("p", null, true));
    HttpResponse<String> off = send(base, "GET", "/console/config.json");
    assertThat(off.statusCode()).isEqualTo(200);
    assertThat(off.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode config = JSON.readTree(off.body());
    assertThat(config.get("auth").asBoolean()).isFalse();
    assertThat(config.get("simulatedEngine").asBoolean()).isTrue();
    assertThat(config.has("firebase")).isFalse();
    server.stop();

    base = serve(builtConsole(), new ConsoleFiles.Settings("demo-project", "127.0.0.1:9099", false));
    config = JSON.readTree(send(base, "GET", "/console/config.json").body());
    assertThat(config.get("auth").asBoolean()).isTrue();
    assertThat(config.get("simulatedEngine").asBoolean()).isFalse();
    assertThat(config.at("/firebase/projectId").asText()).isEqualTo("demo-project");
    assertThat(config.at("/firebase/authEmulatorUrl").asText()).isEqualTo("http://127.0.0.1:9099");
  }

  @Test
  void anUnbuiltConsoleSaysHowToBuildIt() throws Exception {
    String base = serve(dir.resolve("never-built"), new ConsoleFiles.Settings("p", null, true));
    HttpResponse<String> answer = send(base, "GET", "/");
    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.body()).contains("the console is not built").contains("npm run build");
    assertThat(send(base, "GET", "/prompt").body()).isEqualTo("api:GET /prompt");
  }
}
