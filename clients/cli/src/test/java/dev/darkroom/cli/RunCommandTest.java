package dev.darkroom.cli;

import static dev.darkroom.cli.FakeDarkroom.event;
import static dev.darkroom.cli.FakeDarkroom.job;
import static dev.darkroom.cli.FakeDarkroom.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code darkroom run} end to end against a fake Darkroom on loopback: what it sends, what it
 * prints, what it saves and the exit code, for each way a run can end.
 */
class RunCommandTest {
  static final String JOB = "6f1c3c1e-0000-4000-8000-000000000001";
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};
  static final String KEY = "drk_k1_secret-never-printed";
  static final String OUTPUT = "{\"node_id\": \"9\", \"kind\": \"images\", \"filename\": \"ComfyUI_00001_.png\","
      + " \"subfolder\": \"" + JOB + "\", \"type\": \"output\", \"content_type\": \"image/png\", \"size\": 11, \"url\": \"x\"}";

  @TempDir Path dir;
  private FakeDarkroom darkroom;
  private FakeDarkroom storage;
  private Path workflowFile;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<Thread> hooks = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    darkroom = new FakeDarkroom();
    storage = new FakeDarkroom();
    workflowFile = Files.writeString(dir.resolve("workflow_api.json"), WorkflowTest.sample());
  }

  @AfterEach
  void stop() {
    darkroom.close();
    storage.close();
  }

  private int run(Map<String, String> environment, String... args) {
    ShutdownHooks recording = new ShutdownHooks() {
      @Override
      public void add(Thread hook) {
        hooks.add(hook);
      }

      @Override
      public void remove(Thread hook) {
        hooks.remove(hook);
      }
    };
    Terminal terminal = new Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false, environment, DarkroomApi.defaultClient(),
        new DarkroomApi.Retries(3, Duration.ofMillis(10), Duration.ofMillis(20)), recording, Duration.ofMillis(10),
        Duration.ofMillis(10));
    return DarkroomCli.commandLine(terminal).execute(args);
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("run", workflowFile.toString(), "--url", darkroom.url(),
        "--out", dir.resolve("out").toString()));
    all.addAll(List.of(args));
    return run(Map.of(), all.toArray(String[]::new));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Darkroom accepts the job, streams it to {@code status}, then shows it ended so; /view redirects to storage. */
  private void darkroomRuns(String status, String outputs, String error) {
    darkroom.on("POST", "/api/v2/jobs", (exchange, request) -> {
      exchange.getResponseHeaders().set("Location", "/api/v2/jobs/" + JOB);
      json(exchange, 201, job(JOB, "queued"));
    });
    darkroom.on("GET", "/api/v2/jobs/" + JOB + "/events", (exchange, request) -> {
      try (OutputStream stream = FakeDarkroom.openStream(exchange)) {
        event(stream, "status", 100, job(JOB, "queued"));
        event(stream, "status", 200, job(JOB, "running"));
        event(stream, "progress", 300, "{\"id\": \"" + JOB + "\", \"progress\": {\"node_id\": \"3\", \"value\": 5, \"max\": 20}}");
        event(stream, "progress", 400, "{\"id\": \"" + JOB + "\", \"progress\": {\"node_id\": \"3\", \"value\": 20, \"max\": 20}}");
        event(stream, "status", 500, job(JOB, status, outputs, error));
        event(stream, "end", 501, "{\"id\": \"" + JOB + "\", \"status\": \"" + status + "\"}");
      }
    });
    darkroom.on("GET", "/api/v2/jobs/" + JOB, (exchange, request) -> json(exchange, 200, job(JOB, status, outputs, error)));
    darkroom.on("GET", "/view", (exchange, request) -> {
      exchange.getResponseHeaders().set("Location", storage.url() + "/darkroom-outputs/o/" + JOB + "/x.png?X-Goog-Signature=abc");
      exchange.sendResponseHeaders(302, -1);
    });
    storage.on("GET", "/darkroom-outputs/o/" + JOB + "/x.png", (exchange, request) ->
        FakeDarkroom.send(exchange, 200, "image/png", PNG));
  }

  @Test
  void aJobThatSucceedsIsFollowedToItsEndAndItsOutputsAreSaved() throws IOException {
    darkroomRuns("succeeded", "[" + OUTPUT + "]", "null");

    int exit = run("--set", "3.steps=20", "--set", "Empty Latent Image.width=768", "--api-key", KEY);

    assertThat(exit).as(stderr()).isEqualTo(ExitCodes.SUCCEEDED);
    Path saved = dir.resolve("out").resolve(JOB).resolve("ComfyUI_00001_.png");
    assertThat(saved).hasBinaryContent(PNG);
    assertThat(stdout()).contains("job " + JOB + " submitted to " + darkroom.url(), "job " + JOB + " queued (position 1)",
        "job " + JOB + " running", "node 3 KSampler: step 5/20 (25%)", "node 3 KSampler: step 20/20 (100%)",
        "job " + JOB + " succeeded: 1 output in ");
    assertThat(stdout().strip()).as("the last line is the file's path").endsWith(saved.toAbsolutePath().toString());

    FakeDarkroom.Request submitted = darkroom.requestsTo("POST", "/api/v2/jobs").get(0);
    JsonNode prompt = Workflow.JSON.readTree(submitted.body()).get("prompt");
    ObjectNode expected = (ObjectNode) Workflow.JSON.readTree(WorkflowTest.sample());
    ((ObjectNode) expected.get("5").get("inputs")).put("width", 768);
    assertThat(prompt).isEqualTo(expected);
    assertThat(submitted.header("Idempotency-Key")).startsWith("darkroom-cli-");
    assertThat(darkroom.requests).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY));
    FakeDarkroom.Request view = darkroom.requestsTo("GET", "/view").get(0);
    assertThat(view.query()).isEqualTo("filename=ComfyUI_00001_.png&subfolder=" + JOB + "&type=output");
    assertThat(storage.requests).singleElement().satisfies(r -> {
      assertThat(r.query()).isEqualTo("X-Goog-Signature=abc");
      assertThat(r.header("Authorization")).as("the credential stays with Darkroom's origin").isNull();
    });
    assertThat(stdout() + stderr()).doesNotContain("secret-never-printed");
  }

  @Test
  void theAddressAndTheKeyComeFromTheEnvironmentWhenNotGiven() {
    darkroomRuns("succeeded", "[]", "null");

    int exit = run(Map.of("DARKROOM_URL", darkroom.url(), "DARKROOM_API_KEY", KEY),
        "run", workflowFile.toString(), "--out", dir.toString());

    assertThat(exit).as(stderr()).isEqualTo(ExitCodes.SUCCEEDED);
    assertThat(darkroom.requestsTo("POST", "/api/v2/jobs")).singleElement()
        .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY));
  }

  @Test
  void aJobThatFailsExitsOneWithComfyUisErrorNamingTheNode() {
    darkroomRuns("failed", "[]", "{\"type\": \"RuntimeError\", \"message\": \"boom\", \"node_id\": \"8\"}");

    int exit = run();

    assertThat(exit).isEqualTo(ExitCodes.JOB_FAILED);
    assertThat(stderr()).contains("darkroom: job " + JOB + " failed in node 8 VAEDecode (\"VAE Decode\"): RuntimeError: boom");
    assertThat(darkroom.requestsTo("GET", "/view")).isEmpty();
  }

  @Test
  void aWorkflowDarkroomRefusesExitsTwoWithComfyUisNodeErrors() {
    darkroom.on("POST", "/api/v2/jobs", (exchange, request) -> json(exchange, 400, """
        {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
          "details": "", "extra_info": {}},
         "node_errors": {"4": {"errors": [{"type": "value_not_in_list", "message": "Value not in list",
           "details": "ckpt_name: 'nope.safetensors' not in ['dreamshaper_8.safetensors']", "extra_info": {}}],
           "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}}}"""));

    int exit = run();

    assertThat(exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(stderr()).contains("Darkroom refused submitting the workflow (HTTP 400): Prompt outputs failed validation"
        + " (prompt_outputs_failed_validation)", "node 4 CheckpointLoaderSimple: Value not in list: ckpt_name:"
        + " 'nope.safetensors' not in ['dreamshaper_8.safetensors']");
    assertThat(darkroom.requests).hasSize(1);
  }

  @Test
  void aRefusedCredentialExitsTwoSayingHowToGiveOne() {
    darkroom.on("POST", "/api/v2/jobs", (exchange, request) ->
        json(exchange, 401, "{\"error\": {\"status\": 401, \"message\": \"invalid API key\"}}"));

    int exit = run("--api-key", KEY);

    assertThat(exit).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(stderr()).contains("(HTTP 401): invalid API key", "--api-key or DARKROOM_API_KEY").doesNotContain(KEY);
  }

  @Test
  void aDarkroomOverItsLimitsExitsThree() {
    darkroom.on("POST", "/api/v2/jobs", (exchange, request) -> {
      exchange.getResponseHeaders().set("Retry-After", "30");
      json(exchange, 429, "{\"error\": {\"status\": 429, \"message\": \"too many waiting jobs\"}}");
    });

    assertThat(run()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(stderr()).contains("too many waiting jobs", "Try again in 30 s");
  }

  @Test
  void anUnreachableDarkroomExitsThreeSayingWhereAndWhatToDo() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    int exit = run(Map.of(), "run", workflowFile.toString(), "--url", "http://127.0.0.1:" + closedPort);

    assertThat(exit).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(stderr()).contains("cannot reach Darkroom at http://127.0.0.1:" + closedPort + ": nothing answers there",
        "./darkroom up", "--url or DARKROOM_URL");
  }

  @Test
  void badInputExitsTwoBeforeAnyRequest() throws IOException {
    Path graph = Files.writeString(dir.resolve("ui.json"), "{\"nodes\": [], \"links\": []}");
    assertThat(run("--set", "3.stepz=4")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("--set", "3.steps=four")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run(Map.of(), "run", graph.toString(), "--url", darkroom.url())).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run(Map.of(), "run", dir.resolve("missing.json").toString())).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run(Map.of(), "run", workflowFile.toString(), "--url", "127.0.0.1:8188")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("--no-such-option")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run(Map.of())).isEqualTo(ExitCodes.BAD_INPUT);

    assertThat(stderr()).contains("node 3 KSampler has no input \"stepz\"", "\"four\" is not one", "Export (API)",
        "no such workflow file: " + dir.resolve("missing.json"), "--url 127.0.0.1:8188 is not an http(s) address",
        "Unknown option: '--no-such-option'", "Missing the command");
    assertThat(darkroom.requests).isEmpty();
  }

  @Test
  void aSubmissionRetriedAfterANetworkErrorNamesTheSameJob() {
    darkroomRuns("succeeded", "[]", "null");
    darkroom.on("POST", "/api/v2/jobs", (exchange, request) -> {
      if (darkroom.requestsTo("POST", "/api/v2/jobs").size() == 1) {
        // The job was made, but the answer is lost: the connection closes with no response.
        throw new IOException("connection lost before the answer");
      }
      exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
      json(exchange, 200, job(JOB, "queued"));
    });

    int exit = run();

    assertThat(exit).as(stderr()).isEqualTo(ExitCodes.SUCCEEDED);
    List<FakeDarkroom.Request> posts = darkroom.requestsTo("POST", "/api/v2/jobs");
    assertThat(posts).hasSize(2);
    assertThat(posts.get(1).header("Idempotency-Key")).isEqualTo(posts.get(0).header("Idempotency-Key"));
    assertThat(posts.get(1).body()).isEqualTo(posts.get(0).body());
  }

  @Test
  void aBrokenStreamIsResumedFromTheLastEventSeen() {
    darkroomRuns("succeeded", "[]", "null");
    darkroom.on("GET", "/api/v2/jobs/" + JOB + "/events", (exchange, request) -> {
      try (OutputStream stream = FakeDarkroom.openStream(exchange)) {
        if (request.header("Last-Event-ID") == null) {
          event(stream, "status", 100, job(JOB, "running"));
          event(stream, "progress", 101, "{\"id\": \"" + JOB + "\", \"progress\": {\"node_id\": \"3\", \"value\": 1, \"max\": 4}}");
        } else {
          event(stream, "status", 200, job(JOB, "succeeded"));
          event(stream, "end", 201, "{\"id\": \"" + JOB + "\", \"status\": \"succeeded\"}");
        }
      }
    });

    int exit = run();

    assertThat(exit).as(stderr()).isEqualTo(ExitCodes.SUCCEEDED);
    assertThat(darkroom.requestsTo("GET", "/api/v2/jobs/" + JOB + "/events"))
        .extracting(r -> r.header("Last-Event-ID")).containsExactly(null, "101");
    assertThat(stdout()).contains("node 3 KSampler: step 1/4 (25%)", "job " + JOB + " succeeded");
  }

  @Test
  void aJobThatEndedBeforeItsStreamOpenedIsReadOnce() {
    darkroomRuns("succeeded", "[]", "null");
    darkroom.on("GET", "/api/v2/jobs/" + JOB + "/events", (exchange, request) -> exchange.sendResponseHeaders(204, -1));

    assertThat(run()).as(stderr()).isEqualTo(ExitCodes.SUCCEEDED);
    assertThat(darkroom.requestsTo("GET", "/api/v2/jobs/" + JOB)).hasSize(1);
  }

  @Test
  void aJobWhoseStreamIsRefusedForTooManyStreamsIsFollowedByReadingIt() {
    darkroomRuns("succeeded", "[" + OUTPUT + "]", "null");
    darkroom.on("GET", "/api/v2/jobs/" + JOB + "/events", (exchange, request) ->
        json(exchange, 429, "{\"error\": {\"status\": 429, \"message\": \"10 event streams open\"}}"));
    List<String> states = List.of(job(JOB, "running"), job(JOB, "running").replace("\"progress\": null",
        "\"progress\": {\"node_id\": \"3\", \"value\": 7, \"max\": 20}"), job(JOB, "succeeded", "[" + OUTPUT + "]", "null"));
    darkroom.on("GET", "/api/v2/jobs/" + JOB, (exchange, request) -> json(exchange, 200,
        states.get(Math.min(darkroom.requestsTo("GET", "/api/v2/jobs/" + JOB).size(), states.size()) - 1)));

    int exit = run();

    assertThat(exit).as(stderr()).isEqualTo(ExitCodes.SUCCEEDED);
    assertThat(stderr()).contains("too many event streams open for this user; following job " + JOB + " by reading it");
    assertThat(stdout()).contains("node 3 KSampler: step 7/20 (35%)", "job " + JOB + " succeeded: 1 output");
    assertThat(dir.resolve("out").resolve(JOB).resolve("ComfyUI_00001_.png")).hasBinaryContent(PNG);
    assertThat(darkroom.requestsTo("GET", "/api/v2/jobs/" + JOB + "/events")).hasSize(1);
  }

  @Test
  void ctrlCWhileTheJobRunsCancelsIt() throws Exception {
    darkroomRuns("cancelled", "[]", "null");
    CountDownLatch cancelled = new CountDownLatch(1);
    darkroom.on("POST", "/api/v2/jobs/" + JOB + "/cancel", (exchange, request) -> {
      json(exchange, 202, job(JOB, "running"));
      cancelled.countDown();
    });
    darkroom.on("GET", "/api/v2/jobs/" + JOB + "/events", (exchange, request) -> {
      try (OutputStream stream = FakeDarkroom.openStream(exchange)) {
        event(stream, "status", 100, job(JOB, "running"));
        assertThat(cancelled.await(30, TimeUnit.SECONDS)).as("the cancel arrived").isTrue();
        event(stream, "status", 200, job(JOB, "cancelled"));
        event(stream, "end", 201, "{\"id\": \"" + JOB + "\", \"status\": \"cancelled\"}");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run());
    await("the job is followed, with a hook for Ctrl-C").atMost(Duration.ofSeconds(30))
        .until(() -> stdout().contains("job " + JOB + " running") && hooks.size() == 1);
    Thread hook = hooks.get(0);
    hook.start();
    hook.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(stderr()).contains("interrupted: job " + JOB + " cancelled");
    assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitCodes.JOB_FAILED);
    assertThat(stderr()).contains("job " + JOB + " was cancelled");
    assertThat(hooks).as("no cancel once the job ended").isEmpty();
  }
}
