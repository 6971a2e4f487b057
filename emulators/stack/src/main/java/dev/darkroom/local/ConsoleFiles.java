package dev.darkroom.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The Darkroom console (clients/console, built into its {@code dist/}) on the edge: {@code GET /}
 * and {@code /console/...}, paths no API route uses; every other request goes on to {@code next}
 * untouched. {@code /console/config.json} tells the page what it runs against (authentication,
 * the Auth emulator, the simulated engine), as the cloud's hosting would with its own file.
 */
final class ConsoleFiles extends Handler.Wrapper {
  static final String PREFIX = "/console/";
  static final String CONFIG = PREFIX + "config.json";
  /** Where {@code ./darkroom} and the stack's tests put the built console; unset: {@code clients/console/dist}. */
  static final String DIR_PROPERTY = "darkroom.console.dir";

  /**
   * What the page needs to know about this stack.
   *
   * @param authEmulatorHost host:port of the Firebase Auth emulator, or null when auth is off
   */
  record Settings(String projectId, String authEmulatorHost, boolean simulatedEngine) {
    boolean authOn() {
      return authEmulatorHost != null;
    }

    byte[] json() {
      ObjectNode config = new ObjectMapper().createObjectNode();
      config.put("auth", authOn());
      config.put("simulatedEngine", simulatedEngine);
      if (authOn()) {
        ObjectNode firebase = config.putObject("firebase");
        firebase.put("projectId", projectId);
        // The Auth emulator accepts any API key; the cloud's hosting serves the project's web key.
        firebase.put("apiKey", "local-auth-emulator");
        firebase.put("authEmulatorUrl", "http://" + authEmulatorHost);
      }
      return config.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  private final Path dist;
  private final byte[] config;
  private final ResourceHandler files;

  ConsoleFiles(Path dist, Settings settings, Handler next) {
    super(next);
    this.dist = dist;
    this.config = settings.json();
    this.files = new ResourceHandler();
    files.setBaseResource(ResourceFactory.of(this).newResource(dist));
    files.setDirAllowed(false);
    files.setWelcomeFiles("index.html");
    files.setWelcomeMode(ResourceService.WelcomeMode.SERVE);
    // The file names are not hashed: a browser revalidates (ETag) rather than keeps a stale bundle.
    files.setCacheControl("no-cache");
    addBean(files);
  }

  /** The file handler is this handler's own, not in the server's chain: it learns the server here. */
  @Override
  public void setServer(org.eclipse.jetty.server.Server server) {
    super.setServer(server);
    files.setServer(server);
  }

  /** The built console's directory: {@value #DIR_PROPERTY}, else clients/console/dist under the working directory. */
  static Path defaultDir() {
    String configured = System.getProperty(DIR_PROPERTY);
    return Path.of(configured != null && !configured.isBlank() ? configured : "clients/console/dist").toAbsolutePath().normalize();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (!path.equals("/") && !path.startsWith(PREFIX)) {
      return super.handle(request, response, callback);
    }
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      Response.writeError(request, response, callback, 405, "the console's files are only read");
      return true;
    }
    if (path.equals(CONFIG)) {
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.write(true, method.equals("HEAD") ? java.nio.ByteBuffer.allocate(0) : java.nio.ByteBuffer.wrap(config), callback);
      return true;
    }
    if (!Files.isRegularFile(dist.resolve("index.html"))) {
      Response.writeError(request, response, callback, 404,
          "the console is not built in " + dist + ": ./darkroom up builds it (or: cd clients/console && npm ci && npm run build)");
      return true;
    }
    if (files.handle(request, response, callback)) {
      return true;
    }
    Response.writeError(request, response, callback, 404, "no such file of the console");
    return true;
  }
}
