package dev.darkroom.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class GatewayTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = T0.plusSeconds(1);
  private static final Instant T9 = T0.plusSeconds(9);

  private final FakeJobFeed feed = new FakeJobFeed();
  /** The prompts stored beside the jobs, by id. */
  private final Map<String, JobPrompt> prompts = new ConcurrentHashMap<>();
  private final Gateway gateway = new Gateway(feed, id -> Optional.ofNullable(prompts.get(id)));

  @Test
  void aSocketIsGreetedWithTheUsersQueueAndItsSid() {
    feed.put(queued("old", "alice", "other-client"));
    RecordingSink socket = connect("alice", "c1");

    assertThat(socket.messages).hasSize(1);
    assertThat(socket.messages.get(0).toString())
        .isEqualTo("{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":1}},\"sid\":\"c1\"}}");
  }

  @Test
  void aSucceedingJobIsToldInComfyUisOrderAndShapes() {
    RecordingSink socket = connect("alice", "c1");
    Job job = queued("j1", "alice", "c1");
    feed.put(job);
    feed.put(job.withStatus(JobStatus.DISPATCHED, T0));
    Job running = job.withStatus(JobStatus.RUNNING, T1);
    feed.put(running);
    feed.put(progressed(running, new Progress("4", 0, 0)));
    feed.put(progressed(running, new Progress("3", 0, 0)));
    feed.put(progressed(running, new Progress("3", 5, 20)));
    feed.put(progressed(running, new Progress("3", 5, 20))); // a write that changed no progress: nothing
    feed.put(progressed(running, new Progress("3", 20, 20)));
    feed.put(running.afterEvent(JobStatus.SUCCEEDED, 9, null,
        List.of(output("9", "ComfyUI_00001_.png", ""), output("9", "ComfyUI_00002_.png", "portraits")), null, 1.5, T9));
    feed.put(running.afterEvent(JobStatus.SUCCEEDED, 9, null, List.of(), null, 1.5, T9)); // stale echo: nothing

    assertThat(socket.types()).containsExactly(
        "status", "status", // greeting; the job enqueued
        "execution_start", "execution_cached",
        "executing", "executing", "progress", "progress",
        "executing", "executed", "execution_success", "status", "executing");
    List<JsonNode> m = socket.messages;
    assertThat(m.get(1).at("/data/status/exec_info/queue_remaining").asInt()).isEqualTo(1);
    assertThat(m.get(1).at("/data/sid").isMissingNode()).isTrue();
    assertThat(m.get(2).get("data").toString()).isEqualTo("{\"prompt_id\":\"j1\",\"timestamp\":" + T1.toEpochMilli() + "}");
    assertThat(m.get(3).get("data").toString())
        .isEqualTo("{\"nodes\":[],\"prompt_id\":\"j1\",\"timestamp\":" + T1.toEpochMilli() + "}");
    assertThat(m.get(4).get("data").toString()).isEqualTo("{\"node\":\"4\",\"display_node\":\"4\",\"prompt_id\":\"j1\"}");
    assertThat(m.get(6).get("data").toString()).isEqualTo("{\"value\":5,\"max\":20,\"prompt_id\":\"j1\",\"node\":\"3\"}");
    assertThat(m.get(8).at("/data/node").asText()).isEqualTo("9");
    assertThat(m.get(9).get("data").toString()).isEqualTo("{\"node\":\"9\",\"display_node\":\"9\",\"output\":{\"images\":["
        + "{\"filename\":\"ComfyUI_00001_.png\",\"subfolder\":\"j1\",\"type\":\"output\"},"
        + "{\"filename\":\"ComfyUI_00002_.png\",\"subfolder\":\"j1/portraits\",\"type\":\"output\"}]},\"prompt_id\":\"j1\"}");
    assertThat(m.get(10).get("data").toString()).isEqualTo("{\"prompt_id\":\"j1\",\"timestamp\":" + T9.toEpochMilli() + "}");
    assertThat(m.get(11).at("/data/status/exec_info/queue_remaining").asInt()).isZero();
    assertThat(m.get(12).get("data").toString()).isEqualTo("{\"node\":null,\"prompt_id\":\"j1\"}");
  }

  @Test
  void aJobSeenOnlyAtItsEndIsToldFromItsStart() {
    RecordingSink socket = connect("alice", "c1");
    Job job = queued("j1", "alice", "c1");
    feed.put(job);
    int before = socket.messages.size();
    feed.put(job.afterEvent(JobStatus.SUCCEEDED, 5, null, List.of(output("9", "a.png", "")), null, 1, T9));

    assertThat(socket.since(before)).map(n -> n.get("type").asText()).containsExactly(
        "execution_start", "execution_cached", "executing", "executed", "execution_success", "status", "executing");
  }

  /**
   * The feed's first answer may come seconds after the socket opened (3 s on a loaded machine,
   * where ComfyUI's websockets example then waited forever): a client that POSTs right after the
   * handshake finds its job already in that first answer, perhaps already ended. It must still
   * hear all of it, ending with {@code executing null}.
   */
  @Test
  void aJobSubmittedAfterTheSocketOpenedIsToldWholeEvenIfTheFeedFirstAnswersAfterItEnded() {
    SlowFirstAnswer slow = new SlowFirstAnswer();
    RecordingSink socket = new RecordingSink();
    new Gateway(slow, id -> Optional.empty(), Clock.fixed(T0.minusMillis(200), ZoneOffset.UTC)).open("alice", "c1", socket);
    assertThat(socket.messages).as("not greeted before the feed answers").isEmpty();

    Job job = queued("j1", "alice", "c1").withStatus(JobStatus.RUNNING, T1);
    slow.answer(job.afterEvent(JobStatus.SUCCEEDED, 5, null, List.of(output("9", "a.png", "")), null, 1, T9));

    assertThat(socket.types()).containsExactly("status",
        "execution_start", "execution_cached", "executing", "executed", "execution_success", "status", "executing");
    assertThat(socket.messages.get(socket.messages.size() - 1).get("data").toString())
        .isEqualTo("{\"node\":null,\"prompt_id\":\"j1\"}");
  }

  /** A job that ended before the socket opened is history: the greeting is all the socket hears. */
  @Test
  void aJobThatEndedBeforeTheSocketOpenedIsNotToldAgain() {
    SlowFirstAnswer slow = new SlowFirstAnswer();
    RecordingSink socket = new RecordingSink();
    new Gateway(slow, id -> Optional.empty(), Clock.fixed(T9.plusSeconds(60), ZoneOffset.UTC)).open("alice", "c1", socket);

    Job job = queued("j1", "alice", "c1").withStatus(JobStatus.RUNNING, T1);
    slow.answer(job.afterEvent(JobStatus.SUCCEEDED, 5, null, List.of(output("9", "a.png", "")), null, 1, T9));

    assertThat(socket.types()).containsExactly("status");
  }

  /** A feed whose first answer to a client's subscription comes only when the test says. */
  private static final class SlowFirstAnswer extends FakeJobFeed {
    private JobsListener listener;

    @Override
    public Subscription jobsOfClient(String userId, String clientId, JobsListener listener) {
      this.listener = listener;
      return () -> { };
    }

    void answer(Job... jobs) {
      listener.current(List.of(jobs));
    }
  }

  @Test
  void aFailureIsAnExecutionErrorNamingTheNodeAndItsType() {
    RecordingSink socket = connect("alice", "c1");
    Job running = queued("j1", "alice", "c1").withStatus(JobStatus.RUNNING, T1);
    feed.put(running);
    feed.put(progressed(running, new Progress("3", 2, 20)));
    feed.put(running.afterEvent(JobStatus.FAILED, 4, null, List.of(),
        new JobError("torch.OutOfMemoryError", "CUDA out of memory.", "3"), 2, T9));

    List<JsonNode> m = socket.messages;
    assertThat(socket.types()).endsWith("progress", "execution_error", "status", "executing");
    assertThat(m.get(m.size() - 3).get("data").toString()).isEqualTo("{\"prompt_id\":\"j1\",\"node_id\":\"3\","
        + "\"node_type\":\"KSampler\",\"executed\":[],\"exception_message\":\"CUDA out of memory.\","
        + "\"exception_type\":\"torch.OutOfMemoryError\",\"traceback\":[],\"current_inputs\":{},"
        + "\"current_outputs\":[],\"timestamp\":" + T9.toEpochMilli() + "}");
  }

  @Test
  void aFailedJobWhosePromptIsStoredBesideItStillNamesItsNodesType() {
    RecordingSink socket = connect("alice", "c1");
    Job submitted = queued("j1", "alice", "c1");
    prompts.put("j1", JobPrompt.of(submitted));
    // What the feed delivers: the live document, without the prompt.
    Job running = submitted.withoutPrompt().withStatus(JobStatus.RUNNING, T1);
    feed.put(running);
    feed.put(running.afterEvent(JobStatus.FAILED, 4, null, List.of(),
        new JobError("torch.OutOfMemoryError", "CUDA out of memory.", "3"), 2, T9));

    List<JsonNode> m = socket.messages;
    assertThat(socket.types()).endsWith("execution_error", "status", "executing");
    assertThat(m.get(m.size() - 3).at("/data/node_type").asText()).isEqualTo("KSampler");
  }

  @Test
  void aCancelledRunIsInterruptedAtItsNodeButACancelledQueuedJobIsOnlyAQueueChange() {
    RecordingSink socket = connect("alice", "c1");
    Job running = queued("j1", "alice", "c1").withStatus(JobStatus.RUNNING, T1);
    feed.put(running);
    feed.put(progressed(running, new Progress("3", 2, 20)));
    feed.put(running.afterEvent(JobStatus.CANCELLED, 4, null, List.of(), null, 2, T9));
    assertThat(socket.types()).endsWith("execution_interrupted", "status", "executing");
    assertThat(socket.messages.get(socket.messages.size() - 3).get("data").toString()).isEqualTo(
        "{\"prompt_id\":\"j1\",\"node_id\":\"3\",\"node_type\":\"KSampler\",\"executed\":[],\"timestamp\":"
            + T9.toEpochMilli() + "}");

    Job queued = queued("j2", "alice", "c1");
    feed.put(queued);
    int before = socket.messages.size();
    feed.put(queued.withStatus(JobStatus.CANCELLED, T9));
    assertThat(socket.since(before)).map(n -> n.toString())
        .containsExactly("{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":0}}}}");
  }

  @Test
  void aJobStoredElsewhereIsToldUnderTheIdItsSubmitterChose() {
    String chosen = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
    RecordingSink socket = connect("bob", "c1");
    Job running = queued(chosen, "bob", "c1").storedElsewhere().withStatus(JobStatus.RUNNING, T1);
    feed.put(running);
    feed.put(progressed(running, new Progress("3", 2, 20)));
    feed.put(running.afterEvent(JobStatus.SUCCEEDED, 4, null, List.of(), null, 2, T9));

    assertThat(running.id()).isNotEqualTo(chosen);
    assertThat(socket.messages).filteredOn(m -> m.at("/data/prompt_id").isTextual())
        .extracting(m -> m.at("/data/prompt_id").asText()).hasSizeGreaterThan(4).containsOnly(chosen);
  }

  @Test
  void aUserHearsNothingOfAnotherUsersJobsNotEvenWithTheSameClientId() {
    RecordingSink alice = connect("alice", "shared-id");
    RecordingSink bob = connect("bob", "shared-id");
    Job job = queued("j1", "alice", "shared-id");
    feed.put(job);
    feed.put(job.withStatus(JobStatus.RUNNING, T1));
    feed.put(job.afterEvent(JobStatus.SUCCEEDED, 3, null, List.of(output("9", "a.png", "")), null, 1, T9));

    assertThat(bob.types()).containsExactly("status");
    assertThat(alice.types()).contains("execution_success");
  }

  @Test
  void everySocketOfTheUserHearsTheQueueButOnlyTheSubmittingClientHearsTheJob() {
    RecordingSink c1 = connect("alice", "c1");
    RecordingSink c2 = connect("alice", "c2");
    Job job = queued("j1", "alice", "c1");
    feed.put(job);
    feed.put(job.withStatus(JobStatus.RUNNING, T1));
    feed.put(job.afterEvent(JobStatus.SUCCEEDED, 3, null, List.of(output("9", "a.png", "")), null, 1, T9));

    assertThat(c2.types()).containsExactly("status", "status", "status");
    assertThat(c2.messages).map(m -> m.at("/data/status/exec_info/queue_remaining").asInt()).containsExactly(0, 1, 0);
    assertThat(c1.types()).last().isEqualTo("executing");
  }

  @Test
  void reusingAClientIdReplacesTheSocket() {
    RecordingSink first = connect("alice", "c1");
    RecordingSink second = connect("alice", "c1");
    Job job = queued("j1", "alice", "c1");
    feed.put(job);
    feed.put(job.withStatus(JobStatus.RUNNING, T1));

    assertThat(first.types()).containsExactly("status");
    assertThat(second.types()).containsExactly("status", "status", "execution_start", "execution_cached");

    gateway.closed("alice", "c1", first); // the old socket closing later must not cut off the new one
    feed.put(progressed(job.withStatus(JobStatus.RUNNING, T1), new Progress("3", 1, 20)));
    assertThat(second.types()).endsWith("executing", "progress");
  }

  @Test
  void eventsForAClientWithNoSocketAreDropped() {
    RecordingSink socket = connect("alice", "c1");
    gateway.closed("alice", "c1", socket);
    assertThat(feed.subscriptions()).isZero();

    Job job = queued("j1", "alice", "c1");
    feed.put(job);
    feed.put(job.withStatus(JobStatus.RUNNING, T1));
    RecordingSink again = connect("alice", "c1");
    feed.put(progressed(job.withStatus(JobStatus.RUNNING, T1), new Progress("3", 1, 20)));

    assertThat(socket.types()).containsExactly("status");
    // Reconnected mid-run: greeted, then only what happens from now on: the node that runs, its steps.
    assertThat(again.messages).map(JsonNode::toString).containsExactly(
        "{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":1}},\"sid\":\"c1\"}}",
        "{\"type\":\"executing\",\"data\":{\"node\":\"3\",\"display_node\":\"3\",\"prompt_id\":\"j1\"}}",
        "{\"type\":\"progress\",\"data\":{\"value\":1,\"max\":20,\"prompt_id\":\"j1\",\"node\":\"3\"}}");
  }

  @Test
  void aBrokenFeedClosesTheSocketSoTheClientReconnects() {
    RecordingSink socket = connect("alice", "c1");
    Gateway broken = new Gateway(new FakeJobFeed() {
      @Override
      public Subscription jobsOfClient(String userId, String clientId, JobsListener listener) {
        listener.failed(new IllegalStateException("listen stream broke"));
        return () -> { };
      }
    }, id -> Optional.empty());
    RecordingSink other = new RecordingSink();
    broken.open("alice", "c1", other);

    assertThat(other.closedWith).isEqualTo(1011);
    assertThat(other.messages).isEmpty();
    assertThat(socket.closedWith).isZero();
  }

  private RecordingSink connect(String user, String clientId) {
    RecordingSink sink = new RecordingSink();
    gateway.open(user, clientId, sink);
    return sink;
  }

  private static Job queued(String id, String user, String clientId) {
    ObjectNode prompt = ComfyMessages.JSON.createObjectNode();
    prompt.putObject("3").put("class_type", "KSampler");
    prompt.putObject("9").put("class_type", "SaveImage");
    return Job.queued(id, user, 1, prompt, ComfyMessages.JSON.createObjectNode(), clientId, T0);
  }

  private static Job progressed(Job running, Progress progress) {
    return running.afterEvent(JobStatus.RUNNING, running.lastSequence() + 1, progress, running.outputs(),
        null, 0, T1);
  }

  private static JobOutput output(String node, String filename, String subfolder) {
    return new JobOutput(node, "images", filename, subfolder, "output", "outputs/u/j/" + filename, "image/png", 10, "00");
  }
}
