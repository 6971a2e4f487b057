package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import org.junit.jupiter.api.Test;

/**
 * A job's time limit as clients ask for it and see it: {@code max_run_seconds} on {@code /api/v2/jobs}
 * and deployments, {@code extra_data.darkroom_max_run_seconds} on {@code /prompt}, each capped by the
 * caller's tier (the defaults: free 600 s, standard 3600 s), shown on the job; a bad value is a 400
 * naming the field, and nothing is queued.
 */
class RunTimeLimitRoutesTest {
  private static final String PROMPT = JobRoutesTest.PROMPT;
  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobQueue queue = new RecordingJobQueue();
  private volatile String tier = Job.DEFAULT_TIER;
  private final ComfyApi api = ApiFixture.api(jobs, queue, new InMemoryOutputStore(), new InMemoryLedger(), null,
      request -> Caller.idToken("alice", tier));

  private FakeHttp.Response call(String method, String path, String body, String... headers) throws Exception {
    return FakeHttp.send(api, method, path, body, headers);
  }

  private JsonNode created(String path, String body) throws Exception {
    FakeHttp.Response created = call("POST", path, body);
    assertThat(created.status).as(created.text()).isEqualTo(201);
    return json.readTree(created.text());
  }

  private JsonNode refused(String path, String body, String... headers) throws Exception {
    FakeHttp.Response refused = call("POST", path, body, headers);
    assertThat(refused.status).as(refused.text()).isEqualTo(400);
    return json.readTree(refused.text());
  }

  @Test
  void aV2JobGetsWhatItAskedWithinItsTierAndShowsIt() throws Exception {
    JsonNode asked = created("/api/v2/jobs", "{\"prompt\":" + PROMPT + ",\"max_run_seconds\":120}");
    assertThat(asked.get("max_run_seconds").asLong()).isEqualTo(120);
    assertThat(jobs.get(asked.get("id").asText()).orElseThrow().maxRunSeconds()).isEqualTo(120);
    JsonNode shown = json.readTree(call("GET", "/api/v2/jobs/" + asked.get("id").asText(), null).text());
    assertThat(shown.get("max_run_seconds").asLong()).isEqualTo(120);

    assertThat(created("/api/v2/jobs", "{\"prompt\":" + PROMPT + "}").get("max_run_seconds").asLong())
        .as("nothing asked: the standard tier's hour").isEqualTo(3600);
    tier = "free";
    assertThat(created("/api/v2/jobs", "{\"prompt\":" + PROMPT + ",\"max_run_seconds\":7200}")
        .get("max_run_seconds").asLong()).as("above the free tier's maximum: capped").isEqualTo(600);
  }

  @Test
  void aComfyUiClientAsksThroughExtraData() throws Exception {
    FakeHttp.Response queued = call("POST", "/prompt",
        "{\"prompt\":" + PROMPT + ",\"extra_data\":{\"darkroom_max_run_seconds\":90}}");
    assertThat(queued.status).as(queued.text()).isEqualTo(200);
    String id = json.readTree(queued.text()).get("prompt_id").asText();

    assertThat(jobs.get(id).orElseThrow().maxRunSeconds()).isEqualTo(90);
    assertThat(json.readTree(call("GET", "/api/v2/jobs/" + id, null).text()).get("max_run_seconds").asLong())
        .isEqualTo(90);
  }

  @Test
  void aBadValueIsA400NamingTheFieldAndNothingIsQueued() throws Exception {
    JsonNode comfy = refused("/prompt", "{\"prompt\":" + PROMPT + ",\"extra_data\":{\"darkroom_max_run_seconds\":\"soon\"}}");
    assertThat(comfy.at("/error/type").asText()).isEqualTo("invalid_prompt");
    assertThat(comfy.at("/error/details").asText())
        .isEqualTo("extra_data.darkroom_max_run_seconds must be a whole number of seconds, at least 1 (got \"soon\")");
    assertThat(comfy.has("node_errors")).isTrue();

    JsonNode v2 = refused("/api/v2/jobs", "{\"prompt\":" + PROMPT + ",\"max_run_seconds\":0}",
        "Idempotency-Key", "k-1");
    assertThat(v2.at("/error/details").asText()).startsWith("max_run_seconds must be a whole number");
    assertThat(refused("/api/v2/jobs", "{\"prompt\":" + PROMPT + ",\"max_run_seconds\":12.5}")
        .at("/error/details").asText()).startsWith("max_run_seconds ");
    assertThat(jobs.all()).isEmpty();
    assertThat(queue.published).isEmpty();

    // The key was not spent on the refused body: the corrected request goes through with it.
    FakeHttp.Response fixed = call("POST", "/api/v2/jobs", "{\"prompt\":" + PROMPT + ",\"max_run_seconds\":30}",
        "Idempotency-Key", "k-1");
    assertThat(fixed.status).as(fixed.text()).isEqualTo(201);
  }

  @Test
  void aDeploymentVersionCapsItsRunsAndARunMayAskForLess() throws Exception {
    JsonNode published = created("/api/v2/deployments",
        "{\"name\":\"quick\",\"workflow\":" + PROMPT + ",\"inputs\":[],\"max_run_seconds\":300}");
    assertThat(published.at("/version/max_run_seconds").asLong()).isEqualTo(300);
    assertThat(json.readTree(call("GET", "/api/v2/deployments/quick/versions/1", null).text())
        .get("max_run_seconds").asLong()).isEqualTo(300);
    assertThat(json.readTree(call("GET", "/api/v2/deployments/quick/openapi.json", null).text())
        .at("/components/schemas/RunRequest/properties/max_run_seconds/type").asText()).isEqualTo("integer");

    assertThat(created("/api/v2/deployments/quick/runs", "{\"inputs\":{}}").get("max_run_seconds").asLong())
        .isEqualTo(300);
    assertThat(created("/api/v2/deployments/quick/runs", "{\"inputs\":{},\"max_run_seconds\":100}")
        .get("max_run_seconds").asLong()).isEqualTo(100);
    assertThat(created("/api/v2/deployments/quick/runs", "{\"inputs\":{},\"max_run_seconds\":900}")
        .get("max_run_seconds").asLong()).isEqualTo(300);
    int queuedBefore = queue.published.size();

    JsonNode badRun = refused("/api/v2/deployments/quick/runs", "{\"inputs\":{},\"max_run_seconds\":\"x\"}");
    assertThat(badRun.at("/error/fields/0/field").asText()).isEqualTo("max_run_seconds");
    assertThat(badRun.at("/error/fields/0/message").asText()).startsWith("must be a whole number of seconds");
    assertThat(queue.published).hasSize(queuedBefore);

    JsonNode badVersion = refused("/api/v2/deployments",
        "{\"name\":\"quick\",\"workflow\":" + PROMPT + ",\"inputs\":[],\"max_run_seconds\":-1}");
    assertThat(badVersion.at("/error/fields/0/field").asText()).isEqualTo("max_run_seconds");
    assertThat(json.readTree(call("GET", "/api/v2/deployments/quick", null).text()).get("latest_version").asInt())
        .as("no version stored").isEqualTo(1);
  }

  @Test
  void aTimedOutJobsHistoryEndsInAnExecutionErrorNamingTheLimit() throws Exception {
    String id = created("/api/v2/jobs", "{\"prompt\":" + PROMPT + ",\"max_run_seconds\":60}").get("id").asText();
    jobs.update(id, current -> Outcome.write(current.orElseThrow().afterEvent(JobStatus.TIMED_OUT, 4, null,
        java.util.List.of(), JobError.interruptedAtTimeLimit(60, "9"), 60.4, ApiFixture.CLOCK.instant()), null));

    JsonNode entry = json.readTree(call("GET", "/history/" + id, null).text()).get(id);
    assertThat(entry.at("/status/status_str").asText()).isEqualTo("error");
    JsonNode last = entry.at("/status/messages").get(entry.at("/status/messages").size() - 1);
    assertThat(last.get(0).asText()).isEqualTo("execution_error");
    assertThat(last.get(1).get("exception_type").asText()).isEqualTo("JobTimeLimitExceeded");
    assertThat(last.get(1).get("exception_message").asText()).contains("time limit of 60 s");
    assertThat(last.get(1).get("node_id").asText()).isEqualTo("9");
    JsonNode shown = json.readTree(call("GET", "/api/v2/jobs/" + id, null).text());
    assertThat(shown.get("status").asText()).isEqualTo("timed_out");
    assertThat(shown.at("/error/type").asText()).isEqualTo("JobTimeLimitExceeded");
  }
}
