package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.comfy.PreviewFrames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker: takes one prompt at a time off the queue and runs it node by node in dependency
 * order, emitting ComfyUI's WebSocket events in ComfyUI's order (§7 of COMFYUI_API.md), reusing
 * outputs of nodes whose inputs did not change since the previous prompt (ComfyUI's classic
 * cache), and writing the history entry before the final {@code status} and
 * {@code executing {node: null}}.
 */
final class PromptExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(PromptExecutor.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** How often a node held at a step looks whether the test let it go. */
  private static final java.time.Duration HOLD_POLL = java.time.Duration.ofMillis(20);

  /** Where the engine's files live. */
  record Dirs(Path input, Path output, Path temp) {}

  private record Cached(SimulatedNodes.Result result) {}

  private final PromptQueue queue;
  private final WsHub hub;
  private final SimulatedNodes nodes;
  private final NodeCatalog catalog;
  private final Faults faults;
  private final InterruptFlag interrupt;
  private final Dirs dirs;
  private volatile Duration stepTime;
  private final Thread worker;
  /** Signature → outputs, from the previous prompt only (ComfyUI drops entries no prompt uses). */
  private Map<String, Cached> cache = new HashMap<>();
  private volatile boolean freeMemoryRequested;
  private volatile String runningClientId;
  private volatile String lastNodeId;

  PromptExecutor(
      PromptQueue queue,
      WsHub hub,
      SimulatedNodes nodes,
      NodeCatalog catalog,
      Faults faults,
      InterruptFlag interrupt,
      Dirs dirs,
      Duration stepTime) {
    this.queue = queue;
    this.hub = hub;
    this.nodes = nodes;
    this.catalog = catalog;
    this.faults = faults;
    this.interrupt = interrupt;
    this.dirs = dirs;
    this.stepTime = stepTime;
    this.worker = new Thread(this::loop, "comfyui-sim-worker");
    this.worker.setDaemon(true);
  }

  void start() {
    worker.start();
  }

  /** Each sampler step of the prompts from now on takes {@code time}. */
  void stepTime(Duration time) {
    this.stepTime = time;
  }

  void stop() {
    worker.interrupt();
    try {
      worker.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void requestFreeMemory() {
    freeMemoryRequested = true;
  }

  /** The node running for {@code clientId}, if that client's prompt is running (for reconnects). */
  String runningNodeFor(String clientId) {
    return clientId.equals(runningClientId) ? lastNodeId : null;
  }

  private void loop() {
    while (!Thread.currentThread().isInterrupted()) {
      PromptQueue.Item item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        new Run(item).execute();
      } catch (WorkerStopped e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("simulated engine failed outside a node while running {}", item.promptId(), e);
      }
    }
  }

  /** The worker thread was interrupted (server stopping); the prompt is abandoned, as a killed process would. */
  private static final class WorkerStopped extends RuntimeException {
    WorkerStopped() {
      super(null, null, false, false);
    }
  }

  private final class Run implements NodeContext {
    private final PromptQueue.Item item;
    private final String promptId;
    private final String clientId;
    private final ObjectNode prompt;
    private final ArrayNode messages = JSON.arrayNode();
    private final Map<String, ObjectNode> progress = new LinkedHashMap<>();
    private final Map<String, SimulatedNodes.Result> results = new LinkedHashMap<>();
    private final Set<String> executed = new LinkedHashSet<>();
    private final ObjectNode uiOutputs = JSON.objectNode();
    private final ObjectNode meta = JSON.objectNode();
    private String current;

    Run(PromptQueue.Item item) {
      this.item = item;
      this.promptId = item.promptId();
      this.clientId = item.clientId();
      this.prompt = item.prompt();
    }

    void execute() {
      interrupt.reset();
      if (freeMemoryRequested) {
        freeMemoryRequested = false;
        cache = new HashMap<>();
      }
      runningClientId = clientId;
      addMessage("execution_start", JSON.objectNode().put("prompt_id", promptId), false);

      boolean success = false;
      Map<String, Cached> nextCache = new HashMap<>();
      try {
        List<String> order = dependencyOrder(item.outputs());
        Map<String, String> signatures = signatures(order);
        ObjectNode cachedMessage = JSON.objectNode();
        ArrayNode cachedIds = cachedMessage.putArray("nodes");
        Set<String> cached = new HashSet<>();
        prompt.fieldNames().forEachRemaining(id -> {
          if (signatures.containsKey(id) && cache.containsKey(signatures.get(id))) {
            cached.add(id);
            cachedIds.add(id);
          }
        });
        cachedMessage.put("prompt_id", promptId);
        addMessage("execution_cached", cachedMessage, false);

        Set<String> staged = staged(item.outputs(), cached);
        for (String id : order) {
          if (!staged.contains(id)) {
            if (cached.contains(id)) results.put(id, cache.get(signatures.get(id)).result());
            continue;
          }
          if (interrupt.isSet()) throw new ProcessingInterrupted();
          String sig = signatures.get(id);
          if (cached.contains(id)) {
            SimulatedNodes.Result r = cache.get(sig).result();
            results.put(id, r);
            nextCache.put(sig, new Cached(r));
            sendToClient("executed", executedMessage(id, r.ui()));
            recordUi(id, r.ui());
            finishProgress(id, "finished");
            continue;
          }
          runNode(id);
          nextCache.put(sig, new Cached(results.get(id)));
        }
        success = true;
        addMessage("execution_success", JSON.objectNode().put("prompt_id", promptId), false);
      } catch (ProcessingInterrupted e) {
        ObjectNode m = JSON.objectNode().put("prompt_id", promptId);
        m.put("node_id", current);
        m.put("node_type", current == null ? null : classType(current));
        m.set("executed", ids(executed));
        addMessage("execution_interrupted", m, true);
      } catch (NodeFailure e) {
        reportError(e.exceptionType(), e.getMessage());
      } catch (WorkerStopped e) {
        throw e;
      } catch (RuntimeException e) {
        LOG.warn("simulated node {} failed unexpectedly", current, e);
        reportError(e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
      } finally {
        runningClientId = null;
        lastNodeId = null;
      }
      // Keep what this prompt used, drop the rest (failures are not cached).
      results.forEach((id, r) -> {
        String sig = signaturesSafe(id);
        if (sig != null) nextCache.putIfAbsent(sig, new Cached(r));
      });
      cache = nextCache;

      ObjectNode status = JSON.objectNode();
      status.put("status_str", success ? "success" : "error");
      status.put("completed", success);
      status.set("messages", messages);
      queue.done(item, uiOutputs, status, meta);
      if (clientId != null) {
        ObjectNode done = JSON.objectNode();
        done.set("node", NullNode.getInstance());
        done.put("prompt_id", promptId);
        hub.send("executing", done, clientId);
      }
    }

    private final Map<String, String> signatureMemo = new HashMap<>();

    private String signaturesSafe(String id) {
      return signatureMemo.get(id);
    }

    private void runNode(String id) {
      current = id;
      lastNodeId = id;
      startProgress(id);
      ObjectNode executing = JSON.objectNode().put("node", id).put("display_node", id).put("prompt_id", promptId);
      sendToClient("executing", executing);
      String classType = classType(id);
      Map<String, Object> inputs = resolveInputs(id);
      faults.failureFor(classType).ifPresent(f -> {
        throw new NodeFailure(f.exceptionType(), f.message());
      });
      if (faults.hangs(classType)) hang();
      SimulatedNodes.Result r = nodes.node(classType).run(inputs, this);
      results.put(id, r);
      executed.add(id);
      if (r.ui() != null) {
        recordUi(id, r.ui());
        sendToClient("executed", executedMessage(id, r.ui()));
      }
      finishProgress(id, "finished");
    }

    private ObjectNode executedMessage(String id, ObjectNode ui) {
      ObjectNode m = JSON.objectNode().put("node", id).put("display_node", id);
      m.set("output", ui == null ? NullNode.getInstance() : ui);
      m.put("prompt_id", promptId);
      return m;
    }

    private void recordUi(String id, ObjectNode ui) {
      if (ui == null) return;
      uiOutputs.set(id, ui);
      ObjectNode m = meta.putObject(id);
      m.put("node_id", id);
      m.put("display_node", id);
      m.putNull("parent_node");
      m.put("real_node_id", id);
    }

    private void reportError(String exceptionType, String message) {
      if (current != null) finishProgress(current, "error");
      ObjectNode m = JSON.objectNode().put("prompt_id", promptId);
      m.put("node_id", current);
      m.put("node_type", current == null ? null : classType(current));
      m.set("executed", ids(executed));
      m.put("exception_message", message);
      m.put("exception_type", exceptionType);
      ArrayNode tb = m.putArray("traceback");
      tb.add("  File \"darkroom-simulated-engine\", in node " + current + " (" + (current == null ? "?" : classType(current)) + ")\n");
      tb.add("    simulated failure: no Python code ran\n");
      ObjectNode currentInputs = m.putObject("current_inputs");
      if (current != null) {
        prompt.get(current).path("inputs").fields().forEachRemaining(e -> {
          ArrayNode values = currentInputs.putArray(e.getKey());
          JsonNode v = e.getValue();
          if (v.isArray() && v.size() == 2 && results.containsKey(v.get(0).asText())) {
            List<Object> outs = results.get(v.get(0).asText()).outputs();
            int slot = v.get(1).asInt();
            values.add(slot >= 0 && slot < outs.size() ? String.valueOf(outs.get(slot)) : "None");
          } else {
            values.add(v);
          }
        });
      }
      m.set("current_outputs", ids(results.keySet()));
      addMessage("execution_error", m, false);
    }

    private void addMessage(String event, ObjectNode data, boolean broadcast) {
      data.put("timestamp", System.currentTimeMillis());
      messages.addArray().add(event).add(data);
      if (clientId != null || broadcast) hub.send(event, data, clientId);
    }

    private void sendToClient(String event, ObjectNode data) {
      if (clientId != null) hub.send(event, data, clientId);
    }

    private void startProgress(String id) {
      progress.put(id, progressEntry(id, 0, 1, "running"));
      sendProgressState();
    }

    private void finishProgress(String id, String state) {
      ObjectNode entry = progress.get(id);
      int max = entry == null ? 1 : entry.get("max").asInt();
      progress.put(id, progressEntry(id, max, max, state));
      sendProgressState();
    }

    private ObjectNode progressEntry(String id, int value, int max, String state) {
      ObjectNode e = JSON.objectNode();
      e.put("value", value);
      e.put("max", max);
      e.put("state", state);
      e.put("node_id", id);
      e.put("prompt_id", promptId);
      e.put("display_node_id", id);
      e.putNull("parent_node_id");
      e.put("real_node_id", id);
      return e;
    }

    private void sendProgressState() {
      ObjectNode m = JSON.objectNode().put("prompt_id", promptId);
      ObjectNode all = m.putObject("nodes");
      progress.forEach((k, v) -> all.set(k, v.deepCopy()));
      hub.send("progress_state", m, clientId);
    }

    @Override
    public void progress(int value, int max) {
      PreviewFrames.Image preview = LatentPreviews.previews(classType(current))
          ? new PreviewFrames.Image(PreviewFrames.JPEG, LatentPreviews.jpeg(promptId, current, value, max)) : null;
      step(value, max, preview);
      holdWhileAsked(value);
    }

    @Override
    public void progress(int value, int max, java.awt.image.BufferedImage image) {
      step(value, max, new PreviewFrames.Image(PreviewFrames.PNG, LatentPreviews.png(image)));
    }

    /**
     * One step, in ComfyUI's order (main.py {@code hijack_progress}): {@code progress_state}, the image
     * with metadata to a client that asked for it, {@code progress}, the image as a plain preview to
     * any other.
     */
    private void step(int value, int max, PreviewFrames.Image image) {
      if (interrupt.isSet()) throw new ProcessingInterrupted();
      progress.put(current, progressEntry(current, value, max, "running"));
      sendProgressState();
      boolean metadata = hub.wantsPreviewMetadata(clientId);
      if (image != null && metadata) {
        hub.sendBinary(ByteBuffer.wrap(PreviewFrames.withMetadata(image.type(), image.encoded(), current, promptId)), clientId);
      }
      ObjectNode m = JSON.objectNode().put("value", value).put("max", max).put("prompt_id", promptId).put("node", current);
      hub.send("progress", m, clientId);
      if (image != null && !metadata) {
        hub.sendBinary(ByteBuffer.wrap(PreviewFrames.previewImage(image.type(), image.encoded())), clientId);
      }
    }

    /** Stays at this step while a test holds the node here (see {@link Faults#holdAtStep}). */
    private void holdWhileAsked(int step) {
      String classType = classType(current);
      try {
        while (faults.holdsAt(classType, step)) {
          if (interrupt.awaitFor(HOLD_POLL)) throw new ProcessingInterrupted();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkerStopped();
      }
    }

    @Override
    public void step() {
      try {
        if (stepTime.isZero()) {
          if (interrupt.isSet()) throw new ProcessingInterrupted();
          return;
        }
        if (interrupt.awaitFor(stepTime)) throw new ProcessingInterrupted();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkerStopped();
      }
    }

    @Override
    public void hang() {
      try {
        interrupt.awaitFor(null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkerStopped();
      }
      throw new ProcessingInterrupted();
    }

    @Override
    public String nodeId() {
      return current;
    }

    @Override
    public Duration stepTime() {
      return stepTime;
    }

    @Override
    public Path inputDir() {
      return dirs.input();
    }

    @Override
    public Path outputDir() {
      return dirs.output();
    }

    @Override
    public Path tempDir() {
      return dirs.temp();
    }

    @Override
    public ObjectNode prompt() {
      return prompt;
    }

    @Override
    public JsonNode extraPngInfo() {
      return item.extraData().get("extra_pnginfo");
    }

    private String classType(String id) {
      return prompt.get(id).get("class_type").asText();
    }

    private Map<String, Object> resolveInputs(String id) {
      Map<String, Object> out = new LinkedHashMap<>();
      prompt.get(id).path("inputs").fields().forEachRemaining(e -> {
        JsonNode v = e.getValue();
        if (isLink(v)) {
          SimulatedNodes.Result src = results.get(v.get(0).asText());
          int slot = v.get(1).asInt();
          int size = src.outputs().size();
          out.put(e.getKey(), src.outputs().get(slot < 0 ? slot + size : slot));
        } else {
          out.put(e.getKey(), v);
        }
      });
      return out;
    }

    private boolean isLink(JsonNode v) {
      return v.isArray() && v.size() == 2 && v.get(0).isTextual() && prompt.has(v.get(0).textValue())
          && v.get(1).isIntegralNumber();
    }

    /** Ancestors of the outputs, each after its inputs (iterative: graphs may be deep). */
    private List<String> dependencyOrder(List<String> outputs) {
      List<String> order = new ArrayList<>();
      Set<String> done = new HashSet<>();
      Set<String> onPath = new HashSet<>();
      for (String output : outputs) {
        Deque<String[]> stack = new ArrayDeque<>();
        stack.push(new String[] {output, "enter"});
        while (!stack.isEmpty()) {
          String[] top = stack.pop();
          String id = top[0];
          if (top[1].equals("exit")) {
            onPath.remove(id);
            if (done.add(id)) order.add(id);
            continue;
          }
          if (done.contains(id)) continue;
          if (!onPath.add(id)) {
            throw new NodeFailure("graph.DependencyCycleError", "Dependency cycle detected");
          }
          stack.push(new String[] {id, "exit"});
          List<String> sources = new ArrayList<>();
          prompt.get(id).path("inputs").forEach(v -> {
            if (isLink(v)) sources.add(v.get(0).textValue());
          });
          for (int i = sources.size() - 1; i >= 0; i--) {
            if (!done.contains(sources.get(i))) stack.push(new String[] {sources.get(i), "enter"});
          }
        }
      }
      return order;
    }

    /** The outputs plus every uncached node reachable from them through uncached nodes. */
    private Set<String> staged(List<String> outputs, Set<String> cached) {
      Set<String> staged = new HashSet<>();
      Deque<String> todo = new ArrayDeque<>(outputs);
      while (!todo.isEmpty()) {
        String id = todo.pop();
        if (!staged.add(id)) continue;
        if (cached.contains(id)) continue;
        prompt.get(id).path("inputs").forEach(v -> {
          if (isLink(v) && !cached.contains(v.get(0).textValue())) todo.push(v.get(0).textValue());
        });
      }
      return staged;
    }

    /** A hash of each node's class and inputs, links replaced by their source's hash. */
    private Map<String, String> signatures(List<String> order) {
      for (String id : order) {
        JsonNode node = prompt.get(id);
        StringBuilder key = new StringBuilder(node.get("class_type").asText());
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        node.path("inputs").fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((name, v) -> {
          key.append('|').append(name).append('=');
          if (isLink(v)) key.append('@').append(signatureMemo.get(v.get(0).textValue())).append(':').append(v.get(1).asInt());
          else key.append(v);
        });
        if (catalog.customValidatedInputs(node.get("class_type").asText()).contains("image")) {
          key.append('|').append(fileStamp(node.path("inputs").path("image").asText()));
        }
        signatureMemo.put(id, sha256(key.toString()));
      }
      return signatureMemo;
    }

    /** LoadImage's IS_CHANGED: a changed file must not come from the cache. */
    private String fileStamp(String annotated) {
      Path file = InputFiles.resolve(this, annotated);
      try {
        return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
      } catch (java.io.IOException e) {
        return "missing";
      }
    }
  }

  private static ArrayNode ids(Iterable<String> ids) {
    ArrayNode a = JSON.arrayNode();
    ids.forEach(a::add);
    return a;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
