package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.ModelLists;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.comfy.PublishedCatalog;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.routes.CatalogRoutes;
import dev.darkroom.testing.InMemoryDeviceTokens;
import dev.darkroom.testing.InMemoryEmailRecipients;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryModelStore;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.InMemoryWebhookEndpoints;
import dev.darkroom.testing.JsonExpectations;
import dev.darkroom.testing.RecordingJobQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance table (conformance/comfyui-a125cd84.json): each case is a request and the answer
 * ComfyUI's own code gives at the pinned commit, read from its source (the case cites file and
 * function). Every case runs against the api in-process, over in-memory stores, the core node
 * catalog and the table's model files; no engine and no validator output takes part in an
 * expectation. A case Darkroom answers differently on purpose carries {@code darkroom}: the answer
 * we give instead and why, and the case id must be listed in functions/api/README.md, so a
 * difference is never silent.
 */
class ComfyUiConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE = "/conformance/comfyui-a125cd84.json";
  /** A PNG's signature and IHDR (1 x 1 pixels), as an upload's check reads it; the last byte varies the content. */
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
      0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0};

  static Stream<Arguments> cases() {
    JsonNode table = table();
    return StreamSupport.stream(table.get("cases").spliterator(), false)
        .map(c -> Arguments.of(c.get("id").asText(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void darkroomAnswersAsComfyUiDoes(String id, JsonNode conformanceCase) throws Exception {
    Run run = new Run(id, table());
    Map<String, String> saved = new HashMap<>();
    for (JsonNode step : conformanceCase.path("setup")) {
      if (step.has("engine")) {
        run.engine(step, saved);
        continue;
      }
      FakeHttp.Response response = run.send(step, saved);
      assertThat(response.status).as(id + " setup " + step + ": " + response.text()).isBetween(200, 299);
      step.path("save").fields().forEachRemaining(s ->
          saved.put(s.getKey(), parse(response).at(s.getValue().asText()).asText()));
    }
    FakeHttp.Response response = run.send(conformanceCase.get("request"), saved);
    JsonNode expected = JSON.readTree(substitute(
        (conformanceCase.has("darkroom") ? conformanceCase.get("darkroom") : conformanceCase.get("comfyui")).toString(), saved));
    List<String> mismatches = new ArrayList<>();
    if (response.status != expected.get("status").asInt()) {
      mismatches.add("status " + response.status + ", expected " + expected.get("status").asInt());
    }
    if (expected.path("empty").asBoolean(false) && response.body.size() != 0) {
      mismatches.add("body should be empty");
    }
    if (expected.has("text")) {
      if (!response.text().equals(expected.get("text").asText())) {
        mismatches.add("text: expected " + expected.get("text") + ", got " + response.text());
      }
    }
    if (expected.has("body")) {
      JsonExpectations.match(expected.get("body"), parse(response), "", mismatches);
    }
    if (expected.has("fields")) {
      JsonNode actual = parse(response);
      expected.get("fields").fields().forEachRemaining(
          f -> JsonExpectations.match(f.getValue(), actual.at(f.getKey()), f.getKey(), mismatches));
    }
    if (expected.has("headers")) {
      expected.get("headers").fields().forEachRemaining(h -> {
        List<String> values = response.headers.getOrDefault(h.getKey(), List.of());
        if (!values.contains(h.getValue().asText())) {
          mismatches.add("header " + h.getKey() + ": expected " + h.getValue().asText() + ", got " + values);
        }
      });
    }
    assertThat(mismatches).as(id + " (" + conformanceCase.get("source").asText() + ")\nresponse " + response.status + ": "
        + response.text()).isEmpty();
  }

  /** The table holds at least 60 cases with ids unique, each citing its source and giving ComfyUI's answer. */
  @Test
  void theTableIsWhole() {
    JsonNode cases = table().get("cases");
    List<String> ids = new ArrayList<>();
    cases.forEach(c -> {
      ids.add(c.get("id").asText());
      assertThat(c.path("source").asText()).as(c.get("id") + " cites its source").matches(".*\\.py .+");
      assertThat(c.path("comfyui").has("status")).as(c.get("id") + " says what ComfyUI answers").isTrue();
    });
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids).as("HTTP cases (the WebSocket ones are in functions/realtime)").hasSizeGreaterThanOrEqualTo(60);
  }

  /** Every difference kept on purpose is documented where users look. */
  @Test
  void everyDifferenceIsInTheReadme() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    table().get("cases").forEach(c -> {
      if (c.has("darkroom")) {
        assertThat(c.get("darkroom").path("difference").asText()).as(c.get("id") + " says why").isNotBlank();
        assertThat(readme).as("README lists " + c.get("id")).contains("`" + c.get("id").asText() + "`");
      }
    });
  }

  /** One case's api: its own stores, the core catalog over the table's model folders, and a user of its own. */
  private static final class Run {
    private final ComfyApi api;
    private final JsonNode table;
    private final InMemoryJobStore jobs;

    Run(String caseId, JsonNode table) {
      this.table = table;
      JsonNode folders = table.at("/environment/model_folders");
      InMemoryNodeCatalogStore catalogs = new InMemoryNodeCatalogStore();
      catalogs.publish(NodeCatalog.coreNodes(folder -> StreamSupport.stream(folders.path(folder).spliterator(), false)
          .map(JsonNode::asText).toList()).toObjectInfo());
      String user = "conformance-" + caseId + "-" + System.nanoTime();
      jobs = new InMemoryJobStore();
      Admission admission = new Admission(new InMemoryRateCounter(), jobs, new InMemoryLedger(), Admission.Settings.none(),
          ApiFixture.CLOCK);
      ApiFixture.Streams streams = ApiFixture.Streams.defaults();
      RouteGroup[] groups = ApiFixture.groups(jobs, new RecordingJobQueue(), new InMemoryOutputStore(), new InMemoryLedger(),
          catalogs, admission, ApiFixture.apiKeys(), ApiFixture.notifications(jobs, new InMemoryWebhookEndpoints(ApiFixture.CLOCK),
              new InMemoryDeviceTokens(), new InMemoryEmailRecipients()), streams);
      // The model folders' files come from the models bucket's records, as ApiWiring lists them
      // (a folder no node's COMBO lists, such as embeddings, is known only there).
      InMemoryModelStore models = new InMemoryModelStore();
      folders.fields().forEachRemaining(folder -> folder.getValue().forEach(file -> models.put(new ModelRecord(folder.getKey(),
          file.asText(), 1, 1, "00".repeat(32), ModelRecord.State.READY, null, 0, new TreeMap<>(), ApiFixture.CLOCK.instant(),
          "storage", null))));
      for (int i = 0; i < groups.length; i++) {
        if (groups[i] instanceof CatalogRoutes) {
          groups[i] = new CatalogRoutes(new PublishedCatalog(catalogs, new ModelLists(models, ApiFixture.CLOCK), ApiFixture.CLOCK));
        }
      }
      api = new ComfyApi(ApiFixture.as(() -> user), streams.tickets(), admission, ApiFixture.CLOCK, groups);
    }

    FakeHttp.Response send(JsonNode request, Map<String, String> saved) throws IOException {
      String method = request.get("method").asText();
      String path = substitute(request.get("path").asText(), saved);
      FakeHttp.Request http;
      if (request.has("multipart")) {
        Map<String, Object> fields = new LinkedHashMap<>();
        request.get("multipart").fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().isObject()
            ? new FakeHttp.FilePart(f.getValue().get("filename").asText(), png(f.getValue().path("variant").asInt(0)))
            : f.getValue().asText()));
        http = FakeHttp.multipart(path, fields);
      } else {
        String body = body(request);
        http = FakeHttp.request(method, path, body == null ? null : substitute(body, saved));
      }
      FakeHttp.Response response = new FakeHttp.Response();
      api.handle(http, response);
      return response;
    }

    /**
     * A submitted job runs and ends as the runner's events leave it (job-events' transitions), with no
     * engine: {@code {"engine": "running|succeeded|failed|cancelled", "job": id, "outputs": [{node, filename}],
     * "error": {type, message, node}, "submitted_after": seconds}}.
     */
    void engine(JsonNode step, Map<String, String> saved) {
      String id = substitute(step.get("job").asText(), saved);
      Instant now = ApiFixture.CLOCK.instant();
      // The api's clock is fixed: "submitted_after" seconds tell apart prompts submitted one after another.
      Job submitted = jobs.get(id).orElseThrow();
      submitted = submitted.toBuilder().createdAt(submitted.createdAt().plusSeconds(step.path("submitted_after").asLong(0))).build();
      Job running = submitted.withStatus(JobStatus.RUNNING, now);
      List<JobOutput> outputs = new ArrayList<>();
      step.path("outputs").forEach(o -> outputs.add(new JobOutput(o.get("node").asText(), "images", o.get("filename").asText(),
          "", "output", "outputs/" + running.userId() + "/" + id + "/" + o.get("filename").asText(), "image/png", 10, "00")));
      JsonNode error = step.get("error");
      Job ended = running.afterEvent(JobStatus.fromWireName(step.get("engine").asText()), running.lastSequence() + 1, null,
          outputs, error == null ? null : new JobError(error.get("type").asText(), error.get("message").asText(),
              error.get("node").asText()), 1, now.plusSeconds(5));
      jobs.update(id, current -> JobChange.Outcome.write(running, null));
      if (!ended.status().equals(JobStatus.RUNNING)) {
        jobs.update(id, current -> JobChange.Outcome.write(ended, null));
      }
    }

    /** {@code raw} text as is; else {@code body} as JSON, with {@code prompt} built from a workflow and edits. */
    private String body(JsonNode request) throws IOException {
      if (request.has("raw")) {
        return request.get("raw").asText();
      }
      if (!request.has("body") && !request.has("workflow")) {
        return null;
      }
      ObjectNode body = request.has("body") ? request.get("body").deepCopy() : JSON.createObjectNode();
      if (request.has("workflow")) {
        ObjectNode prompt = table.at("/workflows/" + request.get("workflow").asText()).deepCopy();
        for (JsonNode edit : request.path("edits")) {
          apply(prompt, edit);
        }
        body.set("prompt", prompt);
      }
      return JSON.writeValueAsString(body);
    }
  }

  /** {@code {"path": "/node/inputs/name", "value": v}} sets, {@code {"path": ..., "remove": true}} removes. */
  private static void apply(ObjectNode prompt, JsonNode edit) {
    String path = edit.get("path").asText();
    int last = path.lastIndexOf('/');
    JsonNode parent = path.substring(0, last).isEmpty() ? prompt : prompt.at(path.substring(0, last));
    String name = path.substring(last + 1);
    if (edit.path("remove").asBoolean(false)) {
      ((ObjectNode) parent).remove(name);
    } else {
      ((ObjectNode) parent).set(name, edit.get("value"));
    }
  }

  private static String substitute(String text, Map<String, String> saved) {
    for (Map.Entry<String, String> value : saved.entrySet()) {
      text = text.replace("{{" + value.getKey() + "}}", value.getValue());
    }
    return text;
  }

  private static byte[] png(int variant) {
    byte[] bytes = PNG.clone();
    bytes[bytes.length - 1] = (byte) variant;
    return bytes;
  }

  private static JsonNode parse(FakeHttp.Response response) {
    try {
      return JSON.readTree(response.text());
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode("<not JSON: " + response.text() + ">");
    }
  }

  private static JsonNode table() {
    try (InputStream in = ComfyUiConformanceTest.class.getResourceAsStream(TABLE)) {
      return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
