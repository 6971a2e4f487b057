package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.comfy.PromptVerdict;
import dev.darkroom.core.deployment.DeploymentInput;
import dev.darkroom.core.deployment.DeploymentLimits;
import dev.darkroom.core.deployment.InboundIntegration;
import dev.darkroom.core.deployment.InputType;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.PerTier;
import dev.darkroom.core.port.DeploymentStore;
import dev.darkroom.testing.InMemoryDeploymentStore;
import dev.darkroom.testing.InMemoryIdempotencyKeys;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.RecordingRunEvents;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Event-driven runs on fakes: who a message runs as, what is refused and reported, duplicates. */
class RunFromMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InboundIntegration ACME = new InboundIntegration("acme", "runs-acme", "alice", "free",
      Set.of("acme-replies", "projects/acme-prod/topics/done"));
  private static final InboundIntegration OTHER = new InboundIntegration("other", "runs-other", "bob", "free", Set.of());

  private final UseCaseFixture f = new UseCaseFixture();
  private final InMemoryDeploymentStore deployments = new InMemoryDeploymentStore();
  private final RecordingRunEvents events = new RecordingRunEvents();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger messageIds = new AtomicInteger();

  private RunFromMessage runs(DeploymentStore store, Admission.Settings limits) {
    SubmitPrompt submitPrompt = new SubmitPrompt(f.jobs, f.queue, (prompt, targets, user) -> PromptVerdict.accepted(prompt),
        f.clock);
    SubmitJob submit = new SubmitJob(submitPrompt, new InMemoryIdempotencyKeys(), f.jobs,
        new Admission(new InMemoryRateCounter(), f.jobs, f.ledger, limits, f.clock), f.clock,
        () -> "job-" + ids.incrementAndGet());
    RunDeployment run = new RunDeployment(store, submit,
        new PromptPolicy(new InMemoryNodeCatalogStore(), new InMemoryOutputStore(), f.clock), () -> 42L);
    return new RunFromMessage(List.of(ACME, OTHER), run, events, f.clock);
  }

  private final RunFromMessage runs = runs(deployments, Admission.Settings.none());

  RunFromMessageTest() throws Exception {
    publish("alice", "portrait");
    publish("bob", "landscape");
  }

  private void publish(String user, String name) throws Exception {
    ObjectNode workflow = (ObjectNode) JSON.readTree("{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":1}},"
        + "\"6\":{\"class_type\":\"CLIPTextEncode\",\"inputs\":{\"text\":\"x\"}},"
        + "\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}}");
    deployments.addVersion(user, name, workflow, List.of(
        new DeploymentInput("prompt", "6", "text", InputType.STRING, null, null, null, null, null, true),
        new DeploymentInput("seed", "3", "seed", InputType.INTEGER, null, null, 0.0, null, null, false)),
        f.clock.instant(), DeploymentLimits.DEPLOYMENTS_PER_USER, DeploymentLimits.VERSIONS_PER_DEPLOYMENT);
  }

  private RunFromMessage.Result handle(String topic, String message) {
    return runs.handle(topic, "m-" + messageIds.incrementAndGet(), message.getBytes(StandardCharsets.UTF_8));
  }

  private RunFromMessage.Result.Refused refused(RunFromMessage.Result result) {
    assertThat(result).isInstanceOf(RunFromMessage.Result.Refused.class);
    return (RunFromMessage.Result.Refused) result;
  }

  @Test
  void aMessageRunsTheDeploymentAsTheUserItsTopicIsConfiguredForAndRecordsTheReplyTopic() {
    RunFromMessage.Result result = handle("runs-acme", "{\"deployment\":\"portrait\",\"inputs\":{\"prompt\":\"a cat\","
        + "\"seed\":7},\"idempotency_key\":\"k1\",\"reply_topic\":\"acme-replies\"}");

    assertThat(result).isInstanceOf(RunFromMessage.Result.Submitted.class);
    Job job = f.jobs.get(((RunFromMessage.Result.Submitted) result).jobId()).orElseThrow();
    assertThat(job.userId()).isEqualTo("alice");
    assertThat(job.tier()).isEqualTo("free");
    ObjectNode recorded = (ObjectNode) f.jobs.promptOf(job.id()).orElseThrow().extraData()
        .get(RunDeployment.EXTRA_DATA_KEY);
    assertThat(recorded.get("name").asText()).isEqualTo("portrait");
    assertThat(recorded.get("reply_topic").asText()).isEqualTo("acme-replies");
    assertThat(f.jobs.promptOf(job.id()).orElseThrow().prompt().at("/6/inputs/text").asText()).isEqualTo("a cat");
    assertThat(events.refused).isEmpty();
  }

  @Test
  void theSameMessageDeliveredOrPublishedThreeTimesIsOneJob() {
    String message = "{\"deployment\":\"portrait\",\"inputs\":{\"prompt\":\"a cat\"},\"idempotency_key\":\"k1\"}";
    String reordered = "{\"idempotency_key\":\"k1\",\"inputs\":{\"prompt\":\"a cat\"},\"deployment\":\"portrait\"}";

    List<RunFromMessage.Result> results = List.of(handle("runs-acme", message), handle("runs-acme", message),
        handle("runs-acme", reordered));

    assertThat(f.jobs.all()).hasSize(1);
    assertThat(results).allSatisfy(r -> assertThat(((RunFromMessage.Result.Submitted) r).jobId())
        .isEqualTo(f.jobs.all().get(0).id()));
    assertThat(results.stream().map(r -> ((RunFromMessage.Result.Submitted) r).replayed()))
        .containsExactly(false, true, true);
    assertThat(f.queue.published).hasSize(1);
  }

  @Test
  void aDeploymentOfAnotherUserIsRefusedAsNoDeploymentAndReportedOnTheAllowedReplyTopic() {
    RunFromMessage.Result.Refused refused = refused(handle("runs-acme", "{\"deployment\":\"landscape\","
        + "\"inputs\":{\"prompt\":\"a cat\"},\"idempotency_key\":\"k1\",\"reply_topic\":\"acme-replies\"}"));

    assertThat(refused.refusal().userId()).isEqualTo("alice");
    assertThat(refused.refusal().integration()).isEqualTo("acme");
    assertThat(refused.refusal().reasons()).containsExactly("deployment: user alice has no deployment named \"landscape\"");
    assertThat(f.jobs.all()).isEmpty();
    assertThat(events.refused).containsExactly(new RecordingRunEvents.Refused(refused.refusal(), "acme-replies"));
  }

  @Test
  void aMessageOnATopicOfNoIntegrationIsRefusedWhateverItSays() {
    RunFromMessage.Result.Refused refused = refused(handle("runs-unknown", "{\"deployment\":\"portrait\","
        + "\"inputs\":{\"prompt\":\"a cat\"},\"idempotency_key\":\"k1\",\"reply_topic\":\"acme-replies\"}"));

    assertThat(refused.refusal().integration()).isNull();
    assertThat(refused.refusal().userId()).isNull();
    assertThat(refused.refusal().topic()).isEqualTo("runs-unknown");
    assertThat(refused.refusal().reasons()).singleElement().asString().contains("runs-unknown")
        .contains("INBOUND_INTEGRATIONS");
    assertThat(refused.replyTopic()).isNull();
    assertThat(events.refused).singleElement().extracting(RecordingRunEvents.Refused::replyTopic).isNull();
    assertThat(f.jobs.all()).isEmpty();
  }

  @Test
  void aReplyTopicTheIntegrationMayNotUseIsRefusedAndNeverPublishedTo() {
    RunFromMessage.Result.Refused refused = refused(handle("runs-acme", "{\"deployment\":\"portrait\","
        + "\"inputs\":{\"prompt\":\"a cat\"},\"idempotency_key\":\"k1\",\"reply_topic\":\"projects/x/topics/evil\"}"));

    assertThat(refused.refusal().reasons())
        .containsExactly("reply_topic: \"projects/x/topics/evil\" is not a reply topic integration acme may use");
    assertThat(events.refused).singleElement().extracting(RecordingRunEvents.Refused::replyTopic).isNull();
    assertThat(f.jobs.all()).isEmpty();
  }

  @Test
  void aReplyTopicInAnotherProjectIsAllowedWhenConfigured() {
    assertThat(handle("runs-acme", "{\"deployment\":\"portrait\",\"inputs\":{\"prompt\":\"a\"},\"idempotency_key\":"
        + "\"k1\",\"reply_topic\":\"projects/acme-prod/topics/done\"}")).isInstanceOf(RunFromMessage.Result.Submitted.class);
  }

  @Test
  void malformedMessagesAreRefusedNamingEveryFaultyField() {
    assertThat(refused(handle("runs-acme", "not json")).refusal().reasons()).singleElement().asString()
        .startsWith("the message is not JSON");
    assertThat(refused(handle("runs-acme", "[1,2]")).refusal().reasons())
        .containsExactly("the message must be a JSON object");
    assertThat(refused(handle("runs-acme", "{\"inputs\":{}}")).refusal().reasons())
        .containsExactly("deployment: required", "idempotency_key: required");
    assertThat(refused(handle("runs-acme", "{\"deployment\":3,\"idempotency_key\":\"\",\"reply_topic\":[]}"))
        .refusal().reasons()).containsExactly("deployment: must be a non-empty string",
            "idempotency_key: must be a non-empty string", "reply_topic: must be a string");
    assertThat(refused(handle("runs-acme", "{\"deployment\":\"portrait\",\"idempotency_key\":\"k\\u0001\"}"))
        .refusal().reasons()).containsExactly("idempotency_key: must be 1 to 255 printable ASCII characters");
    assertThat(f.jobs.all()).isEmpty();
    assertThat(events.refused).hasSize(5);
  }

  @Test
  void badInputsAreRefusedNamingEachInput() {
    RunFromMessage.Result.Refused refused = refused(handle("runs-acme", "{\"deployment\":\"portrait\","
        + "\"inputs\":{\"prompt\":3,\"seed\":\"x\",\"steps\":9},\"idempotency_key\":\"k1\"}"));

    assertThat(refused.refusal().reasons()).containsExactlyInAnyOrder("inputs.steps: no such input in version 1",
        "inputs.prompt: must be a string", "inputs.seed: must be an integer");
    assertThat(refused.refusal().deployment()).isEqualTo("portrait");
    assertThat(refused.refusal().idempotencyKey()).isEqualTo("k1");
    assertThat(refused(handle("runs-acme", "{\"deployment\":\"portrait\",\"inputs\":{\"prompt\":\"a\"},"
        + "\"version\":2,\"idempotency_key\":\"k2\"}")).refusal().reasons())
        .containsExactly("version: deployment portrait has no version 2");
    assertThat(f.jobs.all()).isEmpty();
  }

  @Test
  void theKeyReusedForAnotherRunIsRefusedAndTheFirstJobStays() {
    handle("runs-acme", "{\"deployment\":\"portrait\",\"inputs\":{\"prompt\":\"a cat\"},\"idempotency_key\":\"k1\"}");
    RunFromMessage.Result.Refused refused = refused(handle("runs-acme",
        "{\"deployment\":\"portrait\",\"inputs\":{\"prompt\":\"a dog\"},\"idempotency_key\":\"k1\"}"));

    assertThat(refused.refusal().reasons()).singleElement().asString().startsWith("idempotency_key: ")
        .contains("already used with another request");
    assertThat(f.jobs.all()).hasSize(1);
  }

  @Test
  void keysAreTheUsersSoTwoIntegrationsUsingOneKeyGetTwoJobs() throws Exception {
    publish("bob", "portrait");
    String message = "{\"deployment\":\"portrait\",\"inputs\":{\"prompt\":\"a cat\"},\"idempotency_key\":\"k1\"}";

    handle("runs-acme", message);
    handle("runs-other", message);

    assertThat(f.jobs.all()).extracting(Job::userId).containsExactlyInAnyOrder("alice", "bob");
  }

  @Test
  void aStoreThatIsDownThrowsSoTheMessageIsDeliveredAgainAndNothingIsReported() {
    DeploymentStore down = (DeploymentStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DeploymentStore.class}, (proxy, method, args) -> {
          throw new IllegalStateException("Firestore unavailable");
        });
    RunFromMessage failing = runs(down, Admission.Settings.none());

    assertThatThrownBy(() -> failing.handle("runs-acme", "m-1", ("{\"deployment\":\"portrait\","
        + "\"idempotency_key\":\"k1\"}").getBytes(StandardCharsets.UTF_8))).hasMessageContaining("Firestore unavailable");
    assertThat(events.refused).isEmpty();
  }

  @Test
  void aReportThatCannotBePublishedThrowsSoTheRefusalIsMadeAgain() {
    events.failures.add(new IllegalStateException("Pub/Sub unavailable"));

    assertThatThrownBy(() -> handle("runs-unknown", "{}")).hasMessageContaining("Pub/Sub unavailable");
    assertThat(refused(handle("runs-unknown", "{}")).refusal().topic()).isEqualTo("runs-unknown");
  }

  @Test
  void overAWaitingJobsLimitThrowsSoTheMessageIsDeliveredAgainLater() {
    RunFromMessage limited = runs(deployments, new Admission.Settings(PerTier.parse("", 1), OptionalLong.empty(),
        PerTier.parse("free=1", 1), PerTier.parse("", 0)));
    String first = "{\"deployment\":\"portrait\",\"inputs\":{\"prompt\":\"a\"},\"idempotency_key\":\"k1\"}";

    assertThat(limited.handle("runs-acme", "m-1", first.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(RunFromMessage.Result.Submitted.class);
    assertThatThrownBy(() -> limited.handle("runs-acme", "m-2", first.replace("k1", "k2")
        .getBytes(StandardCharsets.UTF_8))).isInstanceOf(RunFromMessage.OverLimitForNow.class)
        .hasMessageContaining("user alice is over a limit for now");
    assertThat(f.jobs.all()).hasSize(1);
    assertThat(events.refused).isEmpty();
  }
}
