package dev.darkroom.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.testing.RecordingJobQueue;
import dev.darkroom.testing.InMemoryLedger;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static org.assertj.core.api.Assertions.assertThat;

class ComfyApiTest {
  private static final String PROMPT = "{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}}";
  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobQueue queue = new RecordingJobQueue();
  private final InMemoryOutputStore outputs = new InMemoryOutputStore();
  private String caller = "alice";
  private final ComfyApi api = ApiFixture.api(jobs, queue, outputs, new InMemoryLedger(),
      null, request -> {
        if (caller == null) {
          throw new AuthFailure(AuthFailure.Reason.MISSING, "authentication required");
        }
        return Caller.idToken(caller, Job.DEFAULT_TIER);
      });

  private FakeHttp.Response call(String method, String path, String body) throws Exception {
    FakeHttp.Response response = new FakeHttp.Response();
    api.handle(FakeHttp.request(method, path, body), response);
    return response;
  }

  private JsonNode jsonOf(FakeHttp.Response response) throws Exception {
    return json.readTree(response.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/prompt", "/api/prompt"})
  void aPromptIsQueuedUnderBothPrefixes(String path) throws Exception {
    FakeHttp.Response response = call("POST", path, "{\"prompt\":" + PROMPT + ",\"client_id\":\"c1\"}");
    assertThat(response.status).isEqualTo(200);
    JsonNode body = jsonOf(response);
    String id = body.get("prompt_id").asText();
    assertThat(body.get("number").isIntegralNumber()).isTrue();
    assertThat(body.get("node_errors").isObject()).isTrue();
    Job job = jobs.get(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(jobs.promptOf(id).orElseThrow().extraData().get("client_id").asText()).isEqualTo("c1");
    assertThat(queue.published).hasSize(1);
  }

  @Test
  void aClientChosenPromptIdIsHonoured() throws Exception {
    String id = "0f8c1f9e-6d7b-4c53-9a51-3f3a9a2f6b10";
    FakeHttp.Response response = call("POST", "/prompt", "{\"prompt\":" + PROMPT + ",\"prompt_id\":\"" + id + "\"}");
    assertThat(jsonOf(response).get("prompt_id").asText()).isEqualTo(id);
  }

  @Test
  void aNonCanonicalPromptIdIsRefused() throws Exception {
    FakeHttp.Response response = call("POST", "/prompt", "{\"prompt\":" + PROMPT + ",\"prompt_id\":\"../../etc\"}");
    assertThat(response.status).isEqualTo(400);
    assertThat(jsonOf(response).at("/error/type").asText()).isEqualTo("invalid_prompt_id");
    assertThat(jobs.all()).isEmpty();
  }

  @Test
  void aBodyWithoutPromptGetsComfyUIsNoPromptError() throws Exception {
    FakeHttp.Response response = call("POST", "/prompt", "{\"client_id\":\"c1\"}");
    assertThat(response.status).isEqualTo(400);
    JsonNode body = jsonOf(response);
    assertThat(body.at("/error/type").asText()).isEqualTo("no_prompt");
    assertThat(body.at("/error/message").asText()).isEqualTo("No prompt provided");
    assertThat(body.at("/error/details").asText()).isEqualTo("No prompt provided");
    assertThat(body.get("node_errors").isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1,2]", "\"prompt\"", "{\"prompt\":[1]}", "{\"prompt\":{\"1\":{\"inputs\":{}}}}"})
  void malformedBodiesGetA400InComfyUIsShapeNeverA500(String body) throws Exception {
    FakeHttp.Response response = call("POST", "/prompt", body);
    assertThat(response.status).isEqualTo(400);
    assertThat(jsonOf(response).at("/error/type").asText()).isIn("invalid_prompt", "no_prompt");
    assertThat(queue.published).isEmpty();
  }

  @Test
  void historyIsEmptyUntilTheJobEndsThenShowsOutputsUnderTheJobsSubfolder() throws Exception {
    String id = jsonOf(call("POST", "/prompt", "{\"prompt\":" + PROMPT + "}")).get("prompt_id").asText();
    assertThat(jsonOf(call("GET", "/history/" + id, null)).isEmpty()).isTrue();

    finish(id, new JobOutput("9", "images", "x_00001_.png", "", "output", "outputs/alice/" + id + "/x_00001_.png", "image/png", 3, "ab"));
    JsonNode entry = jsonOf(call("GET", "/api/history/" + id, null)).get(id);
    assertThat(entry.at("/status/status_str").asText()).isEqualTo("success");
    assertThat(entry.at("/status/completed").asBoolean()).isTrue();
    assertThat(entry.at("/status/messages")).extracting(m -> m.get(0).asText())
        .containsExactly("execution_start", "execution_cached", "execution_success");
    assertThat(entry.at("/prompt/1").asText()).isEqualTo(id);
    assertThat(entry.at("/prompt/2/9/class_type").asText()).isEqualTo("SaveImage");
    JsonNode image = entry.at("/outputs/9/images/0");
    assertThat(image.get("filename").asText()).isEqualTo("x_00001_.png");
    assertThat(image.get("subfolder").asText()).isEqualTo(id);
    assertThat(image.get("type").asText()).isEqualTo("output");
  }

  @Test
  void viewRedirectsTheOwnerToASignedUrlOfExactlyThatObject() throws Exception {
    String id = jsonOf(call("POST", "/prompt", "{\"prompt\":" + PROMPT + "}")).get("prompt_id").asText();
    finish(id, new JobOutput("9", "images", "x_00001_.png", "", "output", "outputs/alice/" + id + "/x_00001_.png", "image/png", 3, "ab"));

    FakeHttp.Response response = call("GET", "/view?filename=x_00001_.png&subfolder=" + id + "&type=output", null);
    assertThat(response.status).isEqualTo(302);
    assertThat(response.headers.get("Location").get(0)).contains("outputs%2Falice%2F" + id + "%2Fx_00001_.png");

    caller = "mallory";
    assertThat(call("GET", "/view?filename=x_00001_.png&subfolder=" + id + "&type=output", null).status).isEqualTo(404);
    assertThat(jsonOf(call("GET", "/history/" + id, null)).isEmpty()).isTrue();
  }

  @Test
  void viewChecksParametersInComfyUIsOrder() throws Exception {
    assertThat(call("GET", "/view", null).status).isEqualTo(404);
    assertThat(call("GET", "/view?filename=../etc/passwd", null).status).isEqualTo(400);
    assertThat(call("GET", "/view?filename=/etc/passwd", null).status).isEqualTo(400);
    assertThat(call("GET", "/view?filename=a.png&type=secret", null).status).isEqualTo(400);
    assertThat(call("GET", "/view?filename=a.png&subfolder=../x", null).status).isEqualTo(403);
    assertThat(call("GET", "/view?filename=a.png&subfolder=nope", null).status).isEqualTo(404);
  }

  @Test
  void anUnauthenticatedCallerGets401() throws Exception {
    caller = null;
    FakeHttp.Response refused = call("GET", "/history/x", null);
    assertThat(refused.status).isEqualTo(401);
    assertThat(refused.headers.get("WWW-Authenticate")).containsExactly("Bearer realm=\"darkroom\"");
  }

  @Test
  void aBusyStoreIs503WithRetryAfterAndAnyOtherFailureStaysAFailure() throws Exception {
    RuntimeException aborted = new dev.darkroom.core.port.StoreUnavailableException("transaction lock timeout", null);
    dev.darkroom.core.port.JobStore busy = new dev.darkroom.core.port.JobStore() {
      @Override
      public java.util.Optional<Job> get(String jobId) {
        throw aborted;
      }

      @Override
      public <T> T update(String jobId, dev.darkroom.core.port.JobChange<T> change) {
        throw aborted;
      }

      @Override
      public List<Job> listForUser(String userId, java.util.Set<JobStatus> statuses, int limit) {
        throw aborted;
      }

      @Override
      public List<Job> pageForUser(String userId, Page page) {
        throw aborted;
      }

      @Override
      public List<Job> queuedWithFingerprint(String fingerprint, int limit) {
        throw aborted;
      }

      @Override
      public List<Job> queued(int limit) {
        throw aborted;
      }

      @Override
      public List<Job> firstQueuedOfEachUser(String afterUserId, int users) {
        throw aborted;
      }

      @Override
      public List<Job> unchangedSince(JobStatus status, Instant updatedBefore, int limit) {
        throw aborted;
      }

      @Override
      public long count(JobStatus status) {
        throw aborted;
      }

      @Override
      public java.util.Optional<Job> create(Job job) {
        throw aborted;
      }

      @Override
      public java.util.Optional<dev.darkroom.core.job.JobPrompt> promptOf(String jobId) {
        throw aborted;
      }

      @Override
      public java.util.Map<String, dev.darkroom.core.job.JobPrompt> promptsOf(java.util.Collection<Job> jobs) {
        throw aborted;
      }

      @Override
      public long countForUser(String userId, java.util.Set<JobStatus> statuses, long atMost) {
        throw aborted;
      }

      @Override
      public List<Job> historyForUser(String userId, boolean newestFirst, int skip, int limit) {
        throw aborted;
      }

      @Override
      public java.util.Map<String, Long> queuedAhead(java.util.Collection<Job> jobs) {
        throw aborted;
      }
    };
    ComfyApi api = ApiFixture.api(busy, queue, outputs, new InMemoryLedger(),
        null, ApiFixture.as(() -> "alice"));
    FakeHttp.Response response = new FakeHttp.Response();
    api.handle(FakeHttp.request("GET", "/history/" + java.util.UUID.randomUUID(), null), response);
    assertThat(response.status).isEqualTo(503);
    assertThat(response.headers.get("Retry-After")).containsExactly("2");

    assertThat(ComfyApi.overloaded(new IllegalStateException("a bug"))).isFalse();
    assertThat(ComfyApi.overloaded(new IllegalStateException("wrapped", aborted))).isTrue();
  }

  @Test
  void unknownRoutesAre404() throws Exception {
    assertThat(call("GET", "/nope", null).status).isEqualTo(404);
  }

  private void finish(String id, JobOutput output) {
    jobs.update(id, current -> Outcome.write(current.orElseThrow()
        .afterEvent(JobStatus.SUCCEEDED, 2, null, List.of(output), null, 1.0, Instant.parse("2026-11-23T10:00:05Z")), null));
  }
}
