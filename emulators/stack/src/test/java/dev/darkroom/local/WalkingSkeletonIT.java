package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.emulators.eventarc.Trigger;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.FirestoreJobStore;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The spine, end to end through the real path: HTTP → api function → Firestore + ledger → Pub/Sub
 * → Eventarc bridge → dispatch function → Cloud Run Jobs → runner → simulated ComfyUI → Cloud
 * Storage → job events → job-events function → Firestore + ledger; then history and /view.
 */
class WalkingSkeletonIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static LocalStack stack;
  private static GoogleClients clients;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void startStack() {
    stack = SharedStack.get();
    clients = new GoogleClients(GoogleCloudConfig.from(new Env(stack.functionEnvironment())));
  }

  @AfterAll
  static void stopStack() {
    Resources.closeAll(clients);
  }

  @Test
  void anSd15PromptBecomesAPngThatEveryStoreRecords() throws Exception {
    String workflow;
    try (InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/prompt"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":" + workflow + "}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    String promptId = JSON.readTree(posted.body()).get("prompt_id").asText();

    JsonNode entry = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
        .until(() -> JSON.readTree(get("/history/" + promptId).body()).get(promptId), e -> e != null);
    assertThat(entry.at("/status/status_str").asText()).as(entry.toString()).isEqualTo("success");
    JsonNode image = entry.at("/outputs/9/images/0");
    assertThat(image.isObject()).as(entry.toString()).isTrue();

    HttpResponse<String> view = get("/view?filename=" + enc(image.get("filename").asText())
        + "&subfolder=" + enc(image.get("subfolder").asText()) + "&type=" + enc(image.get("type").asText()));
    assertThat(view.statusCode()).isEqualTo(302);
    HttpResponse<byte[]> png = http.send(
        HttpRequest.newBuilder(URI.create(view.headers().firstValue("Location").orElseThrow())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(png.body()).startsWith(PNG_MAGIC);

    Job job = new FirestoreJobStore(clients.firestore()).get(promptId).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(job.outputs()).hasSize(1);
    JobOutput output = job.outputs().get(0);
    assertThat(output.objectName()).startsWith("outputs/local/" + promptId + "/");
    assertThat(output.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png.body())));

    Blob stored = clients.storage().get(BlobId.of(LocalStack.OUTPUTS_BUCKET, output.objectName()));
    assertThat(stored).isNotNull();
    assertThat(stored.getSize()).isEqualTo(png.body().length);
    assertThat(stored.getContentType()).isEqualTo("image/png");

    try (Connection db = stack.ledgerDatabase().getConnection();
         PreparedStatement jobs = db.prepareStatement("SELECT status, user_id FROM jobs WHERE id = ?");
         PreparedStatement outputs = db.prepareStatement("SELECT object_name, size_bytes, sha256 FROM job_outputs WHERE job_id = ?")) {
      jobs.setString(1, promptId);
      try (ResultSet row = jobs.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString("status")).isEqualTo("succeeded");
        assertThat(row.getString("user_id")).isEqualTo("local");
      }
      outputs.setString(1, promptId);
      try (ResultSet row = outputs.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString("object_name")).isEqualTo(output.objectName());
        assertThat(row.getLong("size_bytes")).isEqualTo(png.body().length);
        assertThat(row.getString("sha256")).isEqualTo(output.sha256());
        assertThat(row.next()).isFalse();
      }
    }
  }

  @Test
  void aRunningJobInterruptedByItsClientEndsInterruptedInHistory() throws Exception {
    String workflow;
    try (InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      // A seed of its own: a cached KSampler would not run, and so not hang.
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("712610403220747", "424242");
    }
    stack.engine().hangNode("KSampler");
    try {
      HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/prompt"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":" + workflow + "}")).build(),
          HttpResponse.BodyHandlers.ofString());
      String promptId = JSON.readTree(posted.body()).get("prompt_id").asText();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> JSON.readTree(get("/queue").body()).path("queue_running").toString().contains(promptId));

      HttpResponse<String> interrupt = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/interrupt"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"prompt_id\":\"" + promptId + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(interrupt.statusCode()).isEqualTo(200);

      JsonNode entry = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> JSON.readTree(get("/history/" + promptId).body()).get(promptId), e -> e != null);
      assertThat(entry.at("/status/status_str").asText()).isEqualTo("error");
      assertThat(entry.at("/status/messages").toString()).contains("execution_interrupted");
      assertThat(new FirestoreJobStore(clients.firestore()).get(promptId).orElseThrow().status())
          .isEqualTo(JobStatus.CANCELLED);
    } finally {
      stack.engine().clearFaults();
    }
  }

  @Test
  void aCheckpointTheEngineDoesNotHaveIsRefusedBeforeAnythingIsQueued() throws Exception {
    String workflow;
    try (InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("dreamshaper_8.safetensors", "nope.safetensors");
    }
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/prompt"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":" + workflow + "}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(posted.body());
    assertThat(body.at("/error/type").asText()).isEqualTo("prompt_outputs_failed_validation");
    assertThat(body.at("/node_errors/4/errors/0/type").asText()).isEqualTo("value_not_in_list");
    assertThat(body.at("/node_errors/4/class_type").asText()).isEqualTo("CheckpointLoaderSimple");
  }

  /**
   * Bound to 127.0.0.1 only: a wildcard (0.0.0.0) listener would also answer on 127.0.0.2, which
   * every Linux machine routes to loopback, and on the machine's other addresses.
   */
  @Test
  void theApiListensOnLoopbackOnly() throws Exception {
    int port = URI.create(stack.apiUrl()).getPort();
    java.util.List<java.net.InetAddress> elsewhere = new java.util.ArrayList<>();
    elsewhere.add(java.net.InetAddress.getByName("127.0.0.2"));
    java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).forEach(i ->
        java.util.Collections.list(i.getInetAddresses()).stream().filter(a -> !a.isLoopbackAddress()).forEach(elsewhere::add));
    for (java.net.InetAddress address : elsewhere) {
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress(address, port), 500);
        throw new AssertionError("the API answered on " + address);
      } catch (java.net.ConnectException | java.net.SocketTimeoutException | java.net.NoRouteToHostException refused) {
        // nothing listens there: as it should be
      }
    }
    assertThat(get("/history/none").statusCode()).isEqualTo(200);
  }

  /**
   * A person's prompt after a quiet spell: its end must reach /history about as fast as a prompt's
   * right after another. (Pub/Sub's streaming client closed idle streams every 20 s against the
   * emulator, and the last events of a prompt then waited out an ack deadline: 30 to 70 s.) Asserts
   * that both end well; the ratio of their latencies is printed, not asserted (no timed assertion,
   * as everywhere here): the bridge's test, EventarcBridgeIT, pins the delivery after an idle spell.
   */
  @Test
  void aPromptAfterAQuietSpellEndsAsPromptlyAsOneRightAfterAnother() throws Exception {
    String workflow;
    try (InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    postAndWait(workflow); // warm
    Duration busy = postAndWait(workflow);
    awaitQuietPastTheIdleLimit();
    Duration afterQuiet = postAndWait(workflow);
    System.out.printf("prompt latency after an idle spell: %.1f s; right after another: %.1f s; ratio %.2fx%n",
        afterQuiet.toMillis() / 1000.0, busy.toMillis() / 1000.0, afterQuiet.toMillis() / (double) busy.toMillis());
  }

  /**
   * Browsers through the edge, as in the cloud through the load balancer: a page on this machine
   * (the local stack allows any loopback origin) gets its preflight answered and may read the
   * answers; a page of another site is refused, over HTTP and over {@code /ws}, whose upgrade the
   * edge relays with the page's {@code Origin} for the gateway to check.
   */
  @Test
  void aPageOnThisMachineCallsThroughTheEdgeAndAPageOfAnotherSiteDoesNot() throws Exception {
    String page = "http://localhost:5173";
    HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/v2/jobs"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", page)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(page);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
        methods -> assertThat(methods).contains("POST"));
    assertThat(String.join(",", preflight.headers().allValues("Vary"))).contains("Origin");

    HttpResponse<String> queue = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/queue"))
        .header("Origin", page).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(queue.statusCode()).isEqualTo(200);
    assertThat(queue.headers().firstValue("Access-Control-Allow-Origin")).hasValue(page);

    HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/prompt"))
        .header("Origin", "https://evil.example.net").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":{}}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    URI ws = URI.create(stack.apiUrl().replace("http://", "ws://") + "/ws?clientId=cors-check");
    java.net.http.WebSocket socket = http.newWebSocketBuilder().header("Origin", page)
        .buildAsync(ws, new java.net.http.WebSocket.Listener() {}).get(30, java.util.concurrent.TimeUnit.SECONDS);
    socket.abort();
    java.util.concurrent.CompletableFuture<java.net.http.WebSocket> refused = http.newWebSocketBuilder()
        .header("Origin", "https://evil.example.net").buildAsync(ws, new java.net.http.WebSocket.Listener() {});
    assertThat(refused).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(java.net.http.WebSocketHandshakeException.class,
            handshake -> assertThat(handshake.getResponse().statusCode()).isEqualTo(403));
  }

  /**
   * Until the triggers a prompt goes through (dispatch, job events) have each had a long poll come
   * back empty ({@link Trigger#idlePulls()}): nothing flowed on them for about the 20 s after which
   * the streaming client closed its streams.
   */
  private static void awaitQuietPastTheIdleLimit() {
    Map<Trigger, Long> idleBefore = new HashMap<>();
    for (String topic : List.of(LocalStack.JOB_SUBMITTED, LocalStack.JOB_EVENTS)) {
      Trigger trigger = stack.cloud().eventarc().trigger(topic).orElseThrow();
      idleBefore.put(trigger, trigger.idlePulls());
    }
    await("a quiet spell past the idle limit on the prompt's triggers").atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> idleBefore.entrySet().stream().allMatch(e -> e.getKey().idlePulls() > e.getValue()));
  }

  /** POSTs the workflow and waits for its history entry: how long a client waits. */
  private Duration postAndWait(String workflow) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/prompt"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":" + workflow + "}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    String promptId = JSON.readTree(posted.body()).get("prompt_id").asText();
    JsonNode entry = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(() -> JSON.readTree(get("/history/" + promptId).body()).get(promptId), e -> e != null);
    assertThat(entry.at("/status/status_str").asText()).as(entry.toString()).isEqualTo("success");
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
