package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@code /api/v2/jobs}, as a client sees it, on in-memory fakes. */
class JobRoutesTest {
  static final String PROMPT = "{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}}";
  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobQueue queue = new RecordingJobQueue();
  private final InMemoryOutputStore outputs = new InMemoryOutputStore();
  private volatile String caller = "alice";
  private final ComfyApi api = ApiFixture.api(jobs, queue, outputs, new InMemoryLedger(),
      null, request -> Caller.idToken(caller, Job.DEFAULT_TIER));

  private FakeHttp.Response call(String method, String path, String body, String... headers) throws Exception {
    return FakeHttp.send(api, method, path, body, headers);
  }

  private JsonNode body(FakeHttp.Response response) throws Exception {
    return json.readTree(response.text());
  }

  private String submit(String body) throws Exception {
    FakeHttp.Response created = call("POST", "/api/v2/jobs", body);
    assertThat(created.status).as(created.text()).isEqualTo(201);
    return body(created).get("id").asText();
  }

  @Test
  void aSubmittedJobIsCreatedQueuedWithItsLocation() throws Exception {
    FakeHttp.Response created = call("POST", "/api/v2/jobs",
        "{\"prompt\":" + PROMPT + ",\"client_id\":\"c1\",\"extra_data\":{\"k\":1}}");
    assertThat(created.status).as(created.text()).isEqualTo(201);
    JsonNode job = body(created);
    String id = job.get("id").asText();
    assertThat(created.headers.get("Location")).containsExactly("/api/v2/jobs/" + id);
    assertThat(job.get("status").asText()).isEqualTo("queued");
    assertThat(job.get("queue_position").asInt()).isEqualTo(1);
    assertThat(job.get("client_id").asText()).isEqualTo("c1");
    assertThat(job.get("outputs")).isEmpty();
    assertThat(jobs.promptOf(id).orElseThrow().extraData().get("k").asInt()).isEqualTo(1);
    assertThat(queue.published).hasSize(1);
  }

  @Test
  void anInvalidBodyIsRefusedInPromptsErrorShape() throws Exception {
    FakeHttp.Response noPrompt = call("POST", "/api/v2/jobs", "{}");
    assertThat(noPrompt.status).isEqualTo(400);
    assertThat(body(noPrompt).at("/error/type").asText()).isEqualTo("no_prompt");
    FakeHttp.Response withId = call("POST", "/api/v2/jobs",
        "{\"prompt\":" + PROMPT + ",\"prompt_id\":\"" + UUID.randomUUID() + "\"}");
    assertThat(withId.status).isEqualTo(400);
    assertThat(body(withId).at("/error/details").asText()).contains("Idempotency-Key");
    assertThat(jobs.all()).isEmpty();
  }

  @Test
  void theSameKeyAndBodyReplayTheJobAndAnotherBodyIsAConflict() throws Exception {
    String body = "{\"prompt\":" + PROMPT + ",\"client_id\":\"c1\"}";
    FakeHttp.Response first = call("POST", "/api/v2/jobs", body, "Idempotency-Key", "order-17");
    // The same request with its keys in another order and other spacing is the same request.
    FakeHttp.Response again = call("POST", "/api/v2/jobs", "{ \"client_id\": \"c1\", \"prompt\": " + PROMPT + " }",
        "Idempotency-Key", "order-17");
    FakeHttp.Response other = call("POST", "/api/v2/jobs", "{\"prompt\":" + PROMPT + ",\"client_id\":\"c2\"}",
        "Idempotency-Key", "order-17");
    assertThat(first.status).isEqualTo(201);
    assertThat(again.status).isEqualTo(200);
    assertThat(again.headers.get("Idempotent-Replayed")).containsExactly("true");
    assertThat(body(again).get("id")).isEqualTo(body(first).get("id"));
    assertThat(other.status).isEqualTo(409);
    assertThat(body(other).at("/error/message").asText()).contains("another request");
    assertThat(jobs.all()).hasSize(1);

    caller = "bob";
    FakeHttp.Response bobs = call("POST", "/api/v2/jobs", body, "Idempotency-Key", "order-17");
    assertThat(bobs.status).isEqualTo(201);
    assertThat(body(bobs).get("id")).isNotEqualTo(body(first).get("id"));
  }

  @Test
  void badIdempotencyKeysAre400() throws Exception {
    for (String key : List.of("", "x".repeat(256), "caf\u00e9", "tab\there")) {
      FakeHttp.Response response = call("POST", "/api/v2/jobs", "{\"prompt\":" + PROMPT + "}", "Idempotency-Key", key);
      assertThat(response.status).as(key).isEqualTo(400);
      assertThat(body(response).at("/error/message").asText()).contains("Idempotency-Key");
    }
    assertThat(call("POST", "/api/v2/jobs", "{\"prompt\":" + PROMPT + "}", "Idempotency-Key", "x".repeat(255)).status)
        .isEqualTo(201);
  }

  @Test
  void twentyConcurrentIdenticalRequestsMakeOneJob() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<FakeHttp.Response>> requests = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        requests.add(() -> call("POST", "/api/v2/jobs", "{\"prompt\":" + PROMPT + "}", "Idempotency-Key", "burst"));
      }
      Set<String> named = new HashSet<>();
      int created = 0;
      for (Future<FakeHttp.Response> answer : pool.invokeAll(requests)) {
        created += answer.get().status == 201 ? 1 : 0;
        named.add(body(answer.get()).get("id").asText());
      }
      assertThat(created).isEqualTo(1);
      assertThat(named).hasSize(1);
      assertThat(jobs.all()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aJobShowsItsProgressOutputsWithSignedUrlsAndErrorButNotToOthers() throws Exception {
    String id = submit("{\"prompt\":" + PROMPT + "}");
    JobOutput png = new JobOutput("9", "images", "x_00001_.png", "", "output",
        "outputs/alice/" + id + "/x_00001_.png", "image/png", 10, "abc");
    jobs.update(id, current -> Outcome.write(current.orElseThrow().afterEvent(JobStatus.FAILED, 3,
        new Progress("3", 5, 20), List.of(png), new JobError("OOM", "out of memory", "3"), 1.5, Instant.now()), null));
    JsonNode job = body(call("GET", "/api/v2/jobs/" + id, null));
    assertThat(job.get("status").asText()).isEqualTo("failed");
    assertThat(job.get("queue_position").isNull()).isTrue();
    assertThat(job.at("/progress/value").asInt()).isEqualTo(5);
    assertThat(job.at("/outputs/0/subfolder").asText()).isEqualTo(id);
    assertThat(job.at("/outputs/0/url").asText()).startsWith("memory:/").contains("x_00001_.png").endsWith("ttl=900");
    assertThat(job.at("/error/message").asText()).isEqualTo("out of memory");
    assertThat(job.at("/outputs/0").has("thumbnail")).as("no preview made yet").isFalse();

    jobs.update(id, current -> Outcome.write(current.orElseThrow().withThumbnail(new dev.darkroom.core.job.Thumbnail(
        png.objectName(), 1, "thumbnails/alice/" + id + "/x_00001_.png.jpg", 256, 171, "image/jpeg"), Instant.now()), null));
    JsonNode withPreview = body(call("GET", "/api/v2/jobs/" + id, null));
    assertThat(withPreview.at("/outputs/0/thumbnail/url").asText()).startsWith("memory:/")
        .contains("thumbnails%2Falice%2F").endsWith(".png.jpg?ttl=900");
    assertThat(withPreview.at("/outputs/0/thumbnail/width").asInt()).isEqualTo(256);
    assertThat(withPreview.at("/outputs/0/thumbnail/content_type").asText()).isEqualTo("image/jpeg");

    caller = "bob";
    FakeHttp.Response others = call("GET", "/api/v2/jobs/" + id, null);
    assertThat(others.status).isEqualTo(404);
    assertThat(body(others).at("/error/status").asInt()).isEqualTo(404);
    assertThat(call("GET", "/api/v2/jobs/" + UUID.randomUUID(), null).status).isEqualTo(404);
    assertThat(call("GET", "/api/v2/jobs/not-an-id", null).status).isEqualTo(404);
  }

  @Test
  void cancelCancelsAPendingJobAgainAndAgainButNotAnEndedOne() throws Exception {
    String id = submit("{\"prompt\":" + PROMPT + "}");
    FakeHttp.Response cancelled = call("POST", "/api/v2/jobs/" + id + "/cancel", null);
    assertThat(cancelled.status).isEqualTo(202);
    assertThat(body(cancelled).get("status").asText()).isEqualTo("cancelled");
    assertThat(call("POST", "/api/v2/jobs/" + id + "/cancel", null).status).isEqualTo(202);

    String running = submit("{\"prompt\":" + PROMPT + "}");
    jobs.update(running, current -> Outcome.write(current.orElseThrow().withStatus(JobStatus.RUNNING, Instant.now()), null));
    FakeHttp.Response asked = call("POST", "/api/v2/jobs/" + running + "/cancel", null);
    assertThat(asked.status).isEqualTo(202);
    assertThat(body(asked).get("status").asText()).isEqualTo("running");
    assertThat(body(asked).get("cancel_requested").asBoolean()).isTrue();

    String done = submit("{\"prompt\":" + PROMPT + "}");
    jobs.update(done, current -> Outcome.write(current.orElseThrow().withStatus(JobStatus.SUCCEEDED, Instant.now()), null));
    FakeHttp.Response ended = call("POST", "/api/v2/jobs/" + done + "/cancel", null);
    assertThat(ended.status).isEqualTo(409);
    assertThat(body(ended).at("/error/message").asText()).contains("succeeded");

    caller = "bob";
    assertThat(call("POST", "/api/v2/jobs/" + running + "/cancel", null).status).isEqualTo(404);
    assertThat(jobs.get(running).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void pagesListEveryJobOnceNewestFirstEvenWhenJobsArriveBetweenPages() throws Exception {
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      expected.add(submit("{\"prompt\":" + PROMPT + "}"));
    }
    caller = "bob";
    submit("{\"prompt\":" + PROMPT + "}");
    caller = "alice";
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      FakeHttp.Response page = call("GET", "/api/v2/jobs?limit=10" + (cursor == null ? "" : "&cursor=" + cursor), null);
      assertThat(page.status).as(page.text()).isEqualTo(200);
      JsonNode body = body(page);
      body.get("jobs").forEach(job -> seen.add(job.get("id").asText()));
      cursor = body.get("next_cursor").isNull() ? null : body.get("next_cursor").asText();
      pages++;
      // A job created mid-walk is newer than every cursor: it is on no later page. (The 25 share
      // one creation time, the fixture's clock being fixed: their order is the id's tie-break.)
      Job newer = Job.queued(UUID.randomUUID().toString(), "alice", 1, json.createObjectNode(),
          json.createObjectNode(), null, ApiFixture.CLOCK.instant().plusSeconds(pages));
      jobs.update(newer.id(), current -> Outcome.write(newer, null));
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(25).doesNotHaveDuplicates();
    assertThat(new HashSet<>(seen)).isEqualTo(expected);
  }

  @Test
  void listingFiltersByStatusAndTimeAndRefusesBadParametersOrAMismatchedCursor() throws Exception {
    String queued = submit("{\"prompt\":" + PROMPT + "}");
    String failed = submit("{\"prompt\":" + PROMPT + "}");
    String done = submit("{\"prompt\":" + PROMPT + "}");
    jobs.update(failed, current -> Outcome.write(current.orElseThrow().withStatus(JobStatus.FAILED, Instant.now()), null));
    jobs.update(done, current -> Outcome.write(current.orElseThrow().withStatus(JobStatus.SUCCEEDED, Instant.now()), null));

    assertThat(ids("/api/v2/jobs?status=failed,succeeded")).containsExactlyInAnyOrder(failed, done);
    assertThat(ids("/api/v2/jobs?status=failed&status=queued")).containsExactlyInAnyOrder(failed, queued);
    assertThat(ids("/api/v2/jobs?created_after=2026-11-23T09:59:59Z&created_before=2026-11-23T11:00:01%2B01:00"))
        .containsExactlyInAnyOrder(queued, failed, done);
    assertThat(ids("/api/v2/jobs?created_after=2026-11-23T10:00:00Z")).isEmpty();

    for (String bad : List.of("limit=0", "limit=101", "limit=ten", "status=done", "created_after=yesterday",
        "cursor=!!!", "cursor=e30")) {
      FakeHttp.Response response = call("GET", "/api/v2/jobs?" + bad, null);
      assertThat(response.status).as(bad).isEqualTo(400);
      assertThat(body(response).at("/error/status").asInt()).isEqualTo(400);
    }
    String cursor = body(call("GET", "/api/v2/jobs?limit=1&status=failed,succeeded", null)).get("next_cursor").asText();
    assertThat(call("GET", "/api/v2/jobs?limit=1&status=succeeded,failed&cursor=" + cursor, null).status).isEqualTo(200);
    FakeHttp.Response mismatched = call("GET", "/api/v2/jobs?limit=1&status=failed&cursor=" + cursor, null);
    assertThat(mismatched.status).isEqualTo(400);
    assertThat(body(mismatched).at("/error/message").asText()).contains("other filters");
  }

  private List<String> ids(String path) throws Exception {
    FakeHttp.Response response = call("GET", path, null);
    assertThat(response.status).as(response.text()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    body(response).get("jobs").forEach(job -> ids.add(job.get("id").asText()));
    return ids;
  }
}
