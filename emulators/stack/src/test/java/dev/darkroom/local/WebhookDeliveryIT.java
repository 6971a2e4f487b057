package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.firestore.DocumentSnapshot;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.emulators.eventarc.DeliveryFaults;
import dev.darkroom.emulators.eventarc.TriggerStats;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.TopicConfig;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job notifications end to end on the local stack: webhook endpoints, an email opt-in and a device
 * registered through the API; jobs run to success; the Eventarc trigger of {@code notifications}
 * delivers every message twice; five jobs succeed and one fails; a receiver (on 127.0.0.1, verifying every request with the
 * Standard Webhooks library) fails the first two attempts of each webhook-id. Retries come from the
 * schedule in Cloud SQL (seconds here) and reconcile's republishing, not from Pub/Sub.
 */
class WebhookDeliveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int JOBS = 5;
  /** The successful jobs and one failed one. */
  private static final int EVENTS = JOBS + 1;
  private static final int FAILURES_PER_ID = 2;

  @TempDir static Path dataDir;
  private static LocalStack stack;
  private static HttpServer receiverServer;
  private static final Receiver receiver = new Receiver();
  private final HttpClient http = HttpClient.newHttpClient();

  /** What the receiver saw, per path: each request, and its answer. */
  static final class Receiver {
    record Request(String path, String webhookId, Map<String, List<String>> headers, String body, int answered) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> attemptsPerId = new ConcurrentHashMap<>();

    List<Request> on(String path) {
      return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    List<String> accepted(String path) {
      return on(path).stream().filter(r -> r.answered() < 300).map(Request::webhookId).toList();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(new LocalStack.Options("darkroom-webhooks", 0, dataDir, Duration.ofMillis(100), null, null,
        Map.of("WEBHOOK_RETRY_SCHEDULE", "0s,1s,1s,1s,1s,1s,1s,1s")));
    stack.cloud().eventarc().trigger(LocalStack.NOTIFICATIONS).orElseThrow()
        .setFaults(DeliveryFaults.NONE.withDuplicates(2));
    receiverServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiverServer.createContext("/", exchange -> {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String path = exchange.getRequestURI().getPath();
      String id = exchange.getRequestHeaders().getFirst("webhook-id");
      int attempt = receiver.attemptsPerId.computeIfAbsent(path + " " + id, k -> new AtomicInteger()).incrementAndGet();
      int status = attempt <= FAILURES_PER_ID ? 503 : 204;
      receiver.requests.add(new Receiver.Request(path, id, Map.copyOf(exchange.getRequestHeaders()), body, status));
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    receiverServer.start();
  }

  @AfterAll
  static void stop() {
    if (receiverServer != null) {
      receiverServer.stop(0);
    }
    Resources.closeAll(stack);
  }

  @Test
  void eachTerminalJobIsDeliveredOncePerEndpointSignedAndRetriedFromCloudSql() throws Exception {
    String base = "http://127.0.0.1:" + receiverServer.getAddress().getPort();
    JsonNode all = send("POST", "/api/v2/webhooks", "{\"url\":\"" + base + "/all\"}", 201);
    String oldSecret = all.path("secret").asText();
    String newSecret = send("POST", "/api/v2/webhooks/" + all.path("id").asText() + "/rotate", null, 200)
        .path("secret").asText();
    assertThat(send("GET", "/api/v2/webhooks", null, 200).toString()).doesNotContain(oldSecret).doesNotContain(newSecret);
    send("PUT", "/api/v2/notifications/email", "{\"address\":\"local@example.com\"}", 200);

    List<String> jobs = new ArrayList<>();
    jobs.add(submit());
    JsonNode one = send("POST", "/api/v2/webhooks",
        "{\"url\":\"" + base + "/one\",\"job_id\":\"" + jobs.get(0) + "\"}", 201);
    for (int i = 1; i < JOBS; i++) {
      jobs.add(submit());
    }
    // Someone who asked for nothing: their notification must bring no mail and no webhook.
    JobNotification stranger = new JobNotification("n-stranger", "job-stranger", "stranger", "succeeded", Instant.now());
    Env env = new Env(stack.functionEnvironment());
    try (Adapters adapters = new Adapters(GoogleCloudConfig.from(env))) {
      adapters.notifications(TopicConfig.notifications(env)).publish(stranger);
    }

    for (String job : jobs) {
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
          .until(() -> historyStatus(job), status -> !status.isEmpty());
      assertThat(historyStatus(job)).isEqualTo("success");
    }
    // One more job, failed by the simulated engine: a failed job is notified like a finished one.
    stack.engine().failNode("KSampler", "RuntimeError", "simulated failure injected by WebhookDeliveryIT");
    String failed = submit("\"seed\": 424242");  // another seed: the engine's cache would skip the sampler
    jobs.add(failed);
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
        .until(() -> historyStatus(failed), status -> !status.isEmpty());
    assertThat(historyStatus(failed)).isEqualTo("error");

    await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      assertThat(receiver.accepted("/all")).hasSize(EVENTS);
      assertThat(receiver.accepted("/one")).hasSize(1);
      assertThat(stack.mail().received()).hasSize(EVENTS);
    });
    assertThat(receiver.on("/all")).filteredOn(r -> jobOf(r).equals(failed))
        .allSatisfy(r -> assertThat(r.body()).contains("\"type\":\"job.failed\""));

    // One logical delivery per terminal event and endpoint, though every message came twice.
    List<String> acceptedAll = receiver.accepted("/all");
    assertThat(acceptedAll).doesNotHaveDuplicates();
    assertThat(receiver.on("/all").stream().map(r -> jobOf(r)).distinct()).containsExactlyInAnyOrderElementsOf(jobs);
    // The job-scoped endpoint got its job and nothing else.
    assertThat(receiver.on("/one")).extracting(WebhookDeliveryIT::jobOf).containsOnly(jobs.get(0));
    assertThat(receiver.accepted("/one")).doesNotHaveDuplicates();
    // Every request verifies; the rotated endpoint's with the old secret and with the new one.
    for (Receiver.Request r : receiver.requests) {
      String secret = r.path().equals("/all") ? newSecret : one.path("secret").asText();
      new Webhook(secret).verify(r.body(), headers(r));
    }
    for (Receiver.Request r : receiver.on("/all")) {
      new Webhook(oldSecret).verify(r.body(), headers(r));
    }
    // Each webhook-id was tried exactly until it was accepted: the duplicates sent nothing extra.
    assertThat(receiver.on("/all")).hasSize(EVENTS * (FAILURES_PER_ID + 1));
    assertThat(receiver.on("/one")).hasSize(FAILURES_PER_ID + 1);

    // Cloud SQL has every attempt: retry, retry, delivered, per notification, same webhook-id.
    Map<String, List<String>> log = attemptsOf(all.path("id").asText());
    assertThat(log).hasSize(EVENTS).containsOnlyKeys(acceptedAll);
    assertThat(log.values()).allSatisfy(attempts ->
        assertThat(attempts).containsExactly("1 retry 503", "2 retry 503", "3 delivered 204"));

    // Email: one per job of the opted-in user, none for the stranger.
    await().atMost(Duration.ofSeconds(30)).until(() -> attemptsOf("events").containsKey("n-stranger"));
    List<MimeMessage> mails = stack.mail().received();
    assertThat(mails).hasSize(EVENTS);
    for (MimeMessage mail : mails) {
      assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("local@example.com");
    }
    assertThat(mails.stream().map(WebhookDeliveryIT::subject).toList())
        .containsExactlyInAnyOrderElementsOf(jobs.stream().map(job -> "Darkroom job " + job + " "
            + (job.equals(failed) ? "failed" : "succeeded")).toList());
    assertThat(receiver.requests).noneMatch(r -> r.body().contains("job-stranger"));

    // A device registered through the API is in Firestore for notify's push.
    send("PUT", "/api/v2/devices/tok-webhook-it", "{\"platform\":\"android\"}", 200);
    try (GoogleClients clients = new GoogleClients(GoogleCloudConfig.from(new Env(stack.functionEnvironment())))) {
      DocumentSnapshot device = clients.firestore().collection("devices").document("tok-webhook-it").get().get();
      assertThat(device.getString("userId")).isEqualTo("local");
      assertThat(device.getString("platform")).isEqualTo("android");
    }
    assertThat(send("GET", "/api/v2/devices", null, 200).toString()).contains("tok-webhook-it");

    TriggerStats stats = stack.cloud().eventarc().trigger(LocalStack.NOTIFICATIONS).orElseThrow().stats();
    int attempts = log.values().stream().mapToInt(List::size).sum();
    System.out.printf("webhooks: %d terminal events, %d deliveries accepted (%d on the job-scoped endpoint), %d attempts in Cloud SQL"
            + " for the user-wide endpoint, %d requests received in all; notify got %d messages of which %d duplicates"
            + " (Eventarc), %d duplicate sends (0 = every duplicate suppressed); %d mails%n",
        EVENTS, acceptedAll.size(), receiver.accepted("/one").size(), attempts, receiver.requests.size(),
        stats.attempted(), stats.duplicatesSent(), receiver.requests.size() - EVENTS * (FAILURES_PER_ID + 1)
            - (FAILURES_PER_ID + 1), mails.size());
    assertThat(stats.duplicatesSent()).as("the duplicates were really injected").isGreaterThanOrEqualTo(EVENTS);
  }

  private static String jobOf(Receiver.Request r) {
    try {
      return JSON.readTree(r.body()).at("/data/jobId").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String subject(MimeMessage mail) {
    try {
      return mail.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpHeaders headers(Receiver.Request r) {
    return HttpHeaders.of(r.headers(), (name, value) -> true);
  }

  /** notification id → "attempt outcome status" for one target, in attempt order. */
  private static Map<String, List<String>> attemptsOf(String target) throws Exception {
    Map<String, List<String>> byNotification = new TreeMap<>();
    try (Connection c = stack.ledgerDatabase().getConnection(); Statement s = c.createStatement();
         ResultSet rows = s.executeQuery("SELECT notification_id, attempt, outcome, status_code FROM "
             + "notification_deliveries WHERE target = '" + target + "' ORDER BY notification_id, attempt")) {
      while (rows.next()) {
        byNotification.computeIfAbsent(rows.getString(1), k -> new ArrayList<>())
            .add(rows.getInt(2) + " " + rows.getString(3) + " " + rows.getString(4));
      }
    }
    return byNotification;
  }

  private String submit() throws Exception {
    return submit("\"seed\": 712610403220747");
  }

  private String submit(String seed) throws Exception {
    String workflow;
    try (InputStream in = getClass().getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\"seed\": 712610403220747", seed);
    }
    return send("POST", "/prompt", "{\"prompt\":" + workflow + "}", 200).path("prompt_id").asText();
  }

  private String historyStatus(String job) throws Exception {
    return send("GET", "/history/" + job, null, 200).at("/" + job + "/status/status_str").asText();
  }

  private JsonNode send(String method, String path, String body, int expected) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
    return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }
}
