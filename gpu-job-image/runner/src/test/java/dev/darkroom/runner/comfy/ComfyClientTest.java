package dev.darkroom.runner.comfy;

import static dev.darkroom.runner.comfy.FakeComfyUi.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.Progress;
import dev.darkroom.runner.EngineUnavailableException;
import dev.darkroom.runner.OutputFile;
import dev.darkroom.runner.PromptOutcome;
import dev.darkroom.runner.PromptRequest;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ComfyClient} against a scripted ComfyUI: the protocol, its failure modes and fallbacks. */
class ComfyClientTest {
  private static final String PROMPT_ID = "0b6f6c8e-6a55-4a8e-9d53-3f1f3d7f0a11";

  private FakeComfyUi comfy;
  private final List<Progress> progress = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    comfy = new FakeComfyUi();
  }

  @AfterEach
  void stop() {
    comfy.close();
  }

  @Test
  void followsTheSocketToTheEndAndListsOutputsFromHistory() throws Exception {
    comfy.onPrompt(prompt -> {
      prompt.send("execution_start", JSON.createObjectNode());
      prompt.progress("3", 1, 20).preview().progress("3", 20, 20);
      prompt.succeed(outputs("9", "images", "ComfyUI_00001_.png", "ComfyUI_00002_.png"));
    });

    PromptOutcome outcome = client(Duration.ofSeconds(10)).run(request(), progress::add);

    assertThat(outcome).isEqualTo(new PromptOutcome.Completed(List.of(
        new OutputFile("9", "images", "ComfyUI_00001_.png", "", "output"),
        new OutputFile("9", "images", "ComfyUI_00002_.png", "", "output"))));
    assertThat(progress).containsExactly(new Progress("3", 1, 20), new Progress("3", 20, 20));
  }

  @Test
  void readsHistoryOnlyOnceComfyUiSaysItIsWrittenNotAtExecutionSuccess() throws Exception {
    // ComfyUI writes history after execution_success; the pause (shorter than the test client's
    // quietAfter, so no legitimate quiet-socket poll happens) makes an early read observable.
    comfy.onPrompt(prompt -> prompt.succeed(outputs("9", "images", "ComfyUI_00001_.png"), Duration.ofMillis(100)));

    PromptOutcome outcome = client(Duration.ofSeconds(10)).run(request(), progress::add);

    assertThat(outcome).isInstanceOf(PromptOutcome.Completed.class);
    assertThat(comfy.emptyHistoryReads).as("history reads that came too early").hasValue(0);
    assertThat(comfy.count("GET", "/history/")).isEqualTo(1);
  }

  @Test
  void postsThePromptUnderTheJobIdAfterOpeningItsSocket() throws Exception {
    ObjectNode extra = JSON.createObjectNode();
    extra.putObject("extra_pnginfo").putObject("workflow");

    client(Duration.ofSeconds(10)).run(new PromptRequest(PROMPT_ID, graph(), extra), progress::add);

    var requests = comfy.requests.stream().map(r -> r.getMethod() + " " + r.getUrl().encodedPath()).toList();
    assertThat(requests.indexOf("GET /ws")).isLessThan(requests.indexOf("POST /prompt"));
    var posted = JSON.readTree(comfy.requests.get(requests.indexOf("POST /prompt")).getBody().utf8());
    assertThat(posted.path("prompt_id").asText()).isEqualTo(PROMPT_ID);
    assertThat(posted.path("prompt")).isEqualTo(graph());
    assertThat(posted.path("extra_data")).isEqualTo(extra);
    assertThat(posted.path("client_id").asText()).isEqualTo(comfy.socketsOpened.get(0));
  }

  @Test
  void aJobStoredElsewhereRunsAndIsInterruptedUnderAUuidOfItsOwn() throws Exception {
    String storeId = dev.darkroom.core.job.PromptIds.elsewhere("bob", PROMPT_ID);
    comfy.onPrompt(prompt -> prompt.succeed(outputs("9", "images", "ComfyUI_00001_.png")));
    ComfyClient client = client(Duration.ofSeconds(10));

    PromptOutcome outcome = client.run(new PromptRequest(storeId, graph(), null), progress::add);
    client.interrupt(storeId);

    assertThat(outcome).isInstanceOf(PromptOutcome.Completed.class);
    var requests = comfy.requests.stream().map(r -> r.getMethod() + " " + r.getUrl().encodedPath()).toList();
    String posted = JSON.readTree(comfy.requests.get(requests.indexOf("POST /prompt")).getBody().utf8())
        .path("prompt_id").asText();
    assertThat(dev.darkroom.core.job.PromptIds.isValid(posted)).as("ComfyUI takes only UUIDs: " + posted).isTrue();
    assertThat(posted).isNotEqualTo(PROMPT_ID).isEqualTo(dev.darkroom.core.job.PromptIds.forEngine(storeId));
    assertThat(JSON.readTree(comfy.requests.get(requests.indexOf("POST /interrupt")).getBody().utf8())
        .path("prompt_id").asText()).isEqualTo(posted);
  }

  @Test
  void aValidationErrorFailsWithComfyUisErrorTypeAndNodeErrors() throws Exception {
    comfy.rejectPrompts(400, """
        {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                   "details": "", "extra_info": {}},
         "node_errors": {"4": {"errors": [{"type": "value_not_in_list", "message": "Value not in list",
                   "details": "ckpt_name: 'missing.safetensors' not in []", "extra_info": {}}],
                   "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}}}
        """);

    PromptOutcome outcome = client(Duration.ofSeconds(10)).run(request(), progress::add);

    assertThat(outcome).isInstanceOfSatisfying(PromptOutcome.Failed.class, failed -> {
      assertThat(failed.error().type()).isEqualTo("prompt_outputs_failed_validation");
      assertThat(failed.error().nodeId()).isEqualTo("4");
      assertThat(failed.error().message()).contains("Prompt outputs failed validation",
          "node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'missing.safetensors' not in []");
    });
  }

  @Test
  void anExecutionErrorFailsWithTheExceptionAndTheNode() throws Exception {
    comfy.onPrompt(prompt -> prompt.progress("3", 2, 20).fail("3", "torch.OutOfMemoryError", "CUDA out of memory."));

    PromptOutcome outcome = client(Duration.ofSeconds(10)).run(request(), progress::add);

    assertThat(outcome).isEqualTo(new PromptOutcome.Failed(
        new JobError("torch.OutOfMemoryError", "CUDA out of memory.", "3")));
  }

  @Test
  void anInterruptedPromptEndsInterrupted() throws Exception {
    comfy.onPrompt(FakeComfyUi.Prompt::interrupted);

    assertThat(client(Duration.ofSeconds(10)).run(request(), progress::add))
        .isEqualTo(new PromptOutcome.Interrupted());
  }

  @Test
  void whenTheSocketDropsMidPromptHistoryPollingFinishesIt() throws Exception {
    CountDownLatch dropped = new CountDownLatch(1);
    comfy.onPrompt(prompt -> {
      prompt.progress("3", 5, 20);
      comfy.refuseSockets(true);
      prompt.dropSocket();
      dropped.countDown();
      // Still running after the drop: the client must look, find no history and ask the queue.
      await("the client to ask the queue after its socket dropped").atMost(Duration.ofSeconds(5))
          .until(() -> comfy.count("GET", "/queue") >= 1);
      prompt.succeedSilently(outputs("9", "images", "after_drop_00001_.png"));
    });

    PromptOutcome outcome = client(Duration.ofSeconds(10)).run(request(), progress::add);

    assertThat(dropped.await(0, TimeUnit.SECONDS)).isTrue();
    assertThat(outcome).isEqualTo(new PromptOutcome.Completed(List.of(
        new OutputFile("9", "images", "after_drop_00001_.png", "", "output"))));
    assertThat(comfy.count("GET", "/history/")).isGreaterThanOrEqualTo(1);
    assertThat(comfy.count("GET", "/queue")).as("asks the queue whether the prompt is still there").isGreaterThanOrEqualTo(1);
  }

  @Test
  void aRefusedWebSocketFromTheStartIsFollowedByPollingAndStillFinishes() throws Exception {
    comfy.refuseSockets(true);
    comfy.onPrompt(prompt -> prompt.succeedSilently(outputs("9", "images", "no_socket_00001_.png")));

    PromptOutcome outcome = client(Duration.ofSeconds(10)).run(request(), progress::add);

    assertThat(outcome).isEqualTo(new PromptOutcome.Completed(List.of(
        new OutputFile("9", "images", "no_socket_00001_.png", "", "output"))));
    assertThat(comfy.socketsOpened).isEmpty();
    assertThat(comfy.count("GET", "/history/")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void reconnectsADroppedSocketAndClosesWhateverItOpened() throws Exception {
    comfy.onPrompt(prompt -> {
      prompt.progress("3", 5, 20).dropSocket();
      await().atMost(Duration.ofSeconds(5)).until(() -> comfy.socketsOpened.size() == 2);
      prompt.progress("3", 6, 20);
      prompt.succeed(outputs("9", "images", "ComfyUI_00001_.png"));
    });

    PromptOutcome outcome = client(Duration.ofSeconds(10)).run(request(), progress::add);

    assertThat(outcome).isInstanceOf(PromptOutcome.Completed.class);
    assertThat(comfy.socketsOpened).containsOnly("darkroom-runner-" + PROMPT_ID);
    await().atMost(Duration.ofSeconds(5)).until(() -> comfy.openSockets() == 0);
  }

  @Test
  void aQuietPromptIsInterruptedByTheWatchdogAndTimesOut() throws Exception {
    comfy.onPrompt(prompt -> prompt.progress("3", 1, 20)); // then silence, still running

    PromptOutcome outcome = client(Duration.ofMillis(800)).run(request(), progress::add);

    assertThat(outcome).isInstanceOf(PromptOutcome.TimedOut.class);
    assertThat(((PromptOutcome.TimedOut) outcome).idle()).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    assertThat(comfy.interrupts).containsExactly(JSON.createObjectNode().put("prompt_id", PROMPT_ID));
  }

  @Test
  void aPromptComfyUiHasForgottenMeansTheEngineIsLost() throws Exception {
    comfy.onPrompt(prompt -> {
      comfy.refuseSockets(true);
      prompt.dropSocket();
      prompt.interruptedSilentlyAndForgotten();
    });

    assertThatThrownBy(() -> client(Duration.ofSeconds(10)).run(request(), progress::add))
        .isInstanceOf(EngineUnavailableException.class)
        .hasMessageContaining(PROMPT_ID);
  }

  @Test
  void anUnreachableComfyUiIsReportedAsUnavailable() throws Exception {
    ComfyClient nowhere = new ComfyClient(settings(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(5)), JSON);

    assertThatThrownBy(() -> nowhere.awaitReady(Duration.ofMillis(300)))
        .isInstanceOf(EngineUnavailableException.class);
    assertThatThrownBy(() -> nowhere.run(request(), progress::add))
        .isInstanceOf(EngineUnavailableException.class);
  }

  @Test
  void opensOutputsThroughViewWithEncodedParameters() throws Exception {
    byte[] content = {1, 2, 3, 4};
    comfy.file("output", "my run/day 1", "cat & dog+1.png", content);

    try (InputStream in = client(Duration.ofSeconds(5)).open(
        new OutputFile("9", "images", "cat & dog+1.png", "my run/day 1", "output"))) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThatThrownBy(() -> client(Duration.ofSeconds(5)).open(new OutputFile("9", "images", "nope.png", "", "output")))
        .hasMessageContaining("404");
  }

  private ComfyClient client(Duration idleTimeout) {
    return new ComfyClient(settings(comfy.url(), idleTimeout), JSON);
  }

  static ComfyClient.Settings settings(URI url, Duration idleTimeout) {
    return new ComfyClient.Settings(url, idleTimeout, Duration.ofMillis(200), Duration.ofMillis(20),
        Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  private static PromptRequest request() {
    return new PromptRequest(PROMPT_ID, graph(), null);
  }

  static ObjectNode graph() {
    ObjectNode prompt = JSON.createObjectNode();
    prompt.putObject("9").put("class_type", "SaveImage").putObject("inputs").put("filename_prefix", "ComfyUI");
    return prompt;
  }

  static ObjectNode outputs(String node, String kind, String... filenames) {
    ObjectNode outputs = JSON.createObjectNode();
    var items = outputs.putObject(node).putArray(kind);
    for (String filename : filenames) {
      items.addObject().put("filename", filename).put("subfolder", "").put("type", "output");
    }
    return outputs;
  }
}
