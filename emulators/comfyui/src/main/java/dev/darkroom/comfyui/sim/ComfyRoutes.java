package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.CatalogCheck;
import dev.darkroom.core.comfy.MultipartForm;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.comfy.PromptVerdict;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * ComfyUI's HTTP routes, each served at {@code /x} and {@code /api/x}, answering with ComfyUI's
 * status codes and bodies (empty 200 bodies for acknowledgements, {@code {}} for unknown history,
 * 500 for unparseable JSON as aiohttp gives), plus Darkroom's {@code /darkroom/faults}.
 */
final class ComfyRoutes extends Handler.Abstract {

  /** What the routes need from the engine. */
  interface Engine {
    PromptQueue queue();

    CatalogCheck catalogCheck();

    NodeCatalog objectInfoCatalog();

    PromptExecutor.Dirs dirs();

    Map<String, List<String>> models();

    long maxUploadBytes();

    void interrupt(String promptIdOrNull);

    void freeMemory();

    void applyFaults(JsonNode body);
  }

  private static final Map<String, String> CONTENT_TYPES =
      Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "webp", "image/webp",
          "gif", "image/gif", "json", "application/json", "txt", "text/plain", "mp4", "video/mp4",
          "flac", "audio/flac", "latent", "application/octet-stream");

  private final Engine engine;
  private final ObjectMapper json;

  ComfyRoutes(Engine engine, ObjectMapper json) {
    this.engine = engine;
    this.json = json;
  }

  /** An answer: status, content type and body (empty for acknowledgements). */
  private record Reply(int status, String contentType, byte[] body, String disposition) {
    static Reply ack() {
      return new Reply(200, null, new byte[0], null);
    }

    static Reply status(int status) {
      return new Reply(status, null, new byte[0], null);
    }
  }

  private static final class BodyTooLarge extends RuntimeException {
    BodyTooLarge() {
      super(null, null, false, false);
    }
  }

  private static final class BadJson extends RuntimeException {
    BadJson() {
      super(null, null, false, false);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Reply reply;
    try {
      reply = route(request);
    } catch (BodyTooLarge e) {
      reply = Reply.status(413);
    } catch (BadJson | NumberFormatException e) {
      reply = new Reply(500, "text/plain; charset=utf-8",
          "500 Internal Server Error\n\nServer got itself in trouble".getBytes(StandardCharsets.UTF_8), null);
    }
    response.setStatus(reply.status());
    if (reply.contentType() != null) response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    if (reply.disposition() != null) response.getHeaders().put("Content-Disposition", reply.disposition());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
    return true;
  }

  private Reply route(Request request) throws IOException {
    if (originRefused(request)) return Reply.status(403);
    String method = request.getMethod();
    if (method.equals("OPTIONS")) return Reply.ack();
    String path = request.getHttpURI().getPath();
    if (path.startsWith("/api/")) path = path.substring(4);
    Fields query = Request.extractQueryParameters(request);
    boolean get = method.equals("GET");
    boolean post = method.equals("POST");

    if (get && path.equals("/")) return text("Darkroom simulated ComfyUI engine: not ComfyUI. See /system_stats.\n");
    if (get && path.equals("/prompt")) return ok(queueInfo());
    if (post && path.equals("/prompt")) return postPrompt(readJson(request));
    if (get && path.equals("/queue")) return ok(engine.queue().queueJson());
    if (post && path.equals("/queue")) return postQueue(readJson(request));
    if (get && path.equals("/history")) return getHistory(query);
    if (get && path.startsWith("/history/")) return ok(engine.queue().historyJson(path.substring("/history/".length())));
    if (post && path.equals("/history")) return postHistory(readJson(request));
    if (post && path.equals("/interrupt")) return postInterrupt(request);
    if (post && path.equals("/free")) return postFree(readJson(request));
    if (get && path.equals("/view")) return view(query);
    if (post && path.equals("/upload/image")) return upload(request);
    if (get && path.equals("/object_info")) return ok(engine.objectInfoCatalog().toObjectInfo());
    if (get && path.startsWith("/object_info/")) {
      return ok(engine.objectInfoCatalog().toObjectInfo(path.substring("/object_info/".length())));
    }
    if (get && path.equals("/system_stats")) return ok(systemStats());
    if (get && path.equals("/features")) return ok(features());
    if (get && path.equals("/embeddings")) return embeddings();
    if (get && path.equals("/models")) return ok(json.valueToTree(engine.models().keySet().stream().sorted().toList()));
    if (get && path.startsWith("/models/")) {
      List<String> files = engine.models().get(path.substring("/models/".length()));
      return files == null ? Reply.status(404) : ok(json.valueToTree(files));
    }
    if (post && path.equals("/darkroom/faults")) {
      engine.applyFaults(readJson(request));
      return Reply.ack();
    }
    return Reply.status(404);
  }

  private Reply postPrompt(JsonNode body) {
    if (!body.isObject()) throw new BadJson();
    ObjectNode data = (ObjectNode) body;
    JsonNode number;
    if (data.has("number")) {
      number = DoubleNode.valueOf(pythonFloat(data.get("number")));
    } else {
      long n = engine.queue().nextNumber();
      boolean front = data.has("front") && truthy(data.get("front"));
      number = LongNode.valueOf(front ? -n : n);
    }
    if (!data.has("prompt")) {
      ObjectNode error = json.createObjectNode();
      error.put("type", "no_prompt");
      error.put("message", "No prompt provided");
      error.put("details", "No prompt provided");
      error.putObject("extra_info");
      ObjectNode out = json.createObjectNode();
      out.set("error", error);
      out.putObject("node_errors");
      return new Reply(400, "application/json; charset=utf-8", bytes(out), null);
    }
    JsonNode idNode = data.get("prompt_id");
    String promptId = idNode == null ? UUID.randomUUID().toString()
        : idNode.isTextual() ? idNode.textValue() : idNode.toString();
    List<String> targets = null;
    if (data.has("partial_execution_targets") && data.get("partial_execution_targets").isArray()) {
      targets = new ArrayList<>();
      for (JsonNode t : data.get("partial_execution_targets")) targets.add(t.asText());
    }
    PromptVerdict v = engine.catalogCheck().check(data.get("prompt"), targets);
    ObjectNode extraData = data.get("extra_data") instanceof ObjectNode e ? e.deepCopy() : json.createObjectNode();
    if (data.has("client_id")) extraData.set("client_id", data.get("client_id"));
    if (v.accepted()) {
      engine.queue().put(new PromptQueue.Item(number, promptId, v.prompt(), extraData, v.outputsToExecute()));
      ObjectNode out = json.createObjectNode();
      out.put("prompt_id", promptId);
      out.set("number", number);
      out.set("node_errors", v.nodeErrors());
      return ok(out);
    }
    ObjectNode error = json.createObjectNode();
    error.put("type", v.error().type());
    error.put("message", v.error().message());
    error.put("details", v.error().details());
    error.set("extra_info", v.error().extraInfo());
    ObjectNode out = json.createObjectNode();
    out.set("error", error);
    out.set("node_errors", v.nodeErrors());
    return new Reply(400, "application/json; charset=utf-8", bytes(out), null);
  }

  private Reply postQueue(JsonNode body) {
    if (truthy(body.path("clear"))) engine.queue().clearPending();
    if (body.has("delete")) body.get("delete").forEach(id -> engine.queue().deletePending(id.asText()));
    return Reply.ack();
  }

  private Reply postHistory(JsonNode body) {
    if (truthy(body.path("clear"))) engine.queue().clearHistory();
    if (body.has("delete")) body.get("delete").forEach(id -> engine.queue().deleteHistory(id.asText()));
    return Reply.ack();
  }

  private Reply getHistory(Fields query) {
    String max = query.getValue("max_items");
    String offset = query.getValue("offset");
    Integer maxItems = max == null ? null : Integer.parseInt(max);
    int off = offset == null ? -1 : Integer.parseInt(offset);
    return ok(engine.queue().historyJson(maxItems, off));
  }

  private Reply postInterrupt(Request request) throws IOException {
    JsonNode body;
    try {
      body = readJson(request);
    } catch (BadJson e) {
      body = json.createObjectNode();
    }
    JsonNode id = body.get("prompt_id");
    engine.interrupt(id == null || id.isNull() ? null : id.asText());
    return Reply.ack();
  }

  private Reply postFree(JsonNode body) {
    if (truthy(body.path("free_memory")) || truthy(body.path("unload_models"))) engine.freeMemory();
    return Reply.ack();
  }

  private Reply view(Fields query) throws IOException {
    String filename = query.getValue("filename");
    if (filename == null) return Reply.status(404);
    InputFiles.Annotated annotated = InputFiles.parse(filename);
    filename = annotated.name();
    if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..")) return Reply.status(400);
    String type = annotated.type() != null ? annotated.type() : valueOr(query.getValue("type"), "output");
    Path base = switch (type) {
      case "output" -> engine.dirs().output();
      case "input" -> engine.dirs().input();
      case "temp" -> engine.dirs().temp();
      default -> null;
    };
    if (base == null) return Reply.status(400);
    base = base.toAbsolutePath().normalize();
    Path dir = base;
    String subfolder = query.getValue("subfolder");
    if (subfolder != null) {
      dir = base.resolve(subfolder).toAbsolutePath().normalize();
      if (!dir.startsWith(base)) return Reply.status(403);
    }
    String name = Path.of(filename).getFileName().toString();
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) return Reply.status(404);
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
    String contentType = CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
    return new Reply(200, contentType, Files.readAllBytes(file), "filename=\"" + name + "\"");
  }

  /** Like aiohttp's form reading: a body that is not a well-formed form has no fields. */
  private static Map<String, MultipartForm.Part> form(String contentType, byte[] body) {
    try {
      return MultipartForm.parse(contentType, body);
    } catch (MultipartForm.MalformedException e) {
      return Map.of();
    }
  }

  private Reply upload(Request request) throws IOException {
    byte[] body = readBody(request);
    Map<String, MultipartForm.Part> form = form(request.getHeaders().get(HttpHeader.CONTENT_TYPE), body);
    MultipartForm.Part image = form.get("image");
    String type = form.containsKey("type") ? form.get("type").text() : "input";
    Path base = switch (type) {
      case "input" -> engine.dirs().input();
      case "temp" -> engine.dirs().temp();
      case "output" -> engine.dirs().output();
      default -> null;
    };
    if (base == null) {
      return new Reply(500, "text/plain; charset=utf-8",
          "500 Internal Server Error\n\nServer got itself in trouble".getBytes(StandardCharsets.UTF_8), null);
    }
    if (image == null || image.filename() == null || image.filename().isEmpty()) return Reply.status(400);
    base = base.toAbsolutePath().normalize();
    String subfolder = form.containsKey("subfolder") ? form.get("subfolder").text() : "";
    Path folder = base.resolve(subfolder).normalize();
    String filename = image.filename();
    Path target = folder.resolve(filename).normalize();
    if (!target.startsWith(base)) return Reply.status(400);
    Files.createDirectories(folder);
    String overwrite = form.containsKey("overwrite") ? form.get("overwrite").text() : null;
    boolean duplicate = false;
    if (!"true".equals(overwrite) && !"1".equals(overwrite)) {
      int dot = filename.lastIndexOf('.');
      String stem = dot > 0 ? filename.substring(0, dot) : filename;
      String ext = dot > 0 ? filename.substring(dot) : "";
      int i = 1;
      while (Files.exists(target)) {
        if (Arrays.equals(Files.readAllBytes(target), image.content())) {
          duplicate = true;
          break;
        }
        filename = stem + " (" + i + ")" + ext;
        target = folder.resolve(filename);
        i++;
      }
    }
    if (!duplicate) Files.write(target, image.content());
    ObjectNode out = json.createObjectNode();
    out.put("name", filename);
    out.put("subfolder", subfolder);
    out.put("type", type);
    return ok(out);
  }

  private ObjectNode queueInfo() {
    ObjectNode out = json.createObjectNode();
    out.putObject("exec_info").put("queue_remaining", engine.queue().remaining());
    return out;
  }

  private ObjectNode systemStats() {
    Runtime rt = Runtime.getRuntime();
    ObjectNode out = json.createObjectNode();
    ObjectNode system = out.putObject("system");
    system.put("os", "posix");
    system.put("ram_total", rt.maxMemory());
    system.put("ram_free", rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
    system.put("comfyui_version", "0.3.64 (Darkroom simulated engine, not ComfyUI)");
    system.put("required_frontend_version", "none (simulated)");
    system.put("installed_templates_version", "none (simulated)");
    system.put("required_templates_version", "none (simulated)");
    system.put("python_version", "none: Java " + Runtime.version() + " (simulated engine)");
    system.put("pytorch_version", "none (simulated engine)");
    system.put("embedded_python", false);
    system.putArray("argv").add("darkroom-comfyui-sim");
    ArrayNode devices = out.putArray("devices");
    ObjectNode cpu = devices.addObject();
    cpu.put("name", "Darkroom simulated engine (CPU) — not ComfyUI");
    cpu.put("type", "cpu");
    cpu.putNull("index");
    cpu.put("vram_total", 0);
    cpu.put("vram_free", 0);
    cpu.put("torch_vram_total", 0);
    cpu.put("torch_vram_free", 0);
    return out;
  }

  ObjectNode features() {
    ObjectNode out = json.createObjectNode();
    out.put("supports_preview_metadata", true);
    out.put("max_upload_size", (double) engine.maxUploadBytes());
    return out;
  }

  private Reply embeddings() {
    List<String> names = engine.models().getOrDefault("embeddings", List.of()).stream()
        .map(n -> n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n)
        .toList();
    return ok(json.valueToTree(names));
  }

  /** ComfyUI's default origin check: a loopback Host with a different Origin is refused. */
  private static boolean originRefused(Request request) {
    String host = request.getHeaders().get(HttpHeader.HOST);
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (host == null || origin == null) return false;
    String[] hostParts = splitHostPort(host);
    if (!isLoopback(hostParts[0])) return false;
    URI originUri;
    try {
      originUri = URI.create(origin);
    } catch (IllegalArgumentException e) {
      return true;
    }
    if (originUri.getHost() == null) return true;
    String originHost = originUri.getHost().replace("[", "").replace("]", "");
    if (!originHost.equalsIgnoreCase(hostParts[0])) return true;
    return hostParts[1] != null && originUri.getPort() != -1 && !hostParts[1].equals(Integer.toString(originUri.getPort()));
  }

  private static String[] splitHostPort(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      String h = host.substring(1, end);
      String p = host.length() > end + 2 ? host.substring(end + 2) : null;
      return new String[] {h, p};
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? new String[] {host, null} : new String[] {host.substring(0, colon), host.substring(colon + 1)};
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private byte[] readBody(Request request) throws IOException {
    long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    long limit = engine.maxUploadBytes();
    if (declared > limit) throw new BodyTooLarge();
    try (InputStream in = Request.asInputStream(request)) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) throw new BodyTooLarge();
      return body;
    }
  }

  /** The body as JSON whatever its Content-Type, as aiohttp's request.json() reads it. */
  private JsonNode readJson(Request request) throws IOException {
    byte[] body = readBody(request);
    try {
      JsonNode node = json.readTree(body);
      if (node == null || node.isMissingNode()) throw new BadJson();
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadJson();
    }
  }

  private Reply ok(JsonNode body) {
    return new Reply(200, "application/json; charset=utf-8", bytes(body), null);
  }

  private static Reply text(String s) {
    return new Reply(200, "text/plain; charset=utf-8", s.getBytes(StandardCharsets.UTF_8), null);
  }

  private byte[] bytes(JsonNode node) {
    try {
      return json.writeValueAsBytes(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double pythonFloat(JsonNode v) {
    if (v.isNumber()) return v.doubleValue();
    if (v.isBoolean()) return v.booleanValue() ? 1 : 0;
    if (v.isTextual()) return Double.parseDouble(v.textValue().strip());
    throw new NumberFormatException("float() argument must be a string or a real number");
  }

  private static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return false;
    if (v.isBoolean()) return v.booleanValue();
    if (v.isNumber()) return v.doubleValue() != 0;
    if (v.isTextual()) return !v.textValue().isEmpty();
    return v.size() > 0;
  }

  private static String valueOr(String v, String fallback) {
    return v == null ? fallback : v;
  }
}
