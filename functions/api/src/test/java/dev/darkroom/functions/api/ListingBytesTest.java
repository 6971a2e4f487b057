package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.PerTier;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryAccountDirectory;
import dev.darkroom.testing.InMemoryApiKeyStore;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.RecordingJobQueue;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 1: a request reads what it returns plus a constant, in bytes as well as in
 * documents. One user with many near-limit prompts must not make {@code /history} or
 * {@code /queue} hold them all in memory, and counts must not read the documents they count.
 */
class ListingBytesTest {
  static final long MIB = 1024 * 1024;
  /** LISTING_MAX_BYTES' default. */
  static final long LISTING_BYTES = 16 * MIB;
  static final int BIG_JOBS = 60;

  private final ObjectMapper json = new ObjectMapper();
  private final CountingJobStore jobs = new CountingJobStore(new InMemoryJobStore());
  private final Admission admission = new Admission(new InMemoryRateCounter(), jobs, new InMemoryLedger(),
      new Admission.Settings(PerTier.none(), OptionalLong.empty(), PerTier.parse(Job.DEFAULT_TIER + "=1000", 1),
          PerTier.none()), ApiFixture.CLOCK);
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), new InMemoryOutputStore(),
      new InMemoryLedger(), null, request -> Caller.idToken("mallory", Job.DEFAULT_TIER), admission,
      new ApiKeys(new InMemoryApiKeyStore(), InMemoryAccountDirectory.of(ApiFixture.CLOCK), new byte[32], Job.DEFAULT_TIER,
          ApiFixture.CLOCK));

  /** A prompt near the stored bound: 800 KB of compact JSON. */
  private ObjectNode bigPrompt(int variant) {
    ObjectNode prompt = json.createObjectNode();
    for (int node = 0; node < 8; node++) {
      prompt.putObject(Integer.toString(node)).put("class_type", "CLIPTextEncode").putObject("inputs")
          .put("text", (char) ('a' + variant % 26) + "x".repeat(100_000 - 1));
    }
    return prompt;
  }

  private void pileUp(JobStatus status, int count) {
    Instant start = Instant.parse("2026-11-23T08:00:00Z");
    for (int i = 0; i < count; i++) {
      Job job = Job.queued(UUID.randomUUID().toString(), "mallory", i, bigPrompt(i), json.createObjectNode(),
          "c1", start.plusSeconds(i));
      jobs.create(status == JobStatus.QUEUED ? job : job.withStatus(status, start.plusSeconds(i)));
    }
  }

  @Test
  void historyOfManyBigPromptsReadsAndAnswersAtMostTheListingBudget() throws Exception {
    pileUp(JobStatus.CANCELLED, BIG_JOBS);
    jobs.reset();
    FakeHttp.Response history = FakeHttp.send(api, "GET", "/history", null);
    assertThat(history.status).isEqualTo(200);
    assertThat(jobs.promptBytes.get()).as("prompt bytes read by one GET /history").isLessThanOrEqualTo(LISTING_BYTES + MIB);
    assertThat(history.text().length()).as("bytes of the answer").isLessThanOrEqualTo((int) LISTING_BYTES);
    JsonNode entries = json.readTree(history.text());
    assertThat(entries.size()).isPositive();
    // The newest that fit, oldest first, as ComfyUI lists them.
    long newest = entries.properties().stream().mapToLong(e -> e.getValue().at("/prompt/0").asLong()).max().orElseThrow();
    assertThat(newest).isEqualTo(BIG_JOBS - 1);
  }

  @Test
  void historyPagedWithOffsetReadsWhatEachPageShows() throws Exception {
    pileUp(JobStatus.CANCELLED, BIG_JOBS);
    jobs.reset();
    FakeHttp.Response page = FakeHttp.send(api, "GET", "/history?offset=10&max_items=5", null);
    assertThat(json.readTree(page.text()).size()).isEqualTo(5);
    assertThat(jobs.listedDocuments.get()).as("job documents read for 5 entries").isLessThanOrEqualTo(5);
    assertThat(jobs.promptBytes.get()).isLessThanOrEqualTo(5 * MIB);
  }

  @Test
  void theQueueOfManyBigPromptsReadsAndAnswersAtMostTheListingBudget() throws Exception {
    pileUp(JobStatus.QUEUED, BIG_JOBS);
    jobs.reset();
    FakeHttp.Response queue = FakeHttp.send(api, "GET", "/queue", null);
    assertThat(queue.status).isEqualTo(200);
    assertThat(jobs.promptBytes.get()).as("prompt bytes read by one GET /queue").isLessThanOrEqualTo(LISTING_BYTES + MIB);
    assertThat(queue.text().length()).as("bytes of the answer").isLessThanOrEqualTo((int) LISTING_BYTES);
    JsonNode pending = json.readTree(queue.text()).get("queue_pending");
    assertThat(pending.size()).isPositive();
    // In queue order from the front: the lowest numbers.
    assertThat(pending.get(0).get(0).asLong()).isEqualTo(0);
  }

  @Test
  void countsAndPositionsReadNoDocumentOfTheJobsTheyCount() throws Exception {
    pileUp(JobStatus.QUEUED, 200);
    jobs.reset();
    FakeHttp.Response remaining = FakeHttp.send(api, "GET", "/prompt", null);
    assertThat(json.readTree(remaining.text()).at("/exec_info/queue_remaining").asInt()).isEqualTo(200);
    FakeHttp.Response submitted = FakeHttp.send(api, "POST", "/prompt", "{\"prompt\":" + JobRoutesTest.PROMPT + "}");
    assertThat(submitted.status).as(submitted.text()).isEqualTo(200);
    String last = json.readTree(submitted.text()).get("prompt_id").asText();
    FakeHttp.Response one = FakeHttp.send(api, "GET", "/api/v2/jobs/" + last, null);
    assertThat(json.readTree(one.text()).get("queue_position").asInt()).isEqualTo(201);
    assertThat(jobs.listedDocuments.get()).as("documents listed to count 200 waiting jobs and place one behind them")
        .isZero();
    assertThat(jobs.promptBytes.get()).isZero();
  }
}
