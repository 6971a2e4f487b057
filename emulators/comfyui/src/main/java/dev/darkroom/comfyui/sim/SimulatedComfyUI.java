package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.CatalogCheck;
import dev.darkroom.core.comfy.CustomInputCheck;
import dev.darkroom.core.comfy.NodeCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A simulated ComfyUI engine on 127.0.0.1: ComfyUI's HTTP and WebSocket protocol, ComfyUI's
 * validation, a CPU executor for the core nodes that draws deterministic pictures stamped
 * "SIMULATED", and injectable failures. It runs no model and is not ComfyUI.
 */
public final class SimulatedComfyUI implements AutoCloseable {

  /**
   * How to run the engine.
   *
   * @param port 0 for a free port
   * @param dataDir holds {@code input/}, {@code output/} and {@code temp/}
   * @param stepTime how long each sampler step takes (zero allowed)
   * @param models file names per model folder ({@code checkpoints}, {@code loras}, {@code vae}…),
   *     which become the loaders' COMBO choices
   * @param maxUploadBytes ComfyUI's {@code --max-upload-size}, applied to every request body
   * @param modelsDirectory the files of a models directory by folder, listed on every request as
   *     ComfyUI lists its {@code models/} (locally: the models bucket, as the GPU job mounts it),
   *     added to {@code models}
   */
  public record Config(
      int port, Path dataDir, Duration stepTime, Map<String, List<String>> models, long maxUploadBytes,
      Supplier<Map<String, List<String>>> modelsDirectory) {

    /** Every model the sample workflows name, plus one of each other kind. */
    public static final Map<String, List<String>> SAMPLE_MODELS =
        Map.of(
            "checkpoints",
            List.of(
                "dreamshaper_8.safetensors",
                "flux1-schnell-fp8.safetensors",
                "sd_xl_base_1.0.safetensors",
                "sd_xl_refiner_1.0.safetensors",
                "sd3.5_medium.safetensors",
                // ComfyUI's own example clients (script_examples/) name this one.
                "v1-5-pruned-emaonly.safetensors"),
            "vae", List.of("ae.safetensors", "sdxl_vae.safetensors"),
            "loras", List.of("add_detail.safetensors"),
            "text_encoders", List.of("clip_g.safetensors", "clip_l.safetensors", "t5xxl_fp8_e4m3fn.safetensors"),
            "diffusion_models", List.of("flux1-schnell.safetensors"),
            "embeddings", List.of("easynegative.safetensors"),
            // The core-node samples (test resources workflows/core/): SD3, ControlNet, upscale.
            "controlnet", List.of("control_v11p_sd15_canny.pth"),
            "upscale_models", List.of("4x-UltraSharp.pth"));

    public Config {
      models = Map.copyOf(models);
      modelsDirectory = modelsDirectory == null ? Map::of : modelsDirectory;
    }

    /** Without a models directory: the {@code models} alone. */
    public Config(int port, Path dataDir, Duration stepTime, Map<String, List<String>> models, long maxUploadBytes) {
      this(port, dataDir, stepTime, models, maxUploadBytes, Map::of);
    }

    public static Config defaults(Path dataDir) {
      return new Config(0, dataDir, Duration.ofMillis(20), SAMPLE_MODELS, 100L * 1024 * 1024);
    }

    public Config withPort(int p) {
      return new Config(p, dataDir, stepTime, models, maxUploadBytes, modelsDirectory);
    }

    public Config withStepTime(Duration t) {
      return new Config(port, dataDir, t, models, maxUploadBytes, modelsDirectory);
    }

    public Config withModels(Map<String, List<String>> m) {
      return new Config(port, dataDir, stepTime, m, maxUploadBytes, modelsDirectory);
    }

    public Config withMaxUploadBytes(long bytes) {
      return new Config(port, dataDir, stepTime, models, bytes, modelsDirectory);
    }

    public Config withModelsDirectory(Supplier<Map<String, List<String>>> directory) {
      return new Config(port, dataDir, stepTime, models, maxUploadBytes, directory);
    }

    /** Every model file by folder: {@code models} and the models directory's, each folder sorted. */
    Map<String, List<String>> allModels() {
      Map<String, java.util.TreeSet<String>> all = new java.util.TreeMap<>();
      models.forEach((folder, files) -> all.computeIfAbsent(folder, f -> new java.util.TreeSet<>()).addAll(files));
      modelsDirectory.get().forEach((folder, files) ->
          all.computeIfAbsent(folder, f -> new java.util.TreeSet<>()).addAll(files));
      Map<String, List<String>> out = new LinkedHashMap<>();
      all.forEach((folder, files) -> out.put(folder, List.copyOf(files)));
      return out;
    }
  }

  private final Config config;
  private final ObjectMapper json = new ObjectMapper();
  private final PromptExecutor.Dirs dirs;
  private final NodeCatalog catalog;
  private final WsHub hub;
  private final PromptQueue queue;
  private final Faults faults = new Faults();
  private final InterruptFlag interrupt = new InterruptFlag();
  private final PromptExecutor executor;
  private final Server server;
  private final ComfyRoutes routes;

  private SimulatedComfyUI(Config config) {
    this.config = config;
    Path data = config.dataDir().toAbsolutePath().normalize();
    this.dirs = new PromptExecutor.Dirs(data.resolve("input"), data.resolve("output"), data.resolve("temp"));
    prepareDirectories();
    this.catalog = NodeCatalog.coreNodes(this::filesIn);
    this.hub = new WsHub(json);
    this.queue = new PromptQueue(() -> hub.send("status", WsEndpoint.statusData(json, queue().remaining()), null));
    CustomInputCheck inputFiles =
        CustomInputCheck.fileExists(name -> InputFiles.exists(dirs.input(), dirs.output(), dirs.temp(), name));
    this.executor =
        new PromptExecutor(queue, hub, new SimulatedNodes(new Random(), catalog, this::filesIn), catalog, faults, interrupt, dirs, config.stepTime());
    this.routes = new ComfyRoutes(new EngineView(inputFiles), json);
    QueuedThreadPool threads = new QueuedThreadPool(32, 4);
    threads.setName("comfyui-sim-http");
    threads.setDaemon(true);
    this.server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(config.port());
    server.addConnector(connector);
    JsonNode serverFeatures = routes.features();
    WebSocketUpgradeHandler ws =
        WebSocketUpgradeHandler.from(server, container -> {
          container.setIdleTimeout(Duration.ofHours(1));
          for (String path : List.of("/ws", "/api/ws")) {
            container.addMapping(path, (req, resp, cb) -> {
              String clientId = org.eclipse.jetty.server.Request.extractQueryParameters(req).getValue("clientId");
              if (clientId == null || clientId.isEmpty()) clientId = UUID.randomUUID().toString().replace("-", "");
              return new WsEndpoint(clientId, hub, json, this::greet, serverFeatures);
            });
          }
        });
    ws.setHandler(routes);
    server.setHandler(ws);
  }

  /** Starts an engine; it listens on 127.0.0.1 when this returns. */
  public static SimulatedComfyUI start(Config config) {
    SimulatedComfyUI engine = new SimulatedComfyUI(config);
    try {
      engine.server.start();
    } catch (Exception e) {
      engine.close();
      throw new IllegalStateException("the simulated ComfyUI engine could not start", e);
    }
    engine.executor.start();
    return engine;
  }

  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public Path inputDir() {
    return dirs.input();
  }

  public Path outputDir() {
    return dirs.output();
  }

  /**
   * How many times each {@code prompt_id} was started on this engine since it started: tests use it
   * to show that no job ran twice.
   */
  public java.util.Map<String, Integer> executionsByPromptId() {
    return queue.executions();
  }

  /** Every node of {@code classType} raises {@code exceptionType: message} until faults are cleared. */
  public void failNode(String classType, String exceptionType, String message) {
    faults.failNode(classType, new Faults.NodeFailure(exceptionType, message));
  }

  /** Every node of {@code classType} blocks until the prompt is interrupted. */
  public void hangNode(String classType) {
    faults.hangNode(classType);
  }

  /**
   * Every node of {@code classType} stops right after it reports progress {@code step}, until faults
   * are cleared or the prompt is interrupted: a test can then see that progress arrive before the
   * prompt goes on, since nothing later has happened yet.
   */
  public void holdAtStep(String classType, int step) {
    faults.holdAtStep(classType, step);
  }

  public void clearFaults() {
    faults.clear();
  }

  /**
   * The next prompt starts with nothing cached, as after ComfyUI's {@code POST /free
   * {"free_memory": true}}: every node of it executes, whatever the prompt before it was.
   */
  public void forgetCachedOutputs() {
    executor.requestFreeMemory();
  }

  /**
   * Each sampler step of the prompts it starts from now on takes {@code time} (the start's
   * {@link Config#stepTime()} until then): tests that share one engine set the pace they need.
   */
  public void setStepTime(Duration time) {
    executor.stepTime(java.util.Objects.requireNonNull(time, "time"));
  }

  /** Cuts every WebSocket connection now, without a close handshake. */
  public void dropWebSockets() {
    hub.dropAll();
  }

  /**
   * Dies as a crashed process would: connections cut, the running prompt abandoned, nothing
   * written to history, the port closed.
   */
  public void kill() {
    hub.dropAll();
    executor.stop();
    try {
      server.setStopTimeout(0);
      server.stop();
    } catch (Exception e) {
      // Dying anyway.
    }
    hub.close();
  }

  @Override
  public void close() {
    kill();
    deleteTree(dirs.temp());
  }

  private void greet(String clientId) {
    ObjectNode data = WsEndpoint.statusData(json, queue.remaining());
    data.put("sid", clientId);
    hub.send("status", data, clientId);
    String node = executor.runningNodeFor(clientId);
    if (node != null) hub.send("executing", json.createObjectNode().put("node", node), clientId);
  }

  void applyFaults(JsonNode body) {
    if (body.path("clear").asBoolean(false)) clearFaults();
    JsonNode fail = body.path("fail_node");
    if (fail.isObject()) {
      failNode(fail.path("class_type").asText(), fail.path("exception_type").asText("RuntimeError"),
          fail.path("message").asText("simulated failure injected by Darkroom"));
    }
    JsonNode hang = body.path("hang_node");
    if (hang.isObject()) hangNode(hang.path("class_type").asText());
    if (body.path("drop_websockets").asBoolean(false)) dropWebSockets();
    if (body.path("kill").asBoolean(false)) {
      Thread killer = new Thread(killAction, "comfyui-sim-kill");
      killer.start();
    }
  }

  private volatile Runnable killAction = this::kill;

  /** What {@code POST /darkroom/faults {"kill": true}} does: the standalone main halts the JVM. */
  void onKillRequest(Runnable action) {
    this.killAction = action;
  }

  private List<String> filesIn(String folder) {
    if (folder.equals("input")) return InputFiles.list(dirs.input());
    return config.allModels().getOrDefault(folder, List.of());
  }

  private void prepareDirectories() {
    try {
      deleteTree(dirs.temp());
      Files.createDirectories(dirs.input());
      Files.createDirectories(dirs.output());
      Files.createDirectories(dirs.temp());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class EngineView implements ComfyRoutes.Engine {
    private final CustomInputCheck inputFiles;

    EngineView(CustomInputCheck inputFiles) {
      this.inputFiles = inputFiles;
    }

    @Override
    public PromptQueue queue() {
      return queue;
    }

    @Override
    public CatalogCheck catalogCheck() {
      // As ComfyUI, which lists its model folders anew when they change: a file added to the models
      // directory is a valid choice at once.
      return new CatalogCheck(objectInfoCatalog(), inputFiles);
    }

    @Override
    public NodeCatalog objectInfoCatalog() {
      // The input folder's files change with uploads: list them anew on every request.
      return catalog.withFolderChoices(SimulatedComfyUI.this::filesIn);
    }

    @Override
    public PromptExecutor.Dirs dirs() {
      return dirs;
    }

    @Override
    public Map<String, List<String>> models() {
      return config.allModels();
    }

    @Override
    public long maxUploadBytes() {
      return config.maxUploadBytes();
    }

    @Override
    public void interrupt(String promptIdOrNull) {
      if (promptIdOrNull == null) {
        interrupt.set();
      } else {
        queue.running().filter(i -> i.promptId().equals(promptIdOrNull)).ifPresent(i -> interrupt.set());
      }
    }

    @Override
    public void freeMemory() {
      executor.requestFreeMemory();
    }

    @Override
    public void applyFaults(JsonNode body) {
      SimulatedComfyUI.this.applyFaults(body);
    }
  }

  private PromptQueue queue() {
    return queue;
  }
}
