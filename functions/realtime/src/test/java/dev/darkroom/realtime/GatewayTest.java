package dev.darkroom.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = T0.plusSeconds(1);
  private static final Instant T9 = T0.plusSeconds(9);

  private final FakeJobFeed feed = new FakeJobFeed();
  private final Gateway gateway = new Gateway(feed);

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
    assertThat(m.get(12).get("data").toString()).isEqualTo("{\"node\":null,\"display_node\":null,\"prompt_id\":\"j1\"}");
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

  @Test
  void aPromptPostedAsTheSocketOpensIsToldEvenIfItEndedBeforeTheFeedFirstAnswered() {
    // ComfyUI's websockets example POSTs right after connecting, without waiting for a message;
    // a slow first snapshot of the feed then already holds the job, ended.
    Gateway connectedAtT0 = new Gateway(feed, java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));
    feed.holdFirstSnapshots();
    RecordingSink socket = new RecordingSink();
    connectedAtT0.open("alice", "c1", socket);
    Job job = Job.queued("j1", "alice", 1, queued("j1", "alice", "c1").prompt(), ComfyMessages.JSON.createObjectNode(),
        "c1", T1);
    feed.put(job);
    feed.put(job.afterEvent(JobStatus.SUCCEEDED, 5, null, List.of(output("9", "a.png", "")), null, 1, T9));
    feed.syncHeldSnapshots();

    assertThat(socket.types()).containsExactly("status",
        "execution_start", "execution_cached", "executing", "executed", "execution_success", "status", "executing");
    assertThat(socket.messages.get(socket.messages.size() - 1).get("data").toString())
        .isEqualTo("{\"node\":null,\"display_node\":null,\"prompt_id\":\"j1\"}");
  }

  @Test
  void aJobSubmittedBeforeTheSocketOpenedIsTakenAsKnown() {
    Gateway connectedAtT9 = new Gateway(feed, java.time.Clock.fixed(T9, java.time.ZoneOffset.UTC));
    feed.put(queued("j1", "alice", "c1").afterEvent(JobStatus.SUCCEEDED, 5, null, List.of(output("9", "a.png", "")),
        null, 1, T1));
    RecordingSink socket = new RecordingSink();
    connectedAtT9.open("alice", "c1", socket);

    assertThat(socket.types()).containsExactly("status");
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
    });
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
