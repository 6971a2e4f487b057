package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.models.ModelImports;
import dev.darkroom.core.models.ModelPaths;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.port.ModelStore;
import dev.darkroom.core.usecase.StartModelImport;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.ModelResource;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v2/models/imports} {@code {url, folder, name, sha256?, token?}}: the service
 * fetches a model file itself, in a background job ({@link StartModelImport}); 202 with the model
 * (state {@code importing}, then its progress) and its {@code Location},
 * {@code GET /api/v2/models/{folder}/{name}}, which any signed-in user may read like the listing.
 * Starting an import is for those who manage the deployment's models. The token is never logged
 * nor answered.
 */
public final class ModelImportRoutes implements RouteGroup {
  private static final Logger log = LoggerFactory.getLogger(ModelImportRoutes.class);
  private static final String MODELS = "/v2/models/";

  private final StartModelImport imports;
  private final ModelStore models;
  private final Predicate<Caller> mayManageModels;

  public ModelImportRoutes(StartModelImport imports, ModelStore models, Predicate<Caller> mayManageModels) {
    this.imports = imports;
    this.models = models;
    this.mayManageModels = mayManageModels;
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route("POST", "/v2/models/imports", this::startImport),
        new Route("GET", MODELS, this::show));
  }

  void startImport(Call call) throws IOException {
    if (!mayManageModels.test(call.caller())) {
      Replies.apiError(call.response(), 403, "only an admin of this deployment may import models");
      return;
    }
    JsonNode body = RequestBodies.jsonObject(call.request());
    for (String field : List.of("url", "folder", "name", "sha256", "token")) {
      JsonNode value = body.get(field);
      boolean optional = field.equals("sha256") || field.equals("token");
      if (value == null || value.isNull() ? !optional : !value.isTextual()) {
        Replies.fieldError(call.response(), field, field + (optional ? " must be a string if given" : " is required (a string)"));
        return;
      }
    }
    StartModelImport.Request request = new StartModelImport.Request(text(body, "url"), text(body, "folder"),
        text(body, "name"), text(body, "sha256"), text(body, "token"));
    StartModelImport.Result result = imports.start(request, call.user());
    if (result instanceof StartModelImport.Result.Invalid invalid) {
      Replies.fieldError(call.response(), invalid.field(), invalid.message());
    } else if (result instanceof StartModelImport.Result.Conflict conflict) {
      Replies.apiError(call.response(), 409, conflict.message());
    } else if (result instanceof StartModelImport.Result.NotStarted notStarted) {
      log.warn("model import of {} by {} not started: {}", notStarted.model().objectName(), call.user(),
          notStarted.message());
      call.response().appendHeader("Retry-After", "30");
      Replies.apiError(call.response(), 503, notStarted.message() + "; try again");
    } else {
      StartModelImport.Result.Accepted accepted = (StartModelImport.Result.Accepted) result;
      ModelRecord model = accepted.model();
      if (accepted.launched()) {
        log.info("model import of {} from {} by {} started: {}", model.objectName(),
            ModelImports.shown(model.imported().url()), call.user(), model.imported().execution());
      }
      call.response().appendHeader("Location", location(model));
      Replies.json(call.response(), 202, ModelResource.of(model));
    }
  }

  /** {@code GET /v2/models/{folder}/{name}}: one model, its import's progress included. */
  void show(Call call) throws IOException {
    String rest = call.path().substring(MODELS.length());
    int slash = rest.indexOf('/');
    String folder = slash < 0 ? rest : rest.substring(0, slash);
    String name = slash < 0 ? "" : decoded(rest.substring(slash + 1));
    if (ModelPaths.problem(folder, name).isPresent()) {
      Replies.apiError(call.response(), 404, "no model " + folder + "/" + name.substring(0, Math.min(name.length(), 80)));
      return;
    }
    var model = models.get(folder, name);
    if (model.isEmpty()) {
      Replies.apiError(call.response(), 404, "no model " + folder + "/" + name);
      return;
    }
    Replies.json(call.response(), 200, ModelResource.of(model.get()));
  }

  static String location(ModelRecord model) {
    return "/api" + MODELS + model.folder() + "/" + Arrays.stream(model.name().split("/"))
        .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
        .collect(Collectors.joining("/"));
  }

  /** Percent-decoded path segments ({@code +} is a plus in a path, not a space). */
  private static String decoded(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
