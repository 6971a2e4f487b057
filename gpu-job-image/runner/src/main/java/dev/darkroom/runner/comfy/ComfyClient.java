package dev.darkroom.runner.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.MultipartForm;
import dev.darkroom.core.job.PromptIds;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobLiveStream;
import dev.darkroom.runner.EngineUnavailableException;
import dev.darkroom.runner.OutputFile;
import dev.darkroom.runner.PromptEngine;
import dev.darkroom.runner.PromptOutcome;
import dev.darkroom.runner.PromptRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one ComfyUI over its own protocol (COMFYUI_API.md §1, §3-§5, §7): opens
 * {@code /ws?clientId=} before posting (ComfyUI drops events for absent sockets), posts the prompt
 * under the job's id, follows the socket's frames for that id, then reads the outcome and the
 * output list from {@code /history/{id}}.
 *
 * <p>The socket is only the fast path. If it drops or goes quiet, the prompt is followed by
 * polling {@code /history/{id}} with backoff (and {@code /queue} to tell "still queued or running"
 * from "ComfyUI has forgotten it"), while trying to reconnect. A watchdog interrupts a prompt that
 * shows no progress for {@link Settings#idleTimeout}.
 */
public final class ComfyClient implements PromptEngine {
  private static final Logger log = LoggerFactory.getLogger(ComfyClient.class);

  /** Consecutive failed polls after which ComfyUI is taken to be gone. */
  private static final int MAX_FAILED_POLLS = 4;

  private final Settings settings;
  private final HttpClient http;
  private final ObjectMapper json;
  private final JobLiveStream live;

  /**
   * How often {@link #awaitReady} asks: a fixed short interval, since the task's first claim waits on
   * it and a question to a ComfyUI on the same machine costs next to nothing (refused at once while
   * it boots).
   */
  static final Duration READY_POLL = Duration.ofMillis(100);

  /**
   * @param idleTimeout the watchdog: no frame about the prompt for this long ends it as timed out
   * @param quietAfter no frame for this long and the socket is not trusted alone: poll as well
   * @param firstPoll the first polling delay, doubling up to {@code maxPoll}
   */
  private volatile PromptWatch following;

  public record Settings(URI baseUrl, Duration idleTimeout, Duration quietAfter, Duration firstPoll,
      Duration maxPoll, Duration requestTimeout) {

    public static Settings defaults(URI baseUrl, Duration idleTimeout) {
      return new Settings(baseUrl, idleTimeout, Duration.ofSeconds(10), Duration.ofMillis(250),
          Duration.ofSeconds(5), Duration.ofSeconds(30));
    }
  }

  public ComfyClient(Settings settings, ObjectMapper json) {
    this(settings, json, JobLiveStream.NONE);
  }

  /** @param live where the engine's frames about each job go for its followers ({@link LiveRelay}) */
  public ComfyClient(Settings settings, ObjectMapper json, JobLiveStream live) {
    this.settings = settings;
    this.json = json;
    this.live = live;
    // HTTP/1.1: what ComfyUI (aiohttp) speaks; spares a refused h2c upgrade on every request.
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Override
  public void awaitReady(Duration timeout) throws EngineUnavailableException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String problem;
      try {
        int status = http.send(get("/queue"), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          return;
        }
        problem = "GET /queue answered " + status;
      } catch (IOException e) {
        problem = e.toString();
      }
      if (System.nanoTime() >= deadline) {
        throw new EngineUnavailableException("ComfyUI at " + settings.baseUrl() + " was not ready within "
            + timeout + ": " + problem);
      }
      Thread.sleep(Math.max(1, Math.min(READY_POLL.toMillis(), Duration.ofNanos(deadline - System.nanoTime()).toMillis())));
    }
  }

  @Override
  public ObjectNode objectInfo() throws EngineUnavailableException, InterruptedException {
    try {
      HttpResponse<String> response = http.send(get("/object_info"), HttpResponse.BodyHandlers.ofString());
      JsonNode info = response.statusCode() == 200 ? readJson(response.body()) : null;
      if (!(info instanceof ObjectNode objectInfo)) {
        throw new EngineUnavailableException("GET /object_info answered " + response.statusCode() + " without a catalog");
      }
      return objectInfo;
    } catch (IOException e) {
      throw new EngineUnavailableException("GET /object_info failed: " + e.getMessage(), e);
    }
  }

  @Override
  public PromptOutcome run(PromptRequest request, Consumer<Progress> progress)
      throws EngineUnavailableException, InterruptedException {
    String promptId = PromptIds.forEngine(request.promptId());
    // A socket of its own per prompt: closing it cannot unregister a later prompt's socket.
    String clientId = "darkroom-runner-" + promptId;
    LiveRelay relay = LiveRelay.start(live, request.promptId(), promptId);
    PromptWatch watch = new PromptWatch(promptId, progress, relay);
    following = watch;
    ComfySocket socket;
    try {
      socket = openSocket(clientId, watch);
    } catch (IOException e) {
      // The HTTP API may still work (the POST below finds out): follow by polling instead.
      log.warn("no WebSocket from ComfyUI ({}); following prompt {} by polling /history", e.getMessage(), promptId);
      socket = ComfySocket.none(watch, json);
    }
    try {
      Optional<PromptOutcome> refused = submit(request, promptId, clientId);
      if (refused.isPresent()) {
        return refused.get();
      }
      watch.restartIdleClock();
      return follow(promptId, clientId, watch, socket);
    } finally {
      following = null;
      watch.close();
      socket.close(); // idempotent; follow closes any socket that replaced this one
      relay.close();
    }
  }

  private Optional<PromptOutcome> submit(PromptRequest request, String promptId, String clientId)
      throws EngineUnavailableException, InterruptedException {
    ObjectNode body = json.createObjectNode();
    body.set("prompt", request.prompt());
    body.put("client_id", clientId);
    body.put("prompt_id", promptId);
    body.set("extra_data", request.extraData() == null ? json.createObjectNode() : request.extraData());
    HttpResponse<String> response;
    try {
      response = http.send(post("/prompt", body), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new EngineUnavailableException("cannot post the prompt: " + e.getMessage(), e);
    }
    if (response.statusCode() == 200) {
      JsonNode accepted = readJson(response.body());
      if (accepted.path("node_errors").size() > 0) {
        // ComfyUI runs the outputs that passed validation and drops the rest (§1).
        log.warn("ComfyUI accepted prompt {} but dropped outputs: {}", request.promptId(), accepted.path("node_errors"));
      }
      return Optional.empty();
    }
    return Optional.of(new PromptOutcome.Failed(
        ComfyProtocol.rejection(response.statusCode(), readJson(response.body()))));
  }

  private PromptOutcome follow(String promptId, String clientId, PromptWatch watch, ComfySocket first)
      throws EngineUnavailableException, InterruptedException {
    Backoff pollDelay = new Backoff(settings.firstPoll(), settings.maxPoll());
    int failedPolls = 0;
    ComfySocket socket = first;
    try {
      while (true) {
        PromptWatch.Signal signal = watch.signal();
        if (signal instanceof PromptWatch.Signal.Errored errored) {
          return new PromptOutcome.Failed(errored.error());
        }
        if (signal instanceof PromptWatch.Signal.Interrupted) {
          return new PromptOutcome.Interrupted();
        }
        Duration idle = watch.idleFor();
        if (idle.compareTo(settings.idleTimeout()) >= 0) {
          log.warn("prompt {}: no progress for {} ms, interrupting it", promptId, idle.toMillis());
          interrupt(promptId);
          return new PromptOutcome.TimedOut(idle);
        }
        Duration untilTimeout = settings.idleTimeout().minus(idle);
        boolean polling = signal != null || !socket.isOpen() || idle.compareTo(settings.quietAfter()) >= 0;
        if (!polling) {
          watch.awaitNews(signal, min(settings.quietAfter().minus(idle), untilTimeout));
          continue;
        }
        try {
          Optional<PromptOutcome> outcome = poll(promptId, signal != null);
          if (outcome.isPresent()) {
            return outcome.get();
          }
          failedPolls = 0;
        } catch (IOException e) {
          if (++failedPolls >= MAX_FAILED_POLLS) {
            throw new EngineUnavailableException("ComfyUI stopped answering while running prompt " + promptId, e);
          }
          log.warn("prompt {}: polling ComfyUI failed ({}), will retry", promptId, e.toString());
        }
        if (!socket.isOpen()) {
          socket = reopen(clientId, watch, socket);
        }
        watch.awaitNews(signal, min(pollDelay.next(), untilTimeout));
      }
    } finally {
      socket.close(); // the one in use now, which may be a reconnected one
    }
  }

  /**
   * One look at the prompt without the socket: its history entry if it has one. If not, and the
   * socket has not said it finished, the queue must still hold it; if it holds it no more, the
   * history is read once again (the prompt may have finished in between) before giving up on it.
   */
  private Optional<PromptOutcome> poll(String promptId, boolean socketSaidDone)
      throws IOException, InterruptedException, EngineUnavailableException {
    Optional<PromptOutcome> outcome = history(promptId);
    if (outcome.isPresent() || socketSaidDone || queueHolds(promptId)) {
      return outcome;
    }
    outcome = history(promptId);
    if (outcome.isEmpty()) {
      throw new EngineUnavailableException("ComfyUI has neither queued nor finished prompt " + promptId
          + " (restarted?)");
    }
    return outcome;
  }

  private Optional<PromptOutcome> history(String promptId) throws IOException, InterruptedException {
    JsonNode entry = getJson("/history/" + encode(promptId)).path(promptId);
    return entry.isObject() ? Optional.of(ComfyProtocol.outcomeOf(entry)) : Optional.empty();
  }

  private boolean queueHolds(String promptId) throws IOException, InterruptedException {
    JsonNode queue = getJson("/queue");
    for (String list : new String[] {"queue_running", "queue_pending"}) {
      for (JsonNode item : queue.path(list)) {
        // Items are [number, prompt_id, prompt, extra_data, outputs_to_execute] (§3).
        if (promptId.equals(item.path(1).asText(null))) {
          return true;
        }
      }
    }
    return false;
  }

  private ComfySocket reopen(String clientId, PromptWatch watch, ComfySocket lost) throws InterruptedException {
    try {
      ComfySocket socket = openSocket(clientId, watch);
      log.info("reconnected ComfyUI's WebSocket as {}", clientId);
      lost.close();
      return socket;
    } catch (IOException e) {
      log.debug("WebSocket still down: {}", e.toString());
      return lost;
    }
  }

  /**
   * After a pause (Cloud Run's maintenance freezes the task between SIGTSTP and SIGCONT) the time
   * frozen is not the prompt's idleness: the watchdog starts counting again. A socket the pause
   * reset is noticed as quiet and replaced, as for any drop.
   */
  @Override
  public void resumed() {
    PromptWatch watch = following;
    if (watch != null) {
      watch.restartIdleClock();
    }
  }

  @Override
  public void interrupt(String jobId) {
    String promptId = PromptIds.forEngine(jobId);
    try {
      ObjectNode body = json.createObjectNode().put("prompt_id", promptId);
      int status = http.send(post("/interrupt", body), HttpResponse.BodyHandlers.discarding()).statusCode();
      log.info("posted /interrupt for prompt {} ({})", promptId, status);
    } catch (IOException e) {
      log.warn("could not interrupt prompt {}: {}", promptId, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String uploadInput(String subfolder, String filename, byte[] content)
      throws EngineUnavailableException, InterruptedException {
    MultipartForm.Encoded form = MultipartForm.encode(List.of(
        MultipartForm.field("type", "input"), MultipartForm.field("subfolder", subfolder),
        MultipartForm.field("overwrite", "true"),
        new MultipartForm.Part("image", filename, "application/octet-stream", content)));
    HttpRequest request = HttpRequest.newBuilder(settings.baseUrl().resolve("/upload/image"))
        .timeout(Duration.ofMinutes(2))
        .header("Content-Type", form.contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new EngineUnavailableException("uploading input " + filename + ": " + e);
    }
    JsonNode answer = readJson(response.body());
    if (response.statusCode() != 200 || !answer.path("name").isTextual()) {
      throw new EngineUnavailableException("POST /upload/image for " + filename + " answered "
          + response.statusCode() + ": " + ComfyProtocol.abbreviate(String.valueOf(response.body())));
    }
    String sub = answer.path("subfolder").asText("");
    return sub.isEmpty() ? answer.get("name").asText() : sub + "/" + answer.get("name").asText();
  }

  @Override
  public InputStream open(OutputFile file) throws IOException {
    String query = "/view?filename=" + encode(file.filename()) + "&subfolder=" + encode(file.subfolder())
        + "&type=" + encode(file.type());
    HttpRequest request = HttpRequest.newBuilder(settings.baseUrl().resolve(query))
        .timeout(Duration.ofMinutes(10)) // outputs can be videos; still, never wait forever
        .GET().build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted downloading " + file.filename(), e);
    }
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("GET /view for " + file.filename() + " answered " + response.statusCode());
    }
    return response.body();
  }

  private ComfySocket openSocket(String clientId, PromptWatch watch) throws IOException, InterruptedException {
    URI base = settings.baseUrl();
    String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
    URI uri = URI.create(scheme + "://" + base.getRawAuthority() + "/ws?clientId=" + encode(clientId));
    return ComfySocket.open(http, uri, watch, json, Duration.ofSeconds(5));
  }

  /** A GET that must answer 200; anything else counts as a failed poll. */
  private JsonNode getJson(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(get(pathAndQuery), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + pathAndQuery + " answered " + response.statusCode());
    }
    return readJson(response.body());
  }

  private HttpRequest get(String pathAndQuery) {
    return HttpRequest.newBuilder(settings.baseUrl().resolve(pathAndQuery))
        .timeout(settings.requestTimeout()).GET().build();
  }

  private HttpRequest post(String path, JsonNode body) throws IOException {
    return HttpRequest.newBuilder(settings.baseUrl().resolve(path))
        .timeout(settings.requestTimeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
        .build();
  }

  private JsonNode readJson(String body) {
    try {
      return body == null || body.isBlank() ? json.missingNode() : json.readTree(body);
    } catch (IOException e) {
      return json.missingNode();
    }
  }

  /** Query values the way ComfyUI (aiohttp) decodes them: spaces as %20, never '+'. */
  private static String encode(String value) {
    return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Delays that double from {@code first} up to {@code max}. Used by one thread. */
  private static final class Backoff {
    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
      this.next = first;
      this.max = max;
    }

    Duration next() {
      Duration current = next;
      next = min(next.multipliedBy(2), max);
      return current;
    }
  }
}
