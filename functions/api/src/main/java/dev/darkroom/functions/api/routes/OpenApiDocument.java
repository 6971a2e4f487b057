package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.common.base.Suppliers;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /api/v2/openapi.yaml} and {@code /api/v2/openapi.json}: the OpenAPI 3.1 document of
 * every public route ({@code openapi.yaml} in this jar, checked against the routing table by
 * {@code OpenApiTest}). Served without a credential: it describes the API and holds no data, and
 * client generators and API explorers fetch it before anyone signs in.
 */
public final class OpenApiDocument implements RouteGroup {
  public static final String RESOURCE = "/openapi.yaml";

  private final Supplier<byte[]> yaml = Suppliers.memoize(OpenApiDocument::read);
  private final Supplier<byte[]> json = Suppliers.memoize(() -> {
    try {
      JsonNode tree = new YAMLMapper().readTree(yaml.get());
      return Replies.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("openapi.yaml is not YAML", e);
    }
  });

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/v2/openapi.yaml", this::yaml, true),
        new Route("GET", "/v2/openapi.json", this::json, true));
  }

  void yaml(Call call) throws IOException {
    send(call, "application/yaml; charset=utf-8", yaml.get());
  }

  void json(Call call) throws IOException {
    send(call, "application/json; charset=utf-8", json.get());
  }

  private static void send(Call call, String contentType, byte[] body) throws IOException {
    call.response().setStatusCode(200);
    call.response().setContentType(contentType);
    call.response().appendHeader("Cache-Control", "public, max-age=300");
    try (OutputStream out = call.response().getOutputStream()) {
      out.write(body);
    }
  }

  private static byte[] read() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the api's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
