package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.emulators.eventarc.DeliveryFaults;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.FirestoreGpuPool;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v2/jobs} end to end on one local stack, through the public port (the {@link Edge})
 * to the api function on the Functions Framework: a job followed as Server-Sent Events from
 * queued to succeeded, idempotent submission under a burst of identical requests, paging, cancel.
 * The GPU side is the simulated ComfyUI; the user is the local stack's ({@code DARKROOM_AUTH=off}).
 */
class JobsApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static LocalStack stack;
  private static GoogleClients clients;
  private static GpuPool pool;
  private static String workflow;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void startStack() throws Exception {
    stack = SharedStack.get();
    clients = new GoogleClients(GoogleCloudConfig.from(new Env(stack.functionEnvironment())));
    pool = new FirestoreGpuPool(clients.firestore(), "gpuSlots", LocalStack.GPU_TASK_CAP);
    try (InputStream in = JobsApiIT.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @AfterAll
  static void stopStack() {
    Resources.closeAll(clients);
  }

  /** One event as an SSE client parses it. */
  record Event(String event, long id, JsonNode data) {}

  /** Reads the stream's lines as they arrive into events, until the server closes it. */
  private CompletableFuture<HttpResponse<Stream<String>>> follow(String jobId, List<Event> events, List<String> comments) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/v2/jobs/" + jobId + "/events"))
        .header("Accept", "text/event-stream").build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApplyAsync(response -> {
      String[] event = new String[1];
      long[] id = {-1};
      response.body().forEach(line -> {
        if (line.startsWith(":")) {
          comments.add(line);
        } else if (line.startsWith("event: ")) {
          event[0] = line.substring(7);
        } else if (line.startsWith("id: ")) {
          id[0] = Long.parseLong(line.substring(4));
        } else if (line.startsWith("data: ")) {
          try {
            events.add(new Event(event[0], id[0], JSON.readTree(line.substring(6))));
          } catch (Exception e) {
            throw new IllegalStateException(line, e);
          }
        }
      });
      return response;
    });
  }

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String submit(String seed) throws Exception {
    HttpResponse<String> created = post("/api/v2/jobs", "{\"prompt\":" + workflow.replace("712610403220747", seed) + "}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return JSON.readTree(created.body()).get("id").asText();
  }

  /**
   * Issue 9's thumbnails: the runner stores the images, the bucket's finalize events reach the
   * thumbnails function through the (local) Eventarc storage trigger, and the previews show up on
   * the job.
   */
  @Test
  void everyImageOutputGetsAThumbnailRecordedOnItsJob() throws Exception {
    String id = submit("1003");
    JsonNode job = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
        .until(() -> JSON.readTree(get("/api/v2/jobs/" + id).body()), j -> j.get("status").asText().equals("succeeded")
            && j.get("outputs").size() > 0 && allHaveThumbnails(j.get("outputs")));

    int previews = 0;
    for (JsonNode output : job.get("outputs")) {
      HttpResponse<byte[]> source = http.send(HttpRequest.newBuilder(URI.create(output.get("url").asText())).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      HttpResponse<byte[]> thumbnail = http.send(HttpRequest.newBuilder(URI.create(output.at("/thumbnail/url").asText())).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(thumbnail.statusCode()).isEqualTo(200);
      java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(thumbnail.body()));
      java.awt.image.BufferedImage original = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(source.body()));
      assertThat(image).as("a decodable preview").isNotNull();
      assertThat(Math.max(image.getWidth(), image.getHeight())).isEqualTo(Math.min(256, Math.max(original.getWidth(), original.getHeight())));
      assertThat(image.getWidth()).isEqualTo(output.at("/thumbnail/width").asInt());
      assertThat(image.getHeight()).isEqualTo(output.at("/thumbnail/height").asInt());
      assertThat(thumbnail.body().length).isLessThan(source.body().length);
      previews++;
    }
    System.out.println("thumbnails: " + previews + " preview(s) for job " + id + ", e.g. "
        + job.at("/outputs/0/thumbnail/width") + "x" + job.at("/outputs/0/thumbnail/height"));
  }

  private static boolean allHaveThumbnails(JsonNode outputs) {
    for (JsonNode output : outputs) {
      if (output.get("content_type").asText("").startsWith("image/") && !output.has("thumbnail")) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aJobIsFollowedAsServerSentEventsFromQueuedToSucceededAndItsOutputsFetch() throws Exception {
    // The stream must open while the job is still queued: no task left by an earlier test may be
    // draining the queue (it would claim the job within its next look), and dispatch hears of the
    // job only seconds after the stream has opened.
    await().atMost(Duration.ofSeconds(60)).until(() -> pool.usage(java.time.Instant.now()).held() == 0);
    var dispatchTrigger = stack.cloud().eventarc().trigger(LocalStack.JOB_SUBMITTED).orElseThrow();
    dispatchTrigger.setFaults(DeliveryFaults.NONE.withDelay(Duration.ofSeconds(5)));
    String id;
    List<Event> events = new CopyOnWriteArrayList<>();
    CompletableFuture<HttpResponse<Stream<String>>> following;
    try {
      id = submit("1001");
      following = follow(id, events, new CopyOnWriteArrayList<>());
      await().atMost(Duration.ofSeconds(60)).until(() -> !events.isEmpty());
    } finally {
      dispatchTrigger.setFaults(DeliveryFaults.NONE);
    }
    HttpResponse<Stream<String>> stream = following.get(120, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    assertThat(events).as(events.toString()).isNotEmpty();
    assertThat(events.get(0).event()).isEqualTo("status");
    assertThat(events.get(0).data().get("status").asText()).isIn("queued", "dispatched");
    assertThat(events.get(events.size() - 1).event()).isEqualTo("end");
    assertThat(events.get(events.size() - 1).data().get("status").asText()).isEqualTo("succeeded");
    assertThat(events).extracting(Event::id).isSorted().doesNotHaveDuplicates();
    List<String> statuses = events.stream().filter(e -> e.event().equals("status"))
        .map(e -> e.data().get("status").asText()).toList();
    assertThat(statuses).as("statuses in their order of life").isSubsetOf("queued", "dispatched", "running", "succeeded")
        .endsWith("succeeded").isSortedAccordingTo(java.util.Comparator.comparing(
            s -> List.of("queued", "dispatched", "running", "succeeded").indexOf(s)));
    List<Event> outputs = events.stream().filter(e -> e.event().equals("output")).toList();
    assertThat(outputs).as(events.toString()).isNotEmpty();
    HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(
        URI.create(outputs.get(0).data().at("/output/url").asText())).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(png.body()).startsWith(PNG_MAGIC);

    JsonNode job = JSON.readTree(get("/api/v2/jobs/" + id).body());
    assertThat(job.get("status").asText()).isEqualTo("succeeded");
    HttpResponse<byte[]> again = http.send(HttpRequest.newBuilder(URI.create(job.at("/outputs/0/url").asText())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(again.body()).isEqualTo(png.body());

    // Reconnecting after the end, as an EventSource does: a job changed since (its preview, made
    // just after the end) answers its state and the end once more; then nothing is left, and 204
    // stops the EventSource.
    long lastId = events.get(events.size() - 1).id();
    for (int reconnect = 1; ; reconnect++) {
      HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/v2/jobs/" + id + "/events"))
          .header("Last-Event-ID", Long.toString(lastId)).build(), HttpResponse.BodyHandlers.ofString());
      if (after.statusCode() == 204) {
        break;
      }
      assertThat(reconnect).as("reconnects until 204").isLessThanOrEqualTo(3);
      assertThat(after.statusCode()).isEqualTo(200);
      List<String> names = after.body().lines().filter(l -> l.startsWith("event:")).map(l -> l.substring(6).strip()).toList();
      assertThat(names).containsExactly("status", "end");
      List<Long> ids = after.body().lines().filter(l -> l.startsWith("id:")).map(l -> Long.parseLong(l.substring(3).strip())).toList();
      assertThat(ids).allSatisfy(i -> assertThat(i).isGreaterThan(events.get(events.size() - 1).id()));
      lastId = ids.get(ids.size() - 1);
    }
  }

  @Test
  void twentyConcurrentIdenticalPostsWithOneKeyMakeExactlyOneJobAndAnotherBodyIsAConflict() throws Exception {
    String key = "burst-" + UUID.randomUUID();
    String body = "{\"prompt\":" + workflow.replace("712610403220747", "2002") + ",\"client_id\":\"" + key + "\"}";
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    List<Integer> busy = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 20; i++) {
      answers.add(sendAsAClientShould(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/v2/jobs"))
          .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build(), 5, busy));
    }
    Set<String> named = new HashSet<>();
    int created = 0;
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.get(120, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
      created += response.statusCode() == 201 ? 1 : 0;
      if (response.statusCode() == 200) {
        assertThat(response.headers().firstValue("Idempotent-Replayed")).contains("true");
      }
      named.add(JSON.readTree(response.body()).get("id").asText());
    }
    assertThat(named).hasSize(1);
    assertThat(created).isEqualTo(1);
    System.out.printf("20 identical posts with one key: one job; %d answers were 503 (store busy), sent again after Retry-After%n",
        busy.size());

    // The job list shows one job of this client.
    List<String> ofThisClient = new ArrayList<>();
    for (JsonNode job : JSON.readTree(get("/api/v2/jobs?limit=100").body()).get("jobs")) {
      if (key.equals(job.path("client_id").asText())) {
        ofThisClient.add(job.get("id").asText());
      }
    }
    assertThat(ofThisClient).containsExactlyElementsOf(named);

    HttpResponse<String> other = post("/api/v2/jobs", body.replace("2002", "2003"), "Idempotency-Key", key);
    assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
    assertThat(JSON.readTree(other.body()).at("/error/message").asText()).contains("another request");
  }

  /**
   * Sends {@code request}, and again after its {@code Retry-After} while the answer is a 503 (the
   * store busy: a burst on one key contends in the emulator under load), as the API tells clients
   * to, at most {@code tries} times in all; each 503 is counted in {@code busy}.
   */
  private CompletableFuture<HttpResponse<String>> sendAsAClientShould(HttpRequest request, int tries, List<Integer> busy) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
      if (response.statusCode() != 503 || tries <= 1) {
        return CompletableFuture.completedFuture(response);
      }
      busy.add(response.statusCode());
      long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
      return CompletableFuture.supplyAsync(() -> request,
              CompletableFuture.delayedExecutor(seconds, java.util.concurrent.TimeUnit.SECONDS))
          .thenCompose(again -> sendAsAClientShould(again, tries - 1, busy));
    });
  }

  @Test
  void pagingWithLimit10SeesEveryJobExactlyOnce() throws Exception {
    String since = JSON.readTree(get("/api/v2/jobs?limit=1").body()).path("jobs").path(0).path("created_at").asText("");
    Set<String> submitted = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      submitted.add(submit(Integer.toString(3000 + i)));
    }
    String filter = since.isEmpty() ? "" : "&created_after=" + since;
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<String> page = get("/api/v2/jobs?limit=10" + filter + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(page.body());
      assertThat(body.get("jobs").size()).isLessThanOrEqualTo(10);
      body.get("jobs").forEach(job -> seen.add(job.get("id").asText()));
      cursor = body.get("next_cursor").isNull() ? null : body.get("next_cursor").asText();
    } while (cursor != null);
    assertThat(seen).hasSize(25).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(submitted);
  }

  @Test
  void aRunningJobIsStreamedWhileItRunsAndCancelEndsIt() throws Exception {
    // Jobs of other tests would hang too, and hold the GPUs this one waits for.
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
        JSON.readTree(get("/api/v2/jobs?limit=1&status=queued,dispatched,running,lost").body()).get("jobs").isEmpty());
    stack.engine().hangNode("KSampler");
    try {
      String id = submit("4004");
      List<Event> events = new CopyOnWriteArrayList<>();
      CompletableFuture<HttpResponse<Stream<String>>> stream = follow(id, events, new CopyOnWriteArrayList<>());
      // The job cannot end while its KSampler hangs: events seen now were streamed, not buffered to the end.
      await().atMost(Duration.ofSeconds(60)).until(() -> events.stream()
          .anyMatch(e -> e.event().equals("status") && e.data().get("status").asText().equals("running")));
      assertThat(stream).isNotDone();

      HttpResponse<String> cancelled = post("/api/v2/jobs/" + id + "/cancel", "");
      assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
      assertThat(JSON.readTree(cancelled.body()).get("cancel_requested").asBoolean()).isTrue();
      assertThat(post("/api/v2/jobs/" + id + "/cancel", "").statusCode()).isEqualTo(202);

      stream.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(events.get(events.size() - 1).event()).isEqualTo("end");
      assertThat(events.get(events.size() - 1).data().get("status").asText()).isEqualTo("cancelled");
      assertThat(post("/api/v2/jobs/" + UUID.randomUUID() + "/cancel", "").statusCode()).isEqualTo(404);
    } finally {
      stack.engine().clearFaults();
    }
  }

  @Test
  void theOpenApiDocumentIsServedThroughTheEdge() throws Exception {
    HttpResponse<String> yaml = get("/api/v2/openapi.yaml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.body()).startsWith("openapi: 3.1.0");
    assertThat(JSON.readTree(get("/api/v2/openapi.json").body()).at("/paths/~1v2~1jobs/post/operationId").asText())
        .isEqualTo("createJob");
  }
}
