package dev.darkroom.runner.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * A scripted ComfyUI on MockWebServer, speaking just enough of its protocol for the runner: the
 * WebSocket (with the {@code status} greeting; events for a client without a socket are dropped,
 * as ComfyUI does), {@code POST /prompt}, {@code /history/{id}} ({@code {}} until written),
 * {@code /queue}, {@code /view} and {@code /interrupt}. What a prompt does once posted is a test's
 * {@link Script}, run on its own thread as ComfyUI's worker would.
 */
final class FakeComfyUi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** What the fake does with one accepted prompt. */
  @FunctionalInterface
  interface Script {
    void run(Prompt prompt) throws Exception;
  }

  private final MockWebServer server = new MockWebServer();
  private final Map<String, WebSocket> sockets = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> history = new ConcurrentHashMap<>();
  /** History reads that found nothing yet: a client that waits for ComfyUI's signal makes none. */
  final java.util.concurrent.atomic.AtomicInteger emptyHistoryReads = new java.util.concurrent.atomic.AtomicInteger();
  private final Set<String> queue = ConcurrentHashMap.newKeySet();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  final List<JsonNode> interrupts = new CopyOnWriteArrayList<>();
  final List<String> socketsOpened = new CopyOnWriteArrayList<>();
  private volatile Script script = prompt -> prompt.succeed(JSON.createObjectNode());
  private volatile MockResponse promptRejection;
  private volatile boolean refuseSockets;

  FakeComfyUi() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        requests.add(request);
        return route(request);
      }
    });
    server.start();
  }

  URI url() {
    return server.url("/").uri();
  }

  FakeComfyUi onPrompt(Script next) {
    this.script = next;
    return this;
  }

  /** {@code POST /prompt} answers this instead of accepting. */
  FakeComfyUi rejectPrompts(int code, String body) {
    this.promptRejection = new MockResponse.Builder().code(code).body(body).build();
    return this;
  }

  /** A file {@code /view} serves. */
  FakeComfyUi file(String type, String subfolder, String filename, byte[] content) {
    files.put(type + "|" + subfolder + "|" + filename, content);
    return this;
  }

  /** Sockets the server still holds: ones the client has not closed (or the server not dropped). */
  int openSockets() {
    return sockets.size();
  }

  void refuseSockets(boolean refuse) {
    this.refuseSockets = refuse;
  }

  long count(String method, String pathPrefix) {
    return requests.stream()
        .filter(r -> r.getMethod().equals(method) && r.getUrl().encodedPath().startsWith(pathPrefix))
        .count();
  }

  private MockResponse route(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    try {
      if (path.equals("/ws")) {
        return refuseSockets ? new MockResponse.Builder().code(503).build() : upgrade(request);
      }
      if (path.equals("/prompt") && request.getMethod().equals("POST")) {
        return prompt(JSON.readTree(request.getBody().utf8()));
      }
      if (path.startsWith("/history/")) {
        String id = path.substring("/history/".length());
        ObjectNode body = JSON.createObjectNode();
        ObjectNode entry = history.get(id);
        if (entry != null) {
          body.set(id, entry);
        } else {
          emptyHistoryReads.incrementAndGet();
        }
        return json(body);
      }
      if (path.equals("/object_info")) {
        // Core ComfyUI always has these two; the runner reads the catalog for LoadImage's input.
        return json((ObjectNode) JSON.readTree("{\"SaveImage\": {\"output_node\": true},"
            + "\"LoadImage\": {\"input\": {\"required\": {\"image\": [[], {\"image_upload\": true}]}}}}"));
      }
      if (path.equals("/queue")) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("queue_pending");
        var running = body.putArray("queue_running");
        queue.forEach(id -> running.addArray().add(0).add(id).addObject());
        return json(body);
      }
      if (path.equals("/interrupt")) {
        interrupts.add(JSON.readTree(request.getBody().utf8()));
        return new MockResponse.Builder().code(200).build();
      }
      if (path.equals("/view")) {
        var url = request.getUrl();
        byte[] content = files.get(url.queryParameter("type") + "|" + url.queryParameter("subfolder")
            + "|" + url.queryParameter("filename"));
        return content == null ? new MockResponse.Builder().code(404).build()
            : new MockResponse.Builder().code(200).body(new okio.Buffer().write(content)).build();
      }
    } catch (IOException e) {
      return new MockResponse.Builder().code(500).body(e.toString()).build();
    }
    return new MockResponse.Builder().code(404).build();
  }

  private MockResponse upgrade(RecordedRequest request) {
    String clientId = request.getUrl().queryParameter("clientId");
    return new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
      @Override
      public void onOpen(WebSocket socket, Response response) {
        sockets.put(clientId, socket);
        socketsOpened.add(clientId);
        socket.send("{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":0}},\"sid\":\""
            + clientId + "\"}}");
      }

      @Override
      public void onFailure(WebSocket socket, Throwable t, Response response) {
        sockets.remove(clientId, socket);
      }

      @Override
      public void onClosed(WebSocket socket, int code, String reason) {
        sockets.remove(clientId, socket);
      }
    }).build();
  }

  private MockResponse prompt(JsonNode body) {
    if (promptRejection != null) {
      return promptRejection;
    }
    String id = body.path("prompt_id").asText();
    queue.add(id);
    Prompt prompt = new Prompt(id, body.path("client_id").asText(), body);
    Script current = script;
    Thread worker = new Thread(() -> {
      try {
        current.run(prompt);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "fake-comfyui-worker");
    worker.setDaemon(true);
    worker.start();
    return json(JSON.createObjectNode().put("prompt_id", id).put("number", 1).set("node_errors", JSON.createObjectNode()));
  }

  private static MockResponse json(JsonNode body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body(body.toString()).build();
  }

  @Override
  public void close() {
    server.close();
  }

  /** One accepted prompt, as the worker sees it. */
  final class Prompt {
    final String id;
    final String clientId;
    final JsonNode posted;

    Prompt(String id, String clientId, JsonNode posted) {
      this.id = id;
      this.clientId = clientId;
      this.posted = posted;
    }

    /** Sends {@code {"type": type, "data": data + prompt_id}} to the prompt's client, if connected. */
    Prompt send(String type, ObjectNode data) {
      data.put("prompt_id", id);
      WebSocket socket = sockets.get(clientId);
      if (socket != null) {
        socket.send(JSON.createObjectNode().put("type", type).set("data", data).toString());
      }
      return this;
    }

    Prompt progress(String node, int value, int max) {
      return send("progress", JSON.createObjectNode().put("node", node).put("value", value).put("max", max));
    }

    /** A latent preview: a binary frame (event 1, format PNG, bytes). */
    Prompt preview() {
      WebSocket socket = sockets.get(clientId);
      if (socket != null) {
        socket.send(ByteString.of(new byte[] {0, 0, 0, 1, 0, 0, 0, 2, (byte) 0x89, 'P', 'N', 'G'}));
      }
      return this;
    }

    /**
     * Drops the prompt's socket. (A server-side okhttp socket cannot be reset, only closed; to the
     * client both mean the same: no more frames on this socket.)
     */
    Prompt dropSocket() {
      WebSocket socket = sockets.remove(clientId);
      if (socket != null) {
        socket.close(1011, "dropped by the test");
      }
      return this;
    }

    /**
     * Ends as ComfyUI does (§7): {@code execution_success}, then the history is written, then
     * {@code executing null}.
     */
    void succeed(ObjectNode outputs) {
      succeed(outputs, Duration.ZERO);
    }

    /** The same, with ComfyUI taking {@code historyDelay} to write the history after success. */
    void succeed(ObjectNode outputs, Duration historyDelay) {
      send("execution_success", JSON.createObjectNode());
      try {
        Thread.sleep(historyDelay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      writeHistory(outputs, "success", List.of("execution_success"), JSON.createObjectNode());
      send("executing", JSON.createObjectNode().putNull("node"));
    }

    /** Writes the history only, sending nothing (for a client that lost its socket). */
    void succeedSilently(ObjectNode outputs) {
      writeHistory(outputs, "success", List.of("execution_success"), JSON.createObjectNode());
    }

    void fail(String node, String exceptionType, String exceptionMessage) {
      ObjectNode data = JSON.createObjectNode().put("node_id", node).put("node_type", "KSampler")
          .put("exception_type", exceptionType).put("exception_message", exceptionMessage);
      data.putArray("traceback").add("Traceback (most recent call last): ...");
      send("execution_error", data.deepCopy());
      writeHistory(JSON.createObjectNode(), "error", List.of("execution_error"), data);
      send("executing", JSON.createObjectNode().putNull("node"));
    }

    /** Gone from the queue with no history, as after a ComfyUI restart. */
    void interruptedSilentlyAndForgotten() {
      queue.remove(id);
    }

    void interrupted() {
      ObjectNode data = JSON.createObjectNode().put("node_id", "3");
      send("execution_interrupted", data.deepCopy());
      writeHistory(JSON.createObjectNode(), "error", List.of("execution_interrupted"), data);
      send("executing", JSON.createObjectNode().putNull("node"));
    }

    private void writeHistory(ObjectNode outputs, String statusStr, List<String> terminal, ObjectNode terminalData) {
      ObjectNode entry = JSON.createObjectNode();
      entry.set("outputs", outputs);
      ObjectNode status = entry.putObject("status").put("status_str", statusStr).put("completed", statusStr.equals("success"));
      var messages = status.putArray("messages");
      messages.addArray().add("execution_start").addObject().put("prompt_id", id);
      terminal.forEach(event -> messages.addArray().add(event).add(terminalData.deepCopy().put("prompt_id", id)));
      history.put(id, entry);
      queue.remove(id);
    }
  }
}
