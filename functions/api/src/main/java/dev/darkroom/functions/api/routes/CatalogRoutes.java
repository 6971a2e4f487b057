package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.comfy.PublishedCatalog;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.models.ModelPaths;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What the engine offers: {@code /object_info[/{class}]}, {@code /models[/{folder}]},
 * {@code /embeddings}, and what the server is: {@code /system_stats}, {@code /features}. All come
 * from the published catalog, its model lists from the models' current states where the wiring
 * gives them ({@link PublishedCatalog}); there is no local GPU to describe, and the answers say so.
 */
public final class CatalogRoutes implements RouteGroup {
  static final String DEVICE = "Darkroom (serverless; GPU per job on Cloud Run)";

  private final PublishedCatalog catalog;

  public CatalogRoutes(PublishedCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/object_info", this::objectInfo),
        new Route("GET", "/object_info/", this::objectInfoOf),
        new Route("GET", "/models", this::models),
        new Route("GET", "/models/", this::modelsIn),
        new Route("GET", "/embeddings", this::embeddings),
        new Route("GET", "/system_stats", this::systemStats),
        new Route("GET", "/features", this::features));
  }

  void objectInfo(Call call) throws IOException {
    Replies.json(call.response(), 200,
        catalog.current().map(NodeCatalog::toObjectInfo).orElseGet(Replies.JSON::createObjectNode));
  }

  /** An unknown class is {@code 200 {}}, as in ComfyUI. */
  void objectInfoOf(Call call) throws IOException {
    String classType = call.path().substring("/object_info/".length());
    Replies.json(call.response(), 200,
        catalog.current().map(c -> c.toObjectInfo(classType)).orElseGet(Replies.JSON::createObjectNode));
  }

  void models(Call call) throws IOException {
    ArrayNode folders = Replies.JSON.createArrayNode();
    folderFiles().keySet().forEach(folders::add);
    Replies.json(call.response(), 200, folders);
  }

  void modelsIn(Call call) throws IOException {
    String folder = call.path().substring("/models/".length());
    List<String> files = folderFiles().getOrDefault(folder, ModelPaths.LISTED_FOLDERS.contains(folder) ? List.of() : null);
    if (files == null) {
      Replies.text(call.response(), 404, "404: Not Found");
      return;
    }
    ArrayNode reply = Replies.JSON.createArrayNode();
    files.forEach(reply::add);
    Replies.json(call.response(), 200, reply);
  }

  /** Embedding names without their extension, as ComfyUI lists them. */
  void embeddings(Call call) throws IOException {
    ArrayNode reply = Replies.JSON.createArrayNode();
    folderFiles().getOrDefault("embeddings", List.of()).stream()
        .map(n -> n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n)
        .forEach(reply::add);
    Replies.json(call.response(), 200, reply);
  }

  void systemStats(Call call) throws IOException {
    ObjectNode reply = Replies.JSON.createObjectNode();
    ObjectNode system = reply.putObject("system");
    system.put("os", DEVICE);
    system.put("ram_total", 0);
    system.put("ram_free", 0);
    system.put("comfyui_version", "Darkroom: the engine's version is reported per job");
    system.put("required_frontend_version", "none");
    system.put("installed_templates_version", "none");
    system.put("required_templates_version", "none");
    system.put("python_version", "Darkroom API (Java " + Runtime.version().feature() + "); ComfyUI runs per job");
    system.put("pytorch_version", "none here: the GPU job image has it");
    system.put("embedded_python", false);
    system.putArray("argv").add("darkroom-api");
    ObjectNode device = reply.putArray("devices").addObject();
    device.put("name", DEVICE);
    device.put("type", "cloud-run-gpu");
    device.put("index", 0);
    device.put("vram_total", 0);
    device.put("vram_free", 0);
    device.put("torch_vram_total", 0);
    device.put("torch_vram_free", 0);
    Replies.json(call.response(), 200, reply);
  }

  /**
   * As ComfyUI's: {@code /ws} sends previews with their metadata to a socket whose {@code feature_flags}
   * asked for them (the realtime gateway); uploads are bounded by {@link InputLimits#UPLOAD_BODY_BYTES}.
   */
  void features(Call call) throws IOException {
    ObjectNode reply = Replies.JSON.createObjectNode();
    reply.put("supports_preview_metadata", true);
    reply.put("max_upload_size", (double) InputLimits.UPLOAD_BODY_BYTES);
    Replies.json(call.response(), 200, reply);
  }

  private Map<String, List<String>> folderFiles() {
    return catalog.folderFiles();
  }
}
