package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A ComfyUI client may choose its {@code prompt_id}. One already used by another user must not say
 * so: the answer is the one a fresh id gets, and from then on the caller sees their own job under
 * that id everywhere ComfyUI shows one, while the other user's job is untouched.
 */
class TakenPromptIdTest {
  private static final String PROMPT = """
      {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.safetensors"}},
       "9": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "a"}}}""";
  private static final String TAKEN = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
  private static final String FRESH = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobQueue queue = new RecordingJobQueue();
  private String caller = "alice";
  private final ComfyApi api = ApiFixture.api(jobs, queue, new InMemoryOutputStore(), new InMemoryLedger(), null,
      ApiFixture.as(() -> caller));

  private FakeHttp.Response call(String method, String path, String body) throws Exception {
    FakeHttp.Response response = new FakeHttp.Response();
    api.handle(FakeHttp.request(method, path, body), response);
    return response;
  }

  private FakeHttp.Response submit(String promptId) throws Exception {
    return call("POST", "/prompt", "{\"prompt\":" + PROMPT + ",\"prompt_id\":\"" + promptId + "\"}");
  }

  private JsonNode get(String path) throws Exception {
    FakeHttp.Response response = call("GET", path, null);
    assertThat(response.status).as(path + ": " + response.text()).isEqualTo(200);
    return json.readTree(response.text());
  }

  private Job jobOf(String user) {
    return jobs.all().stream().filter(job -> job.userId().equals(user)).findFirst().orElseThrow();
  }

  private void end(Job job, JobStatus... path) {
    for (JobStatus status : path) {
      Job moved = jobs.get(job.id()).orElseThrow().withStatus(status, Instant.parse("2026-11-23T10:01:00Z"));
      jobs.update(job.id(), current -> Outcome.write(moved, null));
    }
  }

  /** The reply's shape and status, with the id and number (which differ between any two submits) left out. */
  private String shapeOf(FakeHttp.Response response) throws Exception {
    JsonNode body = json.readTree(response.text());
    StringBuilder shape = new StringBuilder(response.status + " ");
    for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      shape.append(field.getKey()).append(':').append(field.getValue().getNodeType()).append(' ');
    }
    return shape + body.get("node_errors").toString();
  }

  @Test
  void anIdTakenByAnotherUserIsAnsweredAsAFreshOneIs() throws Exception {
    submit(TAKEN);
    caller = "bob";
    FakeHttp.Response taken = submit(TAKEN);
    FakeHttp.Response fresh = submit(FRESH);

    assertThat(shapeOf(taken)).isEqualTo(shapeOf(fresh));
    assertThat(json.readTree(taken.text()).get("prompt_id").asText()).isEqualTo(TAKEN);
    assertThat(jobs.get(TAKEN).orElseThrow().userId()).as("alice's job stays hers").isEqualTo("alice");
    assertThat(jobs.all()).filteredOn(job -> job.userId().equals("bob")).hasSize(2);
  }

  @Test
  void theCallerSeesTheirJobUnderTheIdTheyChoseAndTheOtherUserTheirs() throws Exception {
    submit(TAKEN);
    caller = "bob";
    submit(TAKEN);
    Job bobs = jobOf("bob");
    assertThat(bobs.promptId()).isEqualTo(TAKEN);

    JsonNode queued = get("/queue");
    assertThat(queued.at("/queue_pending/0/1").asText()).isEqualTo(TAKEN);
    assertThat(get("/api/v2/jobs/" + TAKEN).get("id").asText()).isEqualTo(TAKEN);
    assertThat(get("/api/v2/jobs").at("/jobs/0/id").asText()).isEqualTo(TAKEN);

    end(bobs, JobStatus.DISPATCHED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
    JsonNode history = get("/history/" + TAKEN);
    assertThat(history.has(TAKEN)).as(history.toString()).isTrue();
    assertThat(history.at("/" + TAKEN + "/prompt/1").asText()).isEqualTo(TAKEN);
    assertThat(history.at("/" + TAKEN + "/status/messages/0/1/prompt_id").asText()).isEqualTo(TAKEN);
    assertThat(get("/history").fieldNames()).toIterable().containsExactly(TAKEN);

    caller = "alice";
    assertThat(get("/history/" + TAKEN).isEmpty()).as("alice's own job has not ended").isTrue();
    assertThat(get("/queue").at("/queue_pending/0/1").asText()).isEqualTo(TAKEN);
    assertThat(get("/queue").get("queue_pending")).hasSize(1);
  }

  @Test
  void aRetryOfTheTakenIdIsTheSameJob() throws Exception {
    submit(TAKEN);
    caller = "bob";
    submit(TAKEN);
    FakeHttp.Response again = submit(TAKEN);

    assertThat(again.status).isEqualTo(200);
    assertThat(json.readTree(again.text()).get("prompt_id").asText()).isEqualTo(TAKEN);
    assertThat(jobs.all()).filteredOn(job -> job.userId().equals("bob")).hasSize(1);
  }

  @Test
  void cancellingTheTakenIdCancelsTheCallersJobOnly() throws Exception {
    submit(TAKEN);
    caller = "bob";
    submit(TAKEN);

    assertThat(call("POST", "/interrupt", "{\"prompt_id\":\"" + TAKEN + "\"}").status).isEqualTo(200);
    assertThat(jobOf("bob").status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(jobs.get(TAKEN).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);

    caller = "carol";
    submit(TAKEN);
    assertThat(call("POST", "/queue", "{\"delete\":[\"" + TAKEN + "\"]}").status).isEqualTo(200);
    assertThat(jobOf("carol").status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(jobs.get(TAKEN).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void deletingTheTakenIdFromHistoryHidesTheCallersJobOnly() throws Exception {
    submit(TAKEN);
    end(jobOf("alice"), JobStatus.DISPATCHED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
    caller = "bob";
    submit(TAKEN);
    end(jobOf("bob"), JobStatus.DISPATCHED, JobStatus.RUNNING, JobStatus.SUCCEEDED);

    assertThat(call("POST", "/history", "{\"delete\":[\"" + TAKEN + "\"]}").status).isEqualTo(200);
    assertThat(jobOf("bob").hiddenFromHistory()).isTrue();
    assertThat(jobs.get(TAKEN).orElseThrow().hiddenFromHistory()).isFalse();
  }
}
