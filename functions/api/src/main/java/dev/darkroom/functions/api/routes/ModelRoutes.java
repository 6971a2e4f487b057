package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.models.ModelPaths;
import dev.darkroom.core.port.ModelStore;
import dev.darkroom.core.usecase.ManageModels;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.ModelResource;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code /api/v2/models}: every model file of the deployment and its state ({@code ready},
 * {@code checking}, {@code refused} with the reason), as the models function recorded it, for every
 * signed-in user (they are what prompts may name); and for administrators, {@code POST uploads}
 * (a signed URL that uploads straight into the models bucket) and {@code DELETE {folder}/{name}}
 * ({@link ManageModels}).
 */
public final class ModelRoutes implements RouteGroup {
  private static final String PREFIX = "/v2/models/";

  private final ModelStore models;
  private final ManageModels manage;

  public ModelRoutes(ModelStore models, ManageModels manage) {
    this.models = models;
    this.manage = manage;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/v2/models", this::list),
        new Route("POST", "/v2/models/uploads", this::upload),
        new Route("DELETE", PREFIX, this::delete));
  }

  void list(Call call) throws IOException {
    String folder = call.query("folder");
    if (folder != null && !ModelPaths.FOLDERS.contains(folder)) {
      Replies.apiError(call.response(), 400, "folder must be one of ComfyUI's model folders "
          + new java.util.TreeSet<>(ModelPaths.FOLDERS));
      return;
    }
    ObjectNode reply = Replies.JSON.createObjectNode();
    var array = reply.putArray("models");
    models.list(folder).forEach(model -> array.add(ModelResource.of(model)));
    Replies.json(call.response(), 200, reply);
  }

  /** {@code {folder, name, size, sha256?}} answered by {@code {upload_url, method, headers, expires_at}}. */
  void upload(Call call) throws IOException {
    JsonNode body = RequestBodies.json(RequestBodies.read(call.request(), InputLimits.CONTROL_BODY_BYTES)).orElse(null);
    if (body == null || !body.isObject()) {
      throw new Replies.ApiError(400, "the body must be a JSON object {folder, name, size, sha256?}");
    }
    String folder = text(body, "folder", true);
    String name = text(body, "name", true);
    String sha256 = text(body, "sha256", false);
    JsonNode size = body.get("size");
    if (size == null || !size.canConvertToLong() || !size.isIntegralNumber()) {
      throw new Replies.ApiError(400, "size must be the file's size in bytes (an integer)");
    }
    ManageModels.Upload upload = manage.startUpload(call.caller(), folder, name, size.asLong(), sha256);
    if (upload instanceof ManageModels.Upload.Refused refused) {
      throw new Replies.ApiError(refused.status(), refused.message());
    }
    ManageModels.Upload.Started started = (ManageModels.Upload.Started) upload;
    ObjectNode reply = Replies.JSON.createObjectNode();
    reply.put("upload_url", started.upload().url().toString());
    reply.put("method", started.upload().method());
    ObjectNode headers = reply.putObject("headers");
    new java.util.TreeMap<>(started.upload().headers()).forEach(headers::put);
    reply.put("expires_at", started.upload().expiresAt().toString());
    reply.set("model", ModelResource.of(started.announced()));
    call.response().appendHeader("Cache-Control", "no-store");
    Replies.json(call.response(), 201, reply);
  }

  /** {@code DELETE /api/v2/models/{folder}/{name}}, the name possibly in subfolders. */
  void delete(Call call) throws IOException {
    String rest = decoded(call.path().substring(PREFIX.length()));
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new Replies.ApiError(400, "the path must be /api/v2/models/{folder}/{name}");
    }
    String folder = rest.substring(0, slash);
    String name = rest.substring(slash + 1);
    switch (manage.delete(call.caller(), folder, name)) {
      case DELETED -> call.response().setStatusCode(204);
      case NOT_FOUND -> throw new Replies.ApiError(404, "no model " + folder + "/" + name);
      case NOT_ADMIN -> throw new Replies.ApiError(403, "only an administrator deletes models (the Firebase custom"
          + " claim admin: true)");
      case BAD_FOLDER -> throw new Replies.ApiError(400, "folder must be one of ComfyUI's model folders "
          + new java.util.TreeSet<>(ModelPaths.FOLDERS));
    }
  }

  /** A path as sent, percent-decoded if it still is encoded ('+' is a plus in a path). */
  private static String decoded(String path) {
    if (!path.contains("%")) {
      return path;
    }
    try {
      return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Replies.ApiError(400, "the path is not percent-encoded UTF-8");
    }
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new Replies.ApiError(400, field + " is required (a string)");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new Replies.ApiError(400, field + " must be a string");
    }
    return value.asText();
  }
}
