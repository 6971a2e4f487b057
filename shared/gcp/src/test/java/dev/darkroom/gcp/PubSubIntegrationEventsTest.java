package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.pubsub.v1.PubsubMessage;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.SchemaVersion;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An integration reads our public events with the CloudEvents SDK, as any subscriber would. */
class PubSubIntegrationEventsTest {
  @Test
  void eachMessageIsAStructuredCloudEventThatTheSdkParses() throws Exception {
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    PubsubMessage message = PubSubIntegrationEvents.message(
        new JobNotification("n-1", "job-1", "alice", "succeeded", at), URI.create("//darkroom.dev/projects/p/jobs"));

    String contentType = message.getAttributesOrThrow("content-type");
    EventFormat format = EventFormatProvider.getInstance().resolveFormat(contentType);
    assertThat(format).isInstanceOf(JsonFormat.class);
    CloudEvent event = format.deserialize(message.getData().toByteArray());

    assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
    assertThat(event.getId()).isEqualTo("n-1");
    assertThat(event.getType()).isEqualTo("dev.darkroom.job.succeeded");
    assertThat(event.getSource()).isEqualTo(URI.create("//darkroom.dev/projects/p/jobs"));
    assertThat(event.getSubject()).isEqualTo("job-1");
    assertThat(event.getTime().toInstant()).isEqualTo(at);
    assertThat(event.getDataContentType()).isEqualTo("application/json");
    JsonNode data = new ObjectMapper().readTree(event.getData().toBytes());
    assertThat(data.path("jobId").asText()).isEqualTo("job-1");
    assertThat(data.path("status").asText()).isEqualTo("succeeded");
    assertThat(message.getAttributesMap()).containsEntry("ce-type", "dev.darkroom.job.succeeded");
  }

  /**
   * Integrations outside Darkroom read these messages: today's message (attributes and the
   * structured CloudEvent) is exactly the golden v1, which only adds the data's version to the
   * previous release's message, so a subscriber written for that one finds every field it read.
   */
  @Test
  void theMessageIsExactlyTheGoldenV1WhichOnlyAddsTheVersionToThePreviousRelease() throws Exception {
    ObjectMapper json = new ObjectMapper();
    PubsubMessage message = PubSubIntegrationEvents.message(new JobNotification("job-1/2/succeeded", "job-1", "user-1",
        "succeeded", Instant.parse("2026-11-23T10:00:00.123Z")), URI.create("//darkroom.dev/projects/darkroom-prod/jobs"));
    ObjectNode actual = json.createObjectNode();
    actual.set("attributes", json.valueToTree(message.getAttributesMap()));
    actual.set("data", json.readTree(message.getData().toByteArray()));
    assertThat(actual).isEqualTo(FirestoreDocumentJson.golden("v1", "integration-event-succeeded"));

    ObjectNode data = (ObjectNode) actual.path("data").path("data");
    assertThat(data.remove(SchemaVersion.FIELD).intValue()).isEqualTo(PubSubIntegrationEvents.DATA_SCHEMA_VERSION).isEqualTo(1);
    assertThat(actual).isEqualTo(FirestoreDocumentJson.golden("unversioned", "integration-event-succeeded"));
  }
}
