package dev.darkroom.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PreviewFrames;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.LiveFrame;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.job.Progress;
import dev.darkroom.testing.InMemoryJobLiveStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's live frames of a job (what its runner forwards, {@code JobLiveStream}) reach the
 * client that submitted the job, merged with what its job document says, in ComfyUI's order and
 * shapes, and no one else.
 */
class GatewayLiveTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = T0.plusSeconds(1);
  private static final Instant T9 = T0.plusSeconds(9);
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 1, 2, 3};
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 9, 8};

  private final FakeJobFeed feed = new FakeJobFeed();
  private final InMemoryJobLiveStream live = new InMemoryJobLiveStream();
  private final Gateway gateway = new Gateway(feed, id -> Optional.empty(), Clock.systemUTC(), live,
      Duration.ofMillis(300));
  private final String jobId = UUID.randomUUID().toString();
  /** The frames the engine sent so far, as the runner numbers them. */
  private final List<LiveFrame> engineFrames = new ArrayList<>();

  @AfterEach
  void close() {
    gateway.close();
  }

  private RecordingSink connect(String user, String clientId) {
    RecordingSink sink = new RecordingSink();
    gateway.open(user, clientId, sink);
    return sink;
  }

  private Job queued(String user, String clientId) {
    ObjectNode prompt = ComfyMessages.JSON.createObjectNode();
    prompt.putObject("3").put("class_type", "KSampler");
    prompt.putObject("9").put("class_type", "SaveImageWebsocket");
    return Job.queued(jobId, user, 1, prompt, ComfyMessages.JSON.createObjectNode(), clientId, T0);
  }

  private void engineSays(String type, String data, String node) {
    engineFrames.add(LiveFrame.text(engineFrames.size() + 1, "{\"type\":\"" + type + "\",\"data\":" + data + "}", node));
  }

  private void engineSends(byte[] frame, String node) {
    engineFrames.add(LiveFrame.binary(engineFrames.size() + 1, frame, node));
  }

  private void runnerWrites(boolean complete) {
    live.write(jobId, new LiveWindow(77L, engineFrames, complete));
  }

  private void startAndCache() {
    engineSays("execution_start", "{\"prompt_id\":\"" + jobId + "\",\"timestamp\":5}", null);
    engineSays("execution_cached", "{\"nodes\":[\"4\"],\"prompt_id\":\"" + jobId + "\",\"timestamp\":5}", null);
  }

  private void executing(String node) {
    engineSays("executing", "{\"node\":\"" + node + "\",\"display_node\":\"" + node + "\",\"prompt_id\":\"" + jobId + "\"}", node);
  }

  private void step(int value, int max) {
    engineSays("progress_state", "{\"prompt_id\":\"" + jobId + "\",\"nodes\":{\"3\":{\"value\":" + value + ",\"max\":" + max
        + ",\"state\":\"running\"}}}", "3");
    engineSays("progress", "{\"value\":" + value + ",\"max\":" + max + ",\"prompt_id\":\"" + jobId + "\",\"node\":\"3\"}", "3");
    engineSends(PreviewFrames.previewImage(PreviewFrames.JPEG, JPEG), "3");
  }

  private Job succeeded(Job running, List<JobOutput> outputs) {
    return running.afterEvent(JobStatus.SUCCEEDED, running.lastSequence() + 1, null, outputs, null, 2.5, T9);
  }

  /** A frame list as words: text frames by type (and node or step), binary ones by event type. */
  private static List<String> words(List<Object> frames) {
    List<String> words = new ArrayList<>();
    for (Object frame : frames) {
      if (frame instanceof byte[] bytes) {
        words.add("binary" + ByteBuffer.wrap(bytes).getInt());
        continue;
      }
      JsonNode m = (JsonNode) frame;
      JsonNode data = m.path("data");
      words.add(switch (m.path("type").asText()) {
        case "executing" -> "executing " + (data.path("node").isNull() ? "null" : data.path("node").asText());
        case "progress" -> "progress " + data.path("value").asInt() + "/" + data.path("max").asInt();
        case "execution_cached" -> "execution_cached " + data.path("nodes");
        default -> m.path("type").asText();
      });
    }
    return words;
  }

  private static List<String> after(List<String> words, String first) {
    return words.subList(words.indexOf(first), words.size());
  }

  @Test
  void everyNodeAndStepTheEngineSentReachesTheSubmittingClientOnceInOrder() {
    RecordingSink socket = connect("alice", "c1");
    Job job = queued("alice", "c1");
    feed.put(job);
    feed.put(job.withStatus(JobStatus.DISPATCHED, T0));
    Job running = job.withStatus(JobStatus.RUNNING, T1);
    feed.put(running); // the document first: its start goes out, its empty cached list waits
    startAndCache();
    executing("5");
    runnerWrites(false);
    feed.put(running.afterEvent(JobStatus.RUNNING, 3, new Progress("5", 0, 0), List.of(), null, 0, T1)); // told live already
    executing("3");
    step(1, 20);
    step(2, 20);
    runnerWrites(false);
    step(20, 20);
    executing("9");
    engineSays("executed", "{\"node\":\"9\",\"output\":{},\"prompt_id\":\"" + jobId + "\"}", "9");
    engineSays("execution_success", "{\"prompt_id\":\"" + jobId + "\",\"timestamp\":6}", null);
    engineSays("executing", "{\"node\":null,\"prompt_id\":\"" + jobId + "\"}", null);
    runnerWrites(true);
    feed.put(succeeded(running, List.of()));

    assertThat(after(words(socket.frames), "execution_start")).containsExactly(
        "execution_start", "execution_cached [\"4\"]",
        "executing 5", "executing 3",
        "progress_state", "progress 1/20", "binary1",
        "progress_state", "progress 2/20", "binary1",
        "progress_state", "progress 20/20", "binary1",
        "executing 9",
        "execution_success", "status", "executing null");
    assertThat(socket.types()).containsOnlyOnce("execution_start", "execution_cached", "execution_success");
    assertThat(live.followers()).as("the follow ends with the job").isZero();
  }

  @Test
  void anotherClientOfTheUserAndAnotherUserWithTheSameClientIdHearNoneOfIt() {
    RecordingSink submitter = connect("alice", "c1");
    RecordingSink sibling = connect("alice", "c2");
    RecordingSink stranger = connect("bob", "c1");
    Job job = queued("alice", "c1");
    feed.put(job);
    feed.put(job.withStatus(JobStatus.RUNNING, T1));
    startAndCache();
    executing("3");
    step(1, 20);
    runnerWrites(true);

    assertThat(words(submitter.frames)).contains("executing 3", "progress 1/20", "binary1");
    assertThat(words(sibling.frames)).containsOnly("status");
    assertThat(stranger.frames).hasSize(1);
    assertThat(words(stranger.frames)).containsOnly("status");
  }

  /** PREVIEW_IMAGE as the engine sent it, byte for byte; PREVIEW_IMAGE_WITH_METADATA to a client that asked. */
  @Test
  void previewsAreComfyUisBinaryFramesWithMetadataForClientsThatSupportIt() {
    RecordingSink plain = connect("alice", "c1");
    Job job = queued("alice", "c1");
    feed.put(job);
    feed.put(job.withStatus(JobStatus.RUNNING, T1));
    executing("3");
    step(1, 20);
    runnerWrites(false);

    byte[] sent = plain.frames.stream().filter(byte[].class::isInstance).map(byte[].class::cast).findFirst().orElseThrow();
    assertThat(sent).containsExactly(0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xd8, 0xff, 0xe0, 1, 2, 3);

    RecordingSink rich = new RecordingSink();
    rich.previewMetadata = true;
    gateway.open("alice", "c1", rich); // the same client reconnecting, announcing supports_preview_metadata
    step(2, 20);
    runnerWrites(false);

    byte[] frame = rich.frames.stream().filter(byte[].class::isInstance).map(byte[].class::cast).findFirst().orElseThrow();
    String metadata = "{\"node_id\": \"3\", \"prompt_id\": \"" + jobId + "\", \"display_node_id\": \"3\", "
        + "\"parent_node_id\": null, \"real_node_id\": \"3\", \"image_type\": \"image/jpeg\"}";
    byte[] json = metadata.getBytes(StandardCharsets.UTF_8);
    ByteBuffer expected = ByteBuffer.allocate(8 + json.length + JPEG.length).putInt(4).putInt(json.length).put(json).put(JPEG);
    assertThat(frame).containsExactly(expected.array());
    // ComfyUI sends a metadata client the step's image before its progress (main.py hijack_progress).
    assertThat(words(rich.frames)).as("the reconnected client hears only what came after").containsExactly(
        "status", "progress_state", "binary4", "progress 2/20");
  }

  /**
   * The job's end may reach the gateway before the runner's last live frames (separate listeners):
   * it waits for them, so SaveImageWebsocket's images come before {@code executing null}.
   */
  @Test
  void theEndWaitsForTheLastLiveFramesSoSocketImagesComeBeforeExecutingNull() {
    RecordingSink socket = connect("alice", "c1");
    Job job = queued("alice", "c1");
    feed.put(job);
    Job running = job.withStatus(JobStatus.RUNNING, T1);
    feed.put(running);
    startAndCache();
    executing("9");
    runnerWrites(false);
    feed.put(succeeded(running, List.of()));
    assertThat(socket.types()).doesNotContain("execution_success");

    engineSends(PreviewFrames.previewImage(PreviewFrames.PNG, PNG), "9");
    engineSends(PreviewFrames.previewImage(PreviewFrames.PNG, PNG), "9");
    runnerWrites(true);

    assertThat(after(words(socket.frames), "executing 9")).containsExactly(
        "executing 9", "binary1", "binary1", "execution_success", "status", "executing null");
  }

  @Test
  void anEndWhoseLiveFramesNeverCompleteIsToldAfterTheGrace() {
    RecordingSink socket = connect("alice", "c1");
    Job job = queued("alice", "c1");
    feed.put(job);
    Job running = job.withStatus(JobStatus.RUNNING, T1);
    feed.put(running);
    executing("3");
    runnerWrites(false);
    feed.put(succeeded(running, List.of()));

    await().atMost(Duration.ofSeconds(5)).until(() -> socket.types().contains("execution_success"));
    assertThat(after(words(socket.frames), "execution_start")).containsExactly(
        "execution_start", "execution_cached []", "executing 3", "execution_success", "status", "executing null");
  }

  /**
   * The document may tell a node before the live frames that led to it arrive (the document's
   * writes can come first, and may skip nodes): while the live frames are followed, its nodes and
   * steps are not told, so each node is told once and in the engine's order.
   */
  @Test
  void whileLiveFramesAreFollowedTheDocumentsNodesAndStepsAreNotTold() {
    RecordingSink socket = connect("alice", "c1");
    Job job = queued("alice", "c1");
    feed.put(job);
    Job running = job.withStatus(JobStatus.RUNNING, T1);
    feed.put(running);
    feed.put(running.afterEvent(JobStatus.RUNNING, 3, new Progress("3", 0, 0), List.of(), null, 0, T1));
    feed.put(running.afterEvent(JobStatus.RUNNING, 4, new Progress("3", 7, 20), List.of(), null, 0, T1));
    startAndCache();
    executing("5");
    executing("3");
    step(1, 20);
    runnerWrites(false);

    assertThat(after(words(socket.frames), "execution_start")).containsExactly(
        "execution_start", "execution_cached [\"4\"]", "executing 5", "executing 3", "progress_state", "progress 1/20",
        "binary1");
  }
}
