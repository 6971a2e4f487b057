package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.pubsub.v1.PubsubMessage;
import dev.darkroom.core.event.JobNotification;
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
}
