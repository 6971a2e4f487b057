package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.models.ModelPaths;
import dev.darkroom.core.port.ModelStore;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.ModelResource;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /api/v2/models[?folder=]}: every model file of the deployment and its state
 * ({@code ready}, {@code checking}, {@code refused} with the reason), as the models function
 * recorded it. Every signed-in user may list them: they are what prompts may name.
 */
public final class ModelRoutes implements RouteGroup {
  private final ModelStore models;

  public ModelRoutes(ModelStore models) {
    this.models = models;
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route("GET", "/v2/models", this::list));
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
}
