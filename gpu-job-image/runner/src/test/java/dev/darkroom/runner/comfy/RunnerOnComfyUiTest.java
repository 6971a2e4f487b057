package dev.darkroom.runner.comfy;

import dev.darkroom.testing.InMemoryOutputStore;
import static dev.darkroom.runner.comfy.FakeComfyUi.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.runner.Retries;
import dev.darkroom.runner.Runner;
import dev.darkroom.runner.TaskShare;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runner driving a scripted ComfyUI over the wire: the events and files a user ends up with. */
class RunnerOnComfyUiTest {
  private static final String JOB_ID = "5d9b1c2e-7f3a-4b6c-8d9e-0a1b2c3d4e5f";

  private FakeComfyUi comfy;
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobEventPublisher events = new RecordingJobEventPublisher();
  private final InMemoryOutputStore outputs = new InMemoryOutputStore();

  @BeforeEach
  void start() throws Exception {
    comfy = new FakeComfyUi();
    Job job = Job.queued(JOB_ID, "user-7", 1, ComfyClientTest.graph(), JSON.createObjectNode(), null,
        Clock.systemUTC().instant());
    jobs.update(JOB_ID, current -> JobChange.Outcome.write(job.withStatus(JobStatus.DISPATCHED, job.createdAt()), null));
  }

  @AfterEach
  void stop() {
    comfy.close();
  }

  @Test
  void everyKindOfOutputIsUploadedAndTextIsKeptAsText() {
    byte[] png = bytes("png"), gif = bytes("gif89a"), flac = bytes("fLaC");
    comfy.file("output", "", "ComfyUI_00001_.png", png)
        .file("output", "AnimateDiff", "clip_00001.gif", gif)
        .file("output", "audio", "ComfyUI_00001_.flac", flac)
        .onPrompt(prompt -> {
          ObjectNode history = JSON.createObjectNode();
          history.putObject("9").putArray("images").addObject()
              .put("filename", "ComfyUI_00001_.png").put("subfolder", "").put("type", "output");
          ObjectNode combine = history.putObject("12");
          combine.putArray("gifs").addObject().put("filename", "clip_00001.gif").put("subfolder", "AnimateDiff")
              .put("type", "output").put("format", "image/gif").put("frame_rate", 8);
          history.putObject("15").putArray("audio").addObject()
              .put("filename", "ComfyUI_00001_.flac").put("subfolder", "audio").put("type", "output");
          history.putObject("20").putArray("text").add("a caption, not a file");
          ((ObjectNode) history.get("9")).putArray("animated").add(false);
          prompt.succeed(history);
        });

    assertThat(runner(Duration.ofSeconds(10)).run(List.of(JOB_ID))).isEqualTo(Runner.EXIT_OK);

    JobEvent.Succeeded succeeded = (JobEvent.Succeeded) events.published.get(events.published.size() - 1);
    assertThat(succeeded.outputs()).extracting(JobOutput::kind, JobOutput::objectName, JobOutput::contentType)
        .containsExactly(
            tuple("images", "outputs/user-7/" + JOB_ID + "/ComfyUI_00001_.png", "image/png"),
            tuple("gifs", "outputs/user-7/" + JOB_ID + "/AnimateDiff/clip_00001.gif", "image/gif"),
            tuple("audio", "outputs/user-7/" + JOB_ID + "/audio/ComfyUI_00001_.flac", "audio/flac"),
            tuple("text", "outputs/user-7/" + JOB_ID + "/20_text_0.txt", "text/plain; charset=utf-8"));
    assertThat(succeeded.outputs().get(3).text()).isEqualTo("a caption, not a file");
    assertThat(succeeded.outputs()).as("[false] under animated is no text").hasSize(4);
    assertThat(outputs.objects).hasSize(4);
    assertThat(outputs.objects.get("outputs/user-7/" + JOB_ID + "/AnimateDiff/clip_00001.gif").content()).isEqualTo(gif);
    assertThat(outputs.objects.get("outputs/user-7/" + JOB_ID + "/audio/ComfyUI_00001_.flac").content()).isEqualTo(flac);
    assertThat(events.published).map(JobEvent::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void aValidationErrorFromComfyUiFailsTheJobWithItsType() {
    comfy.rejectPrompts(400, """
        {"error": {"type": "invalid_prompt", "message": "Cannot execute because node NopeNode does not exist.",
                   "details": "Node ID '#7'", "extra_info": {}}, "node_errors": {}}
        """);

    runner(Duration.ofSeconds(10)).run(List.of(JOB_ID));

    assertThat(events.published).map(e -> e.getClass().getSimpleName()).containsExactly("Started", "Failed");
    JobEvent.Failed failed = (JobEvent.Failed) events.published.get(1);
    assertThat(failed.error().type()).isEqualTo("invalid_prompt");
    assertThat(failed.error().message()).isEqualTo("Cannot execute because node NopeNode does not exist.: Node ID '#7'");
  }

  @Test
  void anExecutionErrorFailsTheJobWithTheExceptionAndNode() {
    comfy.onPrompt(prompt -> prompt.fail("8", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied"));

    runner(Duration.ofSeconds(10)).run(List.of(JOB_ID));

    assertThat(events.published).last().isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
      assertThat(failed.error().type()).isEqualTo("RuntimeError");
      assertThat(failed.error().message()).isEqualTo("mat1 and mat2 shapes cannot be multiplied");
      assertThat(failed.error().nodeId()).isEqualTo("8");
    });
  }

  @Test
  void aSocketDroppedMidPromptStillEndsInSuccessThroughHistory() {
    byte[] png = bytes("late image");
    comfy.file("output", "", "late_00001_.png", png).onPrompt(prompt -> {
      prompt.progress("3", 10, 20);
      comfy.refuseSockets(true);
      prompt.dropSocket();
      await("the runner's client to poll after its socket dropped").atMost(Duration.ofSeconds(5))
          .until(() -> comfy.emptyHistoryReads.get() >= 1);
      prompt.succeedSilently(ComfyClientTest.outputs("9", "images", "late_00001_.png"));
    });

    assertThat(runner(Duration.ofSeconds(10)).run(List.of(JOB_ID))).isEqualTo(Runner.EXIT_OK);

    assertThat(events.published).last().isInstanceOf(JobEvent.Succeeded.class);
    assertThat(outputs.objects.get("outputs/user-7/" + JOB_ID + "/late_00001_.png").content()).isEqualTo(png);
  }

  @Test
  void aQuietPromptIsInterruptedAndTimesOut() {
    comfy.onPrompt(prompt -> prompt.progress("3", 1, 20));

    assertThat(runner(Duration.ofMillis(700)).run(List.of(JOB_ID))).isEqualTo(Runner.EXIT_OK);

    assertThat(comfy.interrupts).containsExactly(JSON.createObjectNode().put("prompt_id", JOB_ID));
    assertThat(events.published).last().isInstanceOfSatisfying(JobEvent.TimedOut.class,
        timedOut -> assertThat(timedOut.gpuSeconds()).isGreaterThanOrEqualTo(0.7));
  }

  private Runner runner(Duration idleTimeout) {
    ComfyClient client = new ComfyClient(ComfyClientTest.settings(comfy.url(), idleTimeout), JSON);
    return new Runner(jobs, new RecordingJobQueue(), client, events, outputs, Clock.systemUTC(),
        new Retries(3, Duration.ofMillis(1), Duration.ofMillis(5)),
        new Runner.Settings("executions/local-1", TaskShare.whole(), Duration.ofSeconds(2)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
