package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.RecordingJobQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.routes.UploadedInputs;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every ComfyUI route beyond the basics, against the production validator over a published catalog. */
class ComfyRoutesTest {
  /** A PNG's signature and IHDR (1 x 1 pixels): all an upload's check reads. */
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
      0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0};
  private static final String TXT2IMG = """
      {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "dreamshaper_8.safetensors"}},
       "5": {"class_type": "EmptyLatentImage", "inputs": {"width": "512", "height": 512, "batch_size": 1}},
       "8": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["4", 2]}},
       "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "a"}},
       "10": {"class_type": "PreviewImage", "inputs": {"images": ["8", 0]}}}""";
  private static final String LOAD_IMAGE = """
      {"1": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
       "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}""";

  private final ObjectMapper json = new ObjectMapper();
  /** ComfyUI's error shape for a prompt nested deeper than {@link InputLimits#JSON_DEPTH}. */
  private final JsonNode tooDeep = readJson("""
      {"error": {"type": "invalid_prompt", "message": "Invalid prompt",
                 "details": "the JSON is nested more than %d levels deep", "extra_info": {}},
       "node_errors": {}}""".formatted(InputLimits.JSON_DEPTH));
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryLedger ledger = new InMemoryLedger();
  private final InMemoryOutputStore files = new InMemoryOutputStore();
  private final InMemoryNodeCatalogStore catalogs = new InMemoryNodeCatalogStore();
  private String caller = "alice";
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), files, ledger, catalogs,
      ApiFixture.as(() -> caller));

  ComfyRoutesTest() {
    catalogs.publish(NodeCatalog.coreNodes(folder -> switch (folder) {
      case "checkpoints" -> List.of("dreamshaper_8.safetensors", "sd_xl_base_1.0.safetensors");
      case "embeddings" -> List.of("easynegative.safetensors");
      case "input" -> List.of("engine-only.png");
      default -> List.of();
    }).toObjectInfo());
  }

  private JsonNode readJson(String text) {
    try {
      return json.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private FakeHttp.Response call(FakeHttp.Request request) throws Exception {
    FakeHttp.Response response = new FakeHttp.Response();
    api.handle(request, response);
    return response;
  }

  private FakeHttp.Response call(String method, String path, String body) throws Exception {
    return call(FakeHttp.request(method, path, body));
  }

  private JsonNode get(String path) throws Exception {
    FakeHttp.Response response = call("GET", path, null);
    assertThat(response.status).as(path + ": " + response.text()).isEqualTo(200);
    return json.readTree(response.text());
  }

  private String submit(String prompt) throws Exception {
    FakeHttp.Response response = call("POST", "/prompt", "{\"prompt\":" + prompt + "}");
    assertThat(response.status).as(response.text()).isEqualTo(200);
    return json.readTree(response.text()).get("prompt_id").asText();
  }

  /** Moves the job along {@code path} and records each state in the ledger, as job-events would. */
  private void move(String id, JobStatus... path) {
    for (JobStatus status : path) {
      Job moved = current(id).withStatus(status, Instant.now());
      jobs.update(id, current -> Outcome.write(moved, null));
      ledger.record(moved);
    }
  }

  private Job current(String id) {
    return jobs.get(id).orElseThrow();
  }

  // POST /prompt

  @Test
  void aJsonBodyLabelledAsAFormAndUnknownQueryParametersAreAccepted() throws Exception {
    FakeHttp.Response response = call(FakeHttp.request("POST", "/prompt?ui=1&x=y",
        ("{\"prompt\":" + TXT2IMG + "}").getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded"));
    assertThat(response.status).as(response.text()).isEqualTo(200);
  }

  @Test
  void theJobKeepsOutputsToExecuteAndTheCoercedPromptAndHistoryShowsThem() throws Exception {
    String id = submit(TXT2IMG);
    Job job = jobs.get(id).orElseThrow();
    assertThat(job.outputsToExecute()).containsExactlyInAnyOrder("9", "10");
    assertThat(jobs.promptOf(id).orElseThrow().prompt().at("/5/inputs/width").isInt())
        .as("\"512\" coerced as ComfyUI does").isTrue();
    move(id, JobStatus.RUNNING, JobStatus.SUCCEEDED);
    JsonNode tuple = get("/history/" + id).at("/" + id + "/prompt");
    assertThat(tuple).hasSize(5);
    assertThat(tuple.get(2).at("/5/inputs/width").isInt()).as("the coerced prompt, read beside the job").isTrue();
    assertThat(tuple.get(4)).extracting(JsonNode::asText).containsExactlyInAnyOrder("9", "10");
  }

  @Test
  void partialExecutionTargetsNarrowTheOutputs() throws Exception {
    FakeHttp.Response response = call("POST", "/prompt",
        "{\"prompt\":" + TXT2IMG + ",\"partial_execution_targets\":[\"10\"]}");
    String id = json.readTree(response.text()).get("prompt_id").asText();
    assertThat(jobs.get(id).orElseThrow().outputsToExecute()).containsExactly("10");
  }

  @Test
  void aBodyOverTheLimitIs413AndADeeplyNestedOneIs400() throws Exception {
    byte[] huge = new byte[InputLimits.PROMPT_BODY_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    FakeHttp.Response tooLarge = call(FakeHttp.request("POST", "/prompt", huge, "application/json"));
    assertThat(tooLarge.status).isEqualTo(413);
    assertThat(tooLarge.text()).isEqualTo("413: Request Entity Too Large: the body is " + huge.length
        + " bytes; the limit here is " + InputLimits.PROMPT_BODY_BYTES + " bytes");

    String nested = "[".repeat(5000) + "]".repeat(5000);
    FakeHttp.Response deep = call("POST", "/prompt", "{\"prompt\":{\"1\":{\"class_type\":\"SaveImage\",\"inputs\":{\"x\":" + nested + "}}}}");
    assertThat(deep.status).isEqualTo(400);
    assertThat(json.readTree(deep.text())).isEqualTo(tooDeep);

    String justParseable = "[".repeat(990) + "]".repeat(990);
    for (String input : List.of("\"images\":" + justParseable, "\"images\":[\"8\",0],\"filename_prefix\":" + justParseable)) {
      FakeHttp.Response nestedButValid = call("POST", "/prompt", "{\"prompt\":{" + TXT2IMG.substring(TXT2IMG.indexOf('{') + 1,
          TXT2IMG.indexOf("\"9\"")) + "\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{" + input + "}}}}");
      // Parseable by Jackson (under its 1,000 levels) but deeper than ours: refused the same way.
      assertThat(nestedButValid.status).as(nestedButValid.text()).isEqualTo(400);
      assertThat(json.readTree(nestedButValid.text())).isEqualTo(tooDeep);
    }
  }

  // GET /prompt, GET|POST /queue

  @Test
  void theQueueShowsTheCallersJobsOnlyRunningAndPendingByNumber() throws Exception {
    String running = submit(TXT2IMG);
    move(running, JobStatus.DISPATCHED, JobStatus.RUNNING);
    String late = submitWithNumber(50);
    String early = submitWithNumber(5);
    caller = "bob";
    submitWithNumber(1);
    caller = "alice";

    JsonNode queue = get("/api/queue");
    assertThat(queue.get("queue_running")).hasSize(1);
    assertThat(queue.at("/queue_running/0/1").asText()).isEqualTo(running);
    assertThat(queue.get("queue_pending")).extracting(item -> item.get(1).asText()).containsExactly(early, late);
    JsonNode item = queue.at("/queue_pending/0");
    assertThat(item).hasSize(5);
    assertThat(item.get(0).asInt()).isEqualTo(5);
    assertThat(item.get(2).has("9")).isTrue();
    assertThat(item.get(3).isObject()).isTrue();
    assertThat(get("/prompt").at("/exec_info/queue_remaining").asInt()).isEqualTo(3);
  }

  private String submitWithNumber(int number) throws Exception {
    FakeHttp.Response response = call("POST", "/prompt", "{\"prompt\":" + TXT2IMG + ",\"number\":" + number + "}");
    return json.readTree(response.text()).get("prompt_id").asText();
  }

  @Test
  void deletingFromTheQueueCancelsOnlyTheCallersPendingJobs() throws Exception {
    String pending = submit(TXT2IMG);
    String running = submit(TXT2IMG);
    move(running, JobStatus.RUNNING);
    caller = "bob";
    String bobs = submit(TXT2IMG);
    caller = "alice";

    FakeHttp.Response response = call("POST", "/queue", "{\"delete\":[\"" + pending + "\",\"" + running + "\",\"" + bobs + "\"]}");
    assertThat(response.status).isEqualTo(200);
    assertThat(response.text()).isEmpty();
    assertThat(jobs.get(pending).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(ledger.rows.get(pending).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(get("/history/" + pending).isEmpty()).as("ComfyUI forgets a deleted pending prompt").isTrue();
    assertThat(jobs.get(running).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(jobs.get(bobs).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void clearingTheQueueCancelsEveryPendingJobOfTheCaller() throws Exception {
    String a = submit(TXT2IMG);
    String b = submit(TXT2IMG);
    move(b, JobStatus.DISPATCHED);
    caller = "bob";
    String bobs = submit(TXT2IMG);
    caller = "alice";
    assertThat(call("POST", "/queue", "{\"clear\":true}").status).isEqualTo(200);
    assertThat(jobs.get(a).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(jobs.get(b).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(jobs.get(bobs).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(get("/queue").get("queue_pending")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{bad", "[1]", "{\"delete\": 5}"})
  void badQueueAndHistoryBodiesAre400NotComfyUIs500(String body) throws Exception {
    assertThat(call("POST", "/queue", body).status).isEqualTo(400);
    assertThat(call("POST", "/history", body).status).isEqualTo(400);
  }

  // POST /interrupt

  @Test
  void interruptAsksTheCallersRunningJobToStopAndCancelsAPendingTarget() throws Exception {
    String running = submit(TXT2IMG);
    move(running, JobStatus.RUNNING);
    String pending = submit(TXT2IMG);

    assertThat(call("POST", "/interrupt", "{\"prompt_id\":\"" + pending + "\"}").status).isEqualTo(200);
    assertThat(jobs.get(pending).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(jobs.get(running).orElseThrow().cancelRequested()).isFalse();

    caller = "bob";
    assertThat(call("POST", "/interrupt", "{\"prompt_id\":\"" + running + "\"}").status).isEqualTo(200);
    assertThat(call("POST", "/interrupt", "").status).isEqualTo(200);
    assertThat(jobs.get(running).orElseThrow().cancelRequested()).as("not bob's job").isFalse();

    caller = "alice";
    FakeHttp.Response response = call("POST", "/interrupt", "not json at all");
    assertThat(response.status).isEqualTo(200);
    assertThat(response.text()).isEmpty();
    assertThat(jobs.get(running).orElseThrow().cancelRequested()).isTrue();
    assertThat(jobs.get(running).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
  }

  /** Refuses what Firestore refuses as a document id, so that such ids visibly never reach the store. */
  private static final class FirestoreLikeIds implements dev.darkroom.core.port.JobStore {
    final InMemoryJobStore delegate = new InMemoryJobStore();

    @Override
    public List<Job> firstQueuedOfEachUser(String afterUserId, int users) {
      return delegate.firstQueuedOfEachUser(afterUserId, users);
    }

    private static String checked(String id) {
      if (id.isEmpty() || id.equals(".") || id.equals("..") || id.contains("/") || id.matches("__.*__")) {
        throw new IllegalArgumentException("not a document id: " + id);
      }
      return id;
    }

    @Override
    public Optional<Job> get(String jobId) {
      return delegate.get(checked(jobId));
    }

    @Override
    public <T> T update(String jobId, dev.darkroom.core.port.JobChange<T> change) {
      return delegate.update(checked(jobId), change);
    }

    @Override
    public List<Job> listForUser(String userId, java.util.Set<JobStatus> statuses, int limit) {
      return delegate.listForUser(userId, statuses, limit);
    }

    @Override
    public List<Job> pageForUser(String userId, Page page) {
      return delegate.pageForUser(userId, page);
    }

    @Override
    public List<Job> queuedWithFingerprint(String fingerprint, int limit) {
      return delegate.queuedWithFingerprint(fingerprint, limit);
    }

    @Override
    public List<Job> queued(int limit) {
      return delegate.queued(limit);
    }

    @Override
    public List<Job> unchangedSince(JobStatus status, java.time.Instant updatedBefore, int limit) {
      return delegate.unchangedSince(status, updatedBefore, limit);
    }

    @Override
    public long count(JobStatus status) {
      return delegate.count(status);
    }

    @Override
    public Optional<Job> create(Job job) {
      checked(job.id());
      return delegate.create(job);
    }

    @Override
    public Optional<dev.darkroom.core.job.JobPrompt> promptOf(String jobId) {
      return delegate.promptOf(checked(jobId));
    }

    @Override
    public java.util.Map<String, dev.darkroom.core.job.JobPrompt> promptsOf(java.util.Collection<Job> jobs) {
      jobs.forEach(job -> checked(job.id()));
      return delegate.promptsOf(jobs);
    }

    @Override
    public long countForUser(String userId, java.util.Set<JobStatus> statuses, long atMost) {
      return delegate.countForUser(userId, statuses, atMost);
    }

    @Override
    public List<Job> historyForUser(String userId, boolean newestFirst, int skip, int limit) {
      return delegate.historyForUser(userId, newestFirst, skip, limit);
    }

    @Override
    public java.util.Map<String, Long> queuedAhead(java.util.Collection<Job> jobs) {
      return delegate.queuedAhead(jobs);
    }
  }

  @Test
  void idsThatCannotBePromptIdsNeverReachTheStore() throws Exception {
    ComfyApi strict = ApiFixture.api(new FirestoreLikeIds(), new RecordingJobQueue(), files, ledger, catalogs,
        ApiFixture.as(() -> "alice"));
    for (FakeHttp.Request request : List.of(
        FakeHttp.request("GET", "/history/..", null),
        FakeHttp.request("GET", "/history/__name__", null),
        FakeHttp.request("GET", "/view?filename=a.png&subfolder=__x__", null),
        FakeHttp.request("POST", "/queue", "{\"delete\": [\".\", \"__x__\", 5, \"\"]}"),
        FakeHttp.request("POST", "/history", "{\"delete\": \"..\"}"),
        FakeHttp.request("POST", "/interrupt", "{\"prompt_id\": \"__x__\"}"))) {
      FakeHttp.Response response = new FakeHttp.Response();
      strict.handle(request, response);
      assertThat(response.status).as(request.getUri()).isIn(200, 404);
    }
  }

  @Test
  void aDeleteListIsBounded() throws Exception {
    String ids = String.join(",", java.util.Collections.nCopies(InputLimits.DELETE_IDS + 1, "\"" + java.util.UUID.randomUUID() + "\""));
    assertThat(call("POST", "/queue", "{\"delete\": [" + ids + "]}").status).isEqualTo(413);
  }

  // GET|POST /history

  @Test
  void historyListsFinishedJobsOldestFirstWithComfyUIsPaging() throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String id = submit(TXT2IMG);
      jobs.update(id, current -> Outcome.write(withCreated(current.orElseThrow(), ids.size()), null));
      move(id, JobStatus.RUNNING, JobStatus.SUCCEEDED);
      ids.add(id);
    }
    submit(TXT2IMG);

    assertThat(keys(get("/history"))).containsExactlyElementsOf(ids);
    assertThat(keys(get("/history?max_items=2"))).containsExactly(ids.get(2), ids.get(3));
    assertThat(keys(get("/history?max_items=2&offset=1"))).containsExactly(ids.get(1), ids.get(2));
    assertThat(keys(get("/history?offset=3"))).containsExactly(ids.get(3));
    assertThat(keys(get("/history?max_items=0"))).isEmpty();
    FakeHttp.Response bad = call("GET", "/history?max_items=two", null);
    assertThat(bad.status).isEqualTo(400);
    assertThat(bad.text()).contains("max_items must be an integer");

    assertThat(call("POST", "/history", "{\"delete\":[\"" + ids.get(0) + "\"]}").status).isEqualTo(200);
    assertThat(keys(get("/history"))).containsExactly(ids.get(1), ids.get(2), ids.get(3));
    assertThat(get("/history/" + ids.get(0)).isEmpty()).isTrue();
    assertThat(call("POST", "/history", "{\"clear\":true}").status).isEqualTo(200);
    assertThat(get("/history").isEmpty()).isTrue();
    assertThat(jobs.get(ids.get(3))).as("hidden, not deleted").isPresent();
    assertThat(ledger.rows).containsKey(ids.get(3));
  }

  private static Job withCreated(Job job, int second) {
    Instant at = Instant.parse("2026-11-23T10:00:00Z").plusSeconds(second);
    return job.toBuilder().createdAt(at).updatedAt(at).build();
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  // POST /upload/image and LoadImage

  private FakeHttp.Response upload(Map<String, Object> fields) throws Exception {
    return call(FakeHttp.multipart("/upload/image", fields));
  }

  private static Map<String, Object> form(Object... pairs) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) fields.put((String) pairs[i], pairs[i + 1]);
    return fields;
  }

  private static byte[] png(int variant) {
    byte[] bytes = java.util.Arrays.copyOf(PNG, PNG.length + 1);
    bytes[PNG.length] = (byte) variant;
    return bytes;
  }

  @Test
  void uploadsFollowComfyUIsNamingAndLandUnderTheCallersInputs() throws Exception {
    FakeHttp.Response first = upload(form("image", new FakeHttp.FilePart("cat.png", png(1)), "subfolder", "pets"));
    assertThat(first.status).as(first.text()).isEqualTo(200);
    assertThat(json.readTree(first.text())).isEqualTo(json.readTree("{\"name\":\"cat.png\",\"subfolder\":\"pets\",\"type\":\"input\"}"));
    assertThat(files.objects).containsKey("inputs/alice/pets/cat.png");
    assertThat(files.objects.get("inputs/alice/pets/cat.png").contentType()).isEqualTo("image/png");

    JsonNode same = json.readTree(upload(form("image", new FakeHttp.FilePart("cat.png", png(1)), "subfolder", "pets")).text());
    assertThat(same.get("name").asText()).as("identical bytes reuse").isEqualTo("cat.png");
    JsonNode other = json.readTree(upload(form("image", new FakeHttp.FilePart("cat.png", png(2)), "subfolder", "pets")).text());
    assertThat(other.get("name").asText()).isEqualTo("cat (1).png");
    JsonNode third = json.readTree(upload(form("image", new FakeHttp.FilePart("cat.png", png(3)), "subfolder", "pets")).text());
    assertThat(third.get("name").asText()).isEqualTo("cat (2).png");
    JsonNode replaced = json.readTree(upload(form("image", new FakeHttp.FilePart("cat.png", png(4)),
        "subfolder", "pets", "overwrite", "true")).text());
    assertThat(replaced.get("name").asText()).isEqualTo("cat.png");
    assertThat(files.objects.get("inputs/alice/pets/cat.png").content()).isEqualTo(png(4));
  }

  @Test
  void renamingGivesUpWithA409RatherThanStatingForever() throws Exception {
    files.objects.put("inputs/alice/cat.png", new InMemoryOutputStore.Stored("image/png", png(0)));
    for (int i = 1; i <= UploadedInputs.MAX_RENAMES; i++) {
      files.objects.put("inputs/alice/cat (" + i + ").png", new InMemoryOutputStore.Stored("image/png", png(0)));
    }
    FakeHttp.Response response = upload(form("image", new FakeHttp.FilePart("cat.png", png(9))));
    assertThat(response.status).isEqualTo(409);
    assertThat(files.objects).doesNotContainKey("inputs/alice/cat (" + (UploadedInputs.MAX_RENAMES + 1) + ").png");
  }

  @Test
  void badUploadsAreRefusedWithoutStoringAnything() throws Exception {
    assertThat(upload(form("subfolder", "x")).status).as("no file").isEqualTo(400);
    assertThat(upload(form("image", new FakeHttp.FilePart("../cat.png", PNG))).status).isEqualTo(400);
    assertThat(upload(form("image", new FakeHttp.FilePart("cat.png", PNG), "subfolder", "../../bob")).status).isEqualTo(400);
    assertThat(upload(form("image", new FakeHttp.FilePart("cat.png", PNG), "subfolder", "/abs")).status).isEqualTo(400);
    assertThat(upload(form("image", new FakeHttp.FilePart("cat.png", PNG), "type", "output")).status).isEqualTo(400);
    assertThat(upload(form("image", new FakeHttp.FilePart("cat.png", PNG), "type", "bogus")).status).isEqualTo(400);
    assertThat(upload(form("image", new FakeHttp.FilePart("cat.png", "<svg/>".getBytes(StandardCharsets.UTF_8)))).status)
        .isEqualTo(415);
    assertThat(call(FakeHttp.request("POST", "/upload/image", PNG, "image/png")).status).as("not a form").isEqualTo(400);
    byte[] big = new byte[InputLimits.UPLOAD_BODY_BYTES + 1];
    assertThat(call(FakeHttp.request("POST", "/upload/image", big, "multipart/form-data; boundary=x")).status).isEqualTo(413);
    assertThat(files.objects).isEmpty();
  }

  @Test
  void loadImageAcceptsOnlyFilesTheCallerUploaded() throws Exception {
    FakeHttp.Response missing = call("POST", "/prompt", "{\"prompt\":" + LOAD_IMAGE.formatted("engine-only.png") + "}");
    assertThat(missing.status).isEqualTo(400);
    JsonNode error = json.readTree(missing.text()).at("/node_errors/1/errors/0");
    assertThat(error.get("type").asText()).isEqualTo("custom_validation_failed");
    assertThat(error.get("details").asText()).isEqualTo("image - Invalid image file: engine-only.png");

    upload(form("image", new FakeHttp.FilePart("mine.png", PNG), "subfolder", "s"));
    assertThat(call("POST", "/prompt", "{\"prompt\":" + LOAD_IMAGE.formatted("s/mine.png") + "}").status).isEqualTo(200);
    assertThat(call("POST", "/prompt", "{\"prompt\":" + LOAD_IMAGE.formatted("s/mine.png [input]") + "}").status).isEqualTo(200);
    caller = "bob";
    assertThat(call("POST", "/prompt", "{\"prompt\":" + LOAD_IMAGE.formatted("s/mine.png") + "}").status)
        .as("alice's upload is not bob's").isEqualTo(400);
  }

  @Test
  void viewOfAnInputRedirectsToTheCallersUploadOnly() throws Exception {
    upload(form("image", new FakeHttp.FilePart("mine.png", PNG)));
    FakeHttp.Response response = call("GET", "/view?filename=mine.png&type=input", null);
    assertThat(response.status).isEqualTo(302);
    assertThat(response.headers.get("Location").get(0)).contains("inputs%2Falice%2Fmine.png");
    caller = "bob";
    assertThat(call("GET", "/view?filename=mine.png&type=input", null).status).isEqualTo(404);
  }

  private static byte[] image(int width, int height, int argb) throws Exception {
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) img.setRGB(x, y, argb);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void aMaskGivesTheOriginalItsAlphaAndIsStoredAsAPng() throws Exception {
    upload(form("image", new FakeHttp.FilePart("photo.png", image(4, 3, 0xff336699)), "subfolder", "s"));
    FakeHttp.Response response = call(FakeHttp.multipart("/upload/mask", form(
        "image", new FakeHttp.FilePart("clipspace-mask.png", image(4, 3, 0x40000000)),
        "subfolder", "clipspace",
        "original_ref", "{\"filename\":\"photo.png\",\"subfolder\":\"s\",\"type\":\"input\"}")));
    assertThat(response.status).as(response.text()).isEqualTo(200);
    assertThat(json.readTree(response.text())).isEqualTo(
        json.readTree("{\"name\":\"clipspace-mask.png\",\"subfolder\":\"clipspace\",\"type\":\"input\"}"));
    java.awt.image.BufferedImage stored = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
        files.objects.get("inputs/alice/clipspace/clipspace-mask.png").content()));
    assertThat(stored.getRGB(2, 1)).isEqualTo(0x40336699);
  }

  @Test
  void aMaskNeedsAnOriginalOfTheCallersOfTheSameSize() throws Exception {
    upload(form("image", new FakeHttp.FilePart("photo.png", image(4, 3, 0xff336699))));
    String ref = "{\"filename\":\"photo.png\",\"type\":\"input\"}";
    assertThat(mask(image(4, 3, 0), "{nope").status).isEqualTo(400);
    assertThat(mask(image(4, 3, 0), "{\"filename\":\"../photo.png\",\"type\":\"input\"}").status).isEqualTo(400);
    assertThat(mask(image(4, 3, 0), "{\"filename\":\"photo.png\",\"subfolder\":\"../x\",\"type\":\"input\"}").status)
        .isEqualTo(403);
    assertThat(mask(image(5, 5, 0), ref).status).as("size mismatch").isEqualTo(400);
    assertThat(mask(image(4, 3, 0), "{\"filename\":\"other.png\",\"type\":\"input\"}").status).isEqualTo(404);
    caller = "bob";
    assertThat(mask(image(4, 3, 0), ref).status).as("alice's original is not bob's").isEqualTo(404);
  }

  private FakeHttp.Response mask(byte[] mask, String originalRef) throws Exception {
    return call(FakeHttp.multipart("/upload/mask", form("image", new FakeHttp.FilePart("m.png", mask), "original_ref", originalRef)));
  }

  // Catalog and server routes

  @Test
  void objectInfoComesFromThePublishedCatalogWithoutMarkers() throws Exception {
    JsonNode all = get("/object_info");
    assertThat(all.has("KSampler")).isTrue();
    assertThat(all.toString()).doesNotContain(NodeCatalog.DARKROOM_KEY);
    assertThat(keys(get("/api/object_info/KSampler"))).containsExactly("KSampler");
    assertThat(get("/object_info/NoSuchNode").isEmpty()).isTrue();
  }

  @Test
  void withNoCatalogPublishedObjectInfoAndModelsAreEmpty() throws Exception {
    ComfyApi empty = ApiFixture.api(jobs, new RecordingJobQueue(), files, ledger, new InMemoryNodeCatalogStore(),
        ApiFixture.as(() -> "alice"));
    FakeHttp.Response response = new FakeHttp.Response();
    empty.handle(FakeHttp.request("GET", "/object_info", null), response);
    assertThat(response.status).isEqualTo(200);
    assertThat(response.text()).isEqualTo("{}");
    response = new FakeHttp.Response();
    empty.handle(FakeHttp.request("GET", "/models", null), response);
    assertThat(response.text()).isEqualTo("[]");
  }

  @Test
  void modelsAndEmbeddingsComeFromTheLoadersChoices() throws Exception {
    assertThat(get("/models")).extracting(JsonNode::asText).contains("checkpoints", "vae").doesNotContain("input");
    assertThat(get("/models/checkpoints")).extracting(JsonNode::asText)
        .containsExactly("dreamshaper_8.safetensors", "sd_xl_base_1.0.safetensors");
    assertThat(call("GET", "/models/nope", null).status).isEqualTo(404);
    assertThat(get("/embeddings").isArray()).isTrue();
  }

  @Test
  void systemStatsAndFeaturesSayThisIsDarkroom() throws Exception {
    JsonNode stats = get("/system_stats");
    assertThat(stats.at("/devices/0/name").asText()).isEqualTo("Darkroom (serverless; GPU per job on Cloud Run)");
    assertThat(stats.get("system").fieldNames()).toIterable().contains("os", "ram_total", "comfyui_version",
        "python_version", "pytorch_version", "embedded_python", "argv");
    JsonNode features = get("/features");
    assertThat(features.get("supports_preview_metadata").asBoolean()).isTrue();
    assertThat(features.get("max_upload_size").isDouble()).isTrue();
    assertThat(features.get("max_upload_size").asDouble()).isEqualTo(InputLimits.UPLOAD_BODY_BYTES);
  }

  @Test
  void unknownPathsAre404KnownPathsWithAnotherMethod405AndOptions200() throws Exception {
    FakeHttp.Response notFound = call("GET", "/api/nope", null);
    assertThat(notFound.status).isEqualTo(404);
    assertThat(notFound.text()).isEqualTo("404: Not Found");
    FakeHttp.Response wrongMethod = call("DELETE", "/queue", null);
    assertThat(wrongMethod.status).isEqualTo(405);
    assertThat(wrongMethod.headers.get("Allow").get(0)).isEqualTo("GET, POST");
    assertThat(call("PUT", "/history/x", null).status).isEqualTo(405);
    assertThat(call("OPTIONS", "/anything", null).status).isEqualTo(200);
  }
}
