package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Newer ComfyUI's jobs API over the caller's jobs, each case derived from ComfyUI's server.py
 * ({@code get_jobs}, {@code get_job_by_id}, {@code cancel_job_by_id}) and comfy_execution/jobs.py.
 */
class ComfyJobsRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private String user = "alice";
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), new InMemoryOutputStore(),
      new InMemoryLedger(), null, ApiFixture.as(() -> user));
  private final Instant start = Instant.parse("2026-11-20T10:00:00Z");

  private JsonNode get(String path) throws Exception {
    FakeHttp.Response response = FakeHttp.call(api, "GET", path, null);
    return JSON.readTree(response.text());
  }

  /** A job of {@code owner} created {@code minutes} after {@link #start}, in {@code status}, ran for {@code seconds}. */
  private Job job(String owner, int minutes, JobStatus status, int seconds, String workflowId) {
    ObjectNode extra = JSON.createObjectNode();
    if (workflowId != null) {
      extra.putObject("extra_pnginfo").putObject("workflow").put("id", workflowId);
    }
    Instant created = start.plus(Duration.ofMinutes(minutes));
    Job queued = Job.queued(UUID.randomUUID().toString(), owner, minutes, (ObjectNode) JSON.valueToTree(
        java.util.Map.of("9", java.util.Map.of("class_type", "SaveImage"))), extra, "c1", created);
    jobs.create(queued);
    if (status == JobStatus.QUEUED) {
      return queued;
    }
    List<JobOutput> outputs = status == JobStatus.SUCCEEDED
        ? List.of(new JobOutput("9", "images", "x_00001_.png", "", "output", "outputs/" + owner + "/x.png", "image/png",
            10, "abc"))
        : List.of();
    JobError error = status == JobStatus.FAILED ? new JobError("RuntimeError", "broke", "3") : null;
    jobs.update(queued.id(), current -> Outcome.write(current.orElseThrow().afterEvent(status, 2,
        new Progress("9", 1, 1), outputs, error, seconds, created.plusSeconds(seconds)), null));
    return jobs.get(queued.id()).orElseThrow();
  }

  // server.py get_jobs: {jobs, pagination: {offset, limit, total, has_more}}; limit echoes the request (None when absent).
  @Test
  void noJobsIsAnEmptyPage() throws Exception {
    assertThat(get("/api/jobs")).isEqualTo(JSON.readTree(
        "{\"jobs\":[],\"pagination\":{\"offset\":0,\"limit\":null,\"total\":0,\"has_more\":false}}"));
  }

  // server.py get_jobs: each parameter's 400 and its message, checked in its order.
  @Test
  void badParametersAreRefusedWithComfyUisMessages() throws Exception {
    assertThat(FakeHttp.call(api, "GET", "/api/jobs?status=pending,bogus", null).status).isEqualTo(400);
    assertThat(get("/api/jobs?status=pending,bogus").get("error").asText()).isEqualTo(
        "Invalid status value(s): bogus. Valid values: pending, in_progress, completed, failed, cancelled");
    assertThat(get("/api/jobs?sort_by=name").get("error").asText())
        .isEqualTo("sort_by must be 'created_at' or 'execution_duration'");
    assertThat(get("/api/jobs?sort_order=up").get("error").asText()).isEqualTo("sort_order must be 'asc' or 'desc'");
    assertThat(get("/api/jobs?limit=x").get("error").asText()).isEqualTo("limit must be an integer");
    assertThat(get("/api/jobs?limit=0").get("error").asText()).isEqualTo("limit must be a positive integer");
    assertThat(get("/api/jobs?offset=x").get("error").asText()).isEqualTo("offset must be an integer");
    // A negative offset is 0; upper case is accepted (server.py lower()s status, sort_by, sort_order).
    assertThat(get("/api/jobs?offset=-3&status=PENDING&sort_order=DESC").path("pagination").path("offset").asInt())
        .isEqualTo(0);
  }

  // jobs.py get_all_jobs + apply_sorting: newest first by default; statuses mapped; offset/limit slice; total and has_more.
  @Test
  void theListingIsNewestFirstFilteredAndPaged() throws Exception {
    Job done = job("alice", 1, JobStatus.SUCCEEDED, 30, null);
    Job failed = job("alice", 2, JobStatus.FAILED, 5, null);
    Job pending = job("alice", 3, JobStatus.QUEUED, 0, null);
    job("bob", 4, JobStatus.QUEUED, 0, null);

    JsonNode all = get("/api/jobs");
    assertThat(all.path("jobs")).extracting(j -> j.get("id").asText() + " " + j.get("status").asText())
        .containsExactly(pending.promptId() + " pending", failed.promptId() + " failed", done.promptId() + " completed");
    assertThat(all.path("pagination").path("total").asInt()).isEqualTo(3);

    JsonNode second = get("/api/jobs?limit=1&offset=1");
    assertThat(second.path("jobs")).extracting(j -> j.get("id").asText()).containsExactly(failed.promptId());
    assertThat(second.path("pagination")).isEqualTo(JSON.readTree(
        "{\"offset\":1,\"limit\":1,\"total\":3,\"has_more\":true}"));

    assertThat(get("/api/jobs?status=completed,pending").path("jobs")).extracting(j -> j.get("id").asText())
        .containsExactly(pending.promptId(), done.promptId());
    // jobs.py sort by create_time ascending; execution_duration = end - start.
    assertThat(get("/api/jobs?sort_order=asc").path("jobs")).extracting(j -> j.get("id").asText())
        .containsExactly(done.promptId(), failed.promptId(), pending.promptId());
    assertThat(get("/api/jobs?sort_by=execution_duration&status=completed,failed").path("jobs"))
        .extracting(j -> j.get("id").asText()).containsExactly(done.promptId(), failed.promptId());
  }

  // jobs.py normalize_history_item: a finished job's times, error, output counts and preview.
  @Test
  void aFinishedJobIsDescribedFromItsHistoryEntry() throws Exception {
    Job done = job("alice", 1, JobStatus.SUCCEEDED, 30, null);
    Job failed = job("alice", 2, JobStatus.FAILED, 5, null);
    JsonNode listed = get("/api/jobs?status=completed").path("jobs").get(0);
    assertThat(listed.get("create_time").asLong()).isEqualTo(done.createdAt().toEpochMilli());
    assertThat(listed.get("execution_end_time").asLong()).isEqualTo(done.updatedAt().toEpochMilli());
    assertThat(listed.get("outputs_count").asInt()).isEqualTo(1);
    assertThat(listed.get("previewable_outputs_count").asInt()).isEqualTo(1);
    assertThat(listed.get("preview_output").get("filename").asText()).isEqualTo("x_00001_.png");
    assertThat(listed.get("preview_output").get("nodeId").asText()).isEqualTo("9");
    assertThat(listed.get("preview_output").get("mediaType").asText()).isEqualTo("images");
    assertThat(listed.has("workflow")).isFalse();
    JsonNode error = get("/api/jobs?status=failed").path("jobs").get(0).get("execution_error");
    assertThat(error.get("exception_message").asText()).isEqualTo("broke");
    assertThat(failed.promptId()).isNotNull();
  }

  // server.py get_job_by_id: the job with workflow {prompt, extra_data}; finished: outputs and execution_status; else 404.
  @Test
  void oneJobCarriesItsWorkflowAndAnUnknownOrOthersIs404() throws Exception {
    Job pending = job("alice", 1, JobStatus.QUEUED, 0, "wf-1");
    Job done = job("alice", 2, JobStatus.SUCCEEDED, 3, null);
    JsonNode one = get("/api/jobs/" + pending.promptId());
    assertThat(one.get("status").asText()).isEqualTo("pending");
    assertThat(one.get("workflow_id").asText()).isEqualTo("wf-1");
    assertThat(one.path("workflow").path("prompt").path("9").path("class_type").asText()).isEqualTo("SaveImage");
    JsonNode finished = get("/api/jobs/" + done.promptId());
    assertThat(finished.path("outputs").path("9").path("images").get(0).path("filename").asText()).isEqualTo("x_00001_.png");
    assertThat(finished.path("execution_status").path("status_str").asText()).isEqualTo("success");

    FakeHttp.Response unknown = FakeHttp.call(api, "GET", "/api/jobs/" + UUID.randomUUID(), null);
    assertThat(unknown.status).isEqualTo(404);
    assertThat(JSON.readTree(unknown.text())).isEqualTo(JSON.readTree("{\"error\":\"Job not found\"}"));
    user = "bob";
    assertThat(FakeHttp.call(api, "GET", "/api/jobs/" + pending.promptId(), null).status).isEqualTo(404);
  }

  // server.py get_jobs workflow_id: only the jobs whose extra_pnginfo.workflow.id is it.
  @Test
  void theWorkflowFilterKeepsThatWorkflowsJobs() throws Exception {
    Job mine = job("alice", 1, JobStatus.QUEUED, 0, "wf-1");
    job("alice", 2, JobStatus.QUEUED, 0, "wf-2");
    JsonNode listed = get("/api/jobs?workflow_id=wf-1");
    assertThat(listed.path("jobs")).extracting(j -> j.get("id").asText()).containsExactly(mine.promptId());
    assertThat(listed.path("jobs").get(0).get("workflow_id").asText()).isEqualTo("wf-1");
    assertThat(listed.path("pagination").path("total").asInt()).isEqualTo(1);
  }

  // server.py cancel_job_by_id: {"cancelled": true} for a pending or running job, false (200) for finished or unknown.
  @Test
  void cancelDequeuesAPendingJobAndIsANoOpOtherwise() throws Exception {
    Job pending = job("alice", 1, JobStatus.QUEUED, 0, null);
    Job done = job("alice", 2, JobStatus.SUCCEEDED, 3, null);
    user = "bob";
    FakeHttp.Response others = FakeHttp.call(api, "POST", "/api/jobs/" + pending.promptId() + "/cancel", null);
    assertThat(JSON.readTree(others.text()).get("cancelled").asBoolean()).isFalse();
    assertThat(jobs.get(pending.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    user = "alice";
    FakeHttp.Response cancelled = FakeHttp.call(api, "POST", "/api/jobs/" + pending.promptId() + "/cancel", null);
    assertThat(cancelled.status).isEqualTo(200);
    assertThat(JSON.readTree(cancelled.text()).get("cancelled").asBoolean()).isTrue();
    assertThat(jobs.get(pending.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(get("/api/jobs/" + pending.promptId()).get("status").asText()).isEqualTo("cancelled");
    assertThat(JSON.readTree(FakeHttp.call(api, "POST", "/api/jobs/" + done.promptId() + "/cancel", null).text())
        .get("cancelled").asBoolean()).isFalse();
    assertThat(JSON.readTree(FakeHttp.call(api, "POST", "/api/jobs/" + UUID.randomUUID() + "/cancel", null).text())
        .get("cancelled").asBoolean()).isFalse();
  }

  // server.py cancel_jobs_batch: bad JSON, no list, invalid ids (listed) are 400; else {"cancelled": any dispatched}.
  @Test
  void aBatchCancelChecksEveryIdFirstThenCancelsTheCallersPendingOnes() throws Exception {
    Job pending = job("alice", 1, JobStatus.QUEUED, 0, null);
    Job done = job("alice", 2, JobStatus.SUCCEEDED, 3, null);
    FakeHttp.Response notJson = FakeHttp.call(api, "POST", "/api/jobs/cancel", "{nope");
    assertThat(notJson.status).isEqualTo(400);
    assertThat(JSON.readTree(notJson.text()).get("error").asText()).isEqualTo("Request body must be valid JSON");
    assertThat(JSON.readTree(FakeHttp.call(api, "POST", "/api/jobs/cancel", "{\"job_ids\":\"x\"}").text())
        .get("error").asText()).isEqualTo("job_ids must be a list");
    FakeHttp.Response invalid = FakeHttp.call(api, "POST", "/api/jobs/cancel",
        "{\"job_ids\":[\"" + pending.promptId() + "\",\"ABC\",5]}");
    assertThat(invalid.status).isEqualTo(400);
    assertThat(JSON.readTree(invalid.text())).isEqualTo(JSON.readTree(
        "{\"error\":\"job_ids contains invalid id(s)\",\"invalid_ids\":[\"ABC\",\"5\"]}"));
    assertThat(jobs.get(pending.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);

    FakeHttp.Response none = FakeHttp.call(api, "POST", "/api/jobs/cancel",
        "{\"job_ids\":[\"" + done.promptId() + "\",\"" + UUID.randomUUID() + "\"]}");
    assertThat(JSON.readTree(none.text()).get("cancelled").asBoolean()).isFalse();
    FakeHttp.Response some = FakeHttp.call(api, "POST", "/api/jobs/cancel",
        "{\"job_ids\":[\"" + done.promptId() + "\",\"" + pending.promptId() + "\"]}");
    assertThat(some.status).isEqualTo(200);
    assertThat(JSON.readTree(some.text()).get("cancelled").asBoolean()).isTrue();
    assertThat(jobs.get(pending.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
  }

  // The default listing reads what it shows plus what offset skips: never the whole history, and no prompt.
  @Test
  void theDefaultListingReadsOnlyWhatItShowsPlusTheOffset() throws Exception {
    for (int i = 0; i < 250; i++) {
      job("alice", i, JobStatus.QUEUED, 0, null);
    }
    CountingJobStore counting = new CountingJobStore(jobs);
    ComfyApi counted = ApiFixture.api(counting, new RecordingJobQueue(), new InMemoryOutputStore(),
        new InMemoryLedger(), null, ApiFixture.as(() -> "alice"));
    JsonNode page = JSON.readTree(FakeHttp.call(counted, "GET", "/api/jobs?limit=5&offset=10", null).text());
    assertThat(page.path("jobs")).hasSize(5);
    assertThat(page.path("pagination").path("total").asInt()).isEqualTo(250);
    assertThat(page.path("pagination").path("has_more").asBoolean()).isTrue();
    assertThat(counting.listedDocuments.get()).isEqualTo(15);
    assertThat(counting.promptBytes.get()).isZero();
    assertThat(JSON.readTree(FakeHttp.call(counted, "GET", "/api/jobs", null).text()).path("jobs"))
        .hasSize(dev.darkroom.functions.api.routes.ComfyJobsRoutes.MAX_LIMIT);
  }
}
