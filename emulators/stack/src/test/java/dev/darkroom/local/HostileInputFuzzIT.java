package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's fuzz test: at least 10,000 generated malformed or hostile requests ({@link
 * HostileRequests}: bad and truncated JSON, wrong types, huge and deep bodies, cycles, unknown
 * nodes, odd encodings and framings, traversal in {@code /view}) to every public route of the local
 * stack, through its edge as a client sees it. None may be answered with a 5xx or go unanswered,
 * and afterwards the service still answers and still runs a real prompt.
 *
 * <p>Reproducible: request {@code i} is drawn from a {@link Random} seeded with the run's seed and
 * {@code i}. The seed is printed first and is in every assertion's message (so in the failure
 * report); a run without one takes a new random seed. To replay a failed run:
 *
 * <pre>
 * mvn -B -ntp -pl emulators/stack -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=HostileInputFuzzIT -Ddarkroom.fuzz.seed=&lt;seed&gt;
 * </pre>
 *
 * or {@code DARKROOM_FUZZ_SEED=<seed>} in the environment (the system property wins);
 * {@code -Ddarkroom.fuzz.requests=<n>} sends more (or fewer) than 10,000.
 */
class HostileInputFuzzIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SEED_PROPERTY = "darkroom.fuzz.seed";
  static final String SEED_VARIABLE = "DARKROOM_FUZZ_SEED";
  private static final int REQUESTS = Integer.getInteger("darkroom.fuzz.requests", 10_000);
  private static final long SEED = seed(System.getProperty(SEED_PROPERTY), System.getenv(SEED_VARIABLE));
  /** In every assertion's message, so that a failure report says how to replay the run. */
  private static final String REPLAY = "seed " + SEED + "; replay with -D" + SEED_PROPERTY + "=" + SEED;
  /** Enough to keep the edge busy on two cores without starving the stack behind it. */
  private static final int SENDERS = 8;
  private static final int SHOWN_FAILURES = 10;
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  private static LocalStack stack;
  private static String workflow;

  /** The given seed (the property first, then the variable), else a new random one. */
  static long seed(String property, String variable) {
    for (String given : new String[] {property, variable}) {
      if (given != null && !given.isBlank()) {
        try {
          return Long.parseLong(given.strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("the fuzz seed (" + SEED_PROPERTY + " or " + SEED_VARIABLE
              + ") must be a long, got '" + given + "'", e);
        }
      }
    }
    return new Random().nextLong();
  }

  @BeforeAll
  static void startStack() throws IOException {
    System.out.println("HostileInputFuzzIT: " + REPLAY);
    stack = SharedStack.get();
    try (InputStream in = HostileInputFuzzIT.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }


  @Test
  void tenThousandHostileRequestsGetNoServerErrorAndTheServiceStillRunsAPrompt() throws Exception {
    URI api = URI.create(stack.apiUrl());
    HostileRequests requests = new HostileRequests(HostileRequests.readWorkflow(workflow), api.getHost() + ":" + api.getPort());
    Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    Map<String, Map<Integer, LongAdder>> byKind = new ConcurrentHashMap<>();
    Map<String, LongAdder> nanosByKind = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> unanswered = new ConcurrentLinkedQueue<>();
    AtomicInteger sent = new AtomicInteger();
    System.out.println("HostileInputFuzzIT: " + REPLAY + "; " + REQUESTS + " requests, " + SENDERS + " at a time");

    long started = System.nanoTime();
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try (RawHttp http = new RawHttp(api.getHost(), api.getPort(), (int) ANSWER_TIMEOUT.toMillis())) {
      List<Future<?>> all = new java.util.ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        int index = i;
        all.add(senders.submit(() -> {
          HostileRequests.HostileRequest request = requests.next(new Random(SEED ^ (index * 0x9E3779B97F4A7C15L)));
          sent.incrementAndGet();
          long start = System.nanoTime();
          try {
            RawHttp.Answer answer = http.exchange(request.bytes(), request.halfClose());
            nanosByKind.computeIfAbsent(request.kind(), k -> new LongAdder()).add(System.nanoTime() - start);
            byStatus.computeIfAbsent(answer.status(), s -> new LongAdder()).increment();
            byKind.computeIfAbsent(request.kind(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(answer.status(), s -> new LongAdder()).increment();
            if (answer.status() >= 500) {
              serverErrors.add("#" + index + " " + request.describe() + "\n    -> " + answer.shown());
            }
          } catch (IOException e) {
            unanswered.add("#" + index + " " + request.describe() + "\n    -> " + e);
          }
        }));
      }
      for (Future<?> future : all) {
        future.get();
      }
    } finally {
      senders.shutdownNow();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    String counts = new TreeMap<>(byStatus).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue().sum()).collect(Collectors.joining(" "));
    System.out.println("HostileInputFuzzIT: " + REPLAY + ", " + sent.get() + " requests in "
        + String.format("%.1f s", took.toMillis() / 1000.0) + ": " + counts + ", " + unanswered.size() + " unanswered");
    new TreeMap<>(byKind).forEach((kind, statuses) -> {
      long count = statuses.values().stream().mapToLong(LongAdder::sum).sum();
      System.out.println("  " + kind + ": " + new TreeMap<>(statuses).entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue().sum()).collect(Collectors.joining(" "))
          + " (" + nanosByKind.get(kind).sum() / count / 1_000_000 + " ms each)");
    });
    serverErrors.stream().limit(SHOWN_FAILURES).forEach(failure -> System.out.println("5xx " + failure));
    unanswered.stream().limit(SHOWN_FAILURES).forEach(failure -> System.out.println("unanswered " + failure));

    assertThat(sent.get()).as(REPLAY).isGreaterThanOrEqualTo(REQUESTS);
    assertThat(serverErrors).as("requests answered with a 5xx (" + REPLAY + ")").isEmpty();
    assertThat(unanswered).as("requests without an HTTP answer (" + REPLAY + ")").isEmpty();

    theServiceStillAnswersAndRunsAPrompt();
  }

  /**
   * The fuzz's few valid prompts are cleared from the queue (through the API, which must still
   * answer that too) so that the simulated GPU is free for the last one.
   */
  private void theServiceStillAnswersAndRunsAPrompt() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> stats = client.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/system_stats")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(stats.statusCode()).as(REPLAY).isEqualTo(200);
    assertThat(JSON.readTree(stats.body()).at("/devices/0/name").asText()).as(REPLAY).isNotEmpty();
    HttpResponse<String> cleared = client.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/queue"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"clear\":true}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(cleared.statusCode()).as(REPLAY).isEqualTo(200);

    HttpResponse<String> posted = client.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/prompt"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":" + workflow + ",\"front\":true}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(REPLAY + ": " + posted.body()).isEqualTo(200);
    String promptId = JSON.readTree(posted.body()).get("prompt_id").asText();
    JsonNode entry = await("the last prompt's history entry (" + REPLAY + ")").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .until(() -> JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/history/" + promptId)).build(),
            HttpResponse.BodyHandlers.ofString()).body()).get(promptId), e -> e != null);
    assertThat(entry.at("/status/status_str").asText()).as(REPLAY + ": " + entry).isEqualTo("success");
    assertThat(entry.at("/outputs/9/images/0/filename").asText()).as(REPLAY).endsWith(".png");
  }
}
