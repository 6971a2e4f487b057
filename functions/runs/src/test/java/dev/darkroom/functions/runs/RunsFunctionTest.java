package dev.darkroom.functions.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.deployment.DeploymentInput;
import dev.darkroom.core.deployment.DeploymentLimits;
import dev.darkroom.core.deployment.InputType;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.usecase.RunDeployment;
import dev.darkroom.core.usecase.RunFromMessage;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.testing.EventarcEvents;
import dev.darkroom.testing.InMemoryDeploymentStore;
import dev.darkroom.testing.InMemoryIdempotencyKeys;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.RecordingJobQueue;
import dev.darkroom.testing.RecordingRunEvents;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The entry class on fakes: the topic from the event, refusals acknowledged, transient failures thrown. */
class RunsFunctionTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryDeploymentStore deployments = new InMemoryDeploymentStore();
  private final RecordingRunEvents events = new RecordingRunEvents();
  private final RecordingJobQueue queue = new RecordingJobQueue();

  private RunsFunction function() {
    PromptPolicy policy = new PromptPolicy(new InMemoryNodeCatalogStore(), new InMemoryOutputStore(), clock);
    SubmitJob submit = new SubmitJob(new SubmitPrompt(jobs, queue, policy, clock), new InMemoryIdempotencyKeys(), jobs,
        new Admission(new InMemoryRateCounter(), jobs, new InMemoryLedger(), Admission.Settings.none(), clock), clock);
    return new RunsFunction(() -> new RunFromMessage(
        RunsConfig.integrations("{\"acme\":{\"topic\":\"runs-acme\",\"user\":\"alice\"}}"),
        new RunDeployment(deployments, submit, policy), events, clock));
  }

  RunsFunctionTest() throws Exception {
    ObjectNode workflow = (ObjectNode) new ObjectMapper().readTree(
        "{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}}");
    deployments.addVersion("alice", "portrait", workflow, List.of(new DeploymentInput("prefix", "9", "filename_prefix",
        InputType.STRING, null, null, null, null, null, true)), clock.instant(),
        DeploymentLimits.DEPLOYMENTS_PER_USER, DeploymentLimits.VERSIONS_PER_DEPLOYMENT);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aMessageOnAnIntegrationsTopicQueuesOneJobHoweverOftenItIsDelivered() {
    RunsFunction function = function();
    byte[] message = bytes("{\"deployment\":\"portrait\",\"inputs\":{\"prefix\":\"p\"},\"idempotency_key\":\"k\"}");

    function.accept(EventarcEvents.messagePublished("runs-acme", message));
    function.accept(EventarcEvents.messagePublished("runs-acme", message));

    assertThat(jobs.all()).singleElement().satisfies(job -> assertThat(job.userId()).isEqualTo("alice"));
    assertThat(queue.published).hasSize(1);
  }

  @Test
  void aRefusedMessageIsAcknowledgedAndReportedWithItsPubSubId() {
    var event = EventarcEvents.messagePublished("runs-elsewhere", bytes("{}"));

    function().accept(event);

    assertThat(events.refused).singleElement().satisfies(r -> {
      assertThat(r.refusal().messageId()).isEqualTo(event.getId());
      assertThat(r.refusal().topic()).isEqualTo("runs-elsewhere");
    });
    assertThat(jobs.all()).isEmpty();
  }

  @Test
  void anEventThatIsNoPubSubMessageIsAcknowledged() {
    function().accept(CloudEventBuilder.v1().withId("e1").withSource(URI.create("//storage.googleapis.com/b"))
        .withType("google.cloud.storage.object.v1.finalized").withData(bytes("{}")).build());

    assertThat(events.refused).isEmpty();
    assertThat(jobs.all()).isEmpty();
  }

  @Test
  void aReportThatCannotBePublishedThrowsSoPubSubRedelivers() {
    events.failures.add(new IllegalStateException("Pub/Sub unavailable"));

    assertThatThrownBy(() -> function().accept(EventarcEvents.messagePublished("runs-acme", bytes("nope"))))
        .hasMessageContaining("Pub/Sub unavailable");
  }
}
