package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /history/{id}} reads the job and its prompt in one round trip to the store (Firestore:
 * one {@code getAll} of both documents), where reading the job and then its prompt took two.
 */
class HistoryEntryReadsTest {
  private static final String PROMPT = "{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}}";
  private final ObjectMapper json = new ObjectMapper();
  private final CountingJobStore jobs = new CountingJobStore(new InMemoryJobStore());
  private String caller = "alice";
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), new InMemoryOutputStore(),
      new InMemoryLedger(), null, ApiFixture.as(() -> caller));

  private JsonNode get(String path) throws Exception {
    FakeHttp.Response response = FakeHttp.send(api, "GET", path, null);
    assertThat(response.status).isEqualTo(200);
    return json.readTree(response.text());
  }

  private String finishedJob() throws Exception {
    FakeHttp.Response submitted = FakeHttp.send(api, "POST", "/prompt", "{\"prompt\":" + PROMPT + "}");
    String id = json.readTree(submitted.text()).get("prompt_id").asText();
    jobs.update(id, current -> Outcome.write(current.orElseThrow().afterEvent(JobStatus.SUCCEEDED, 2, null,
        List.of(new JobOutput("9", "images", "x_00001_.png", "", "output", "outputs/alice/" + id + "/x_00001_.png",
            "image/png", 3, "ab")), null, 1.0, Instant.parse("2026-11-23T10:00:05Z")), null));
    return id;
  }

  @Test
  void aFinishedJobsEntryIsOneReadOfJobAndPromptTogether() throws Exception {
    String id = finishedJob();
    jobs.reset();

    JsonNode entry = get("/history/" + id).get(id);

    assertThat(entry.at("/prompt/2/9/class_type").asText()).isEqualTo("SaveImage");
    assertThat(entry.at("/outputs/9/images/0/filename").asText()).isEqualTo("x_00001_.png");
    assertThat(jobs.reads.get()).as("round trips to the store for one GET /history/{id}").isEqualTo(1);
  }

  @Test
  void anUnfinishedJobOrAnotherUsersIsStillOneReadAndShowsNothing() throws Exception {
    FakeHttp.Response submitted = FakeHttp.send(api, "POST", "/prompt", "{\"prompt\":" + PROMPT + "}");
    String queued = json.readTree(submitted.text()).get("prompt_id").asText();
    String finished = finishedJob();
    jobs.reset();

    assertThat(get("/history/" + queued).isEmpty()).isTrue();
    caller = "mallory";
    assertThat(get("/history/" + finished).isEmpty()).isTrue();
    assertThat(jobs.reads.get()).as("round trips to the store for two GET /history/{id}").isEqualTo(2);
  }
}
