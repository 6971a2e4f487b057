package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.pubsub.v1.PubsubMessage;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.IntegrationEvents;
import dev.darkroom.testing.IntegrationEventsContract;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The Pub/Sub adapter passes the same contract as the recording fake, on Google's emulator: an
 * integration subscribed to the public topic reads each CloudEvent back into the notification.
 */
class PubSubIntegrationEventsIT extends IntegrationEventsContract {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EmulatorTopics topics = new EmulatorTopics();
  private final EmulatorTopics.Topic topic = topics.create();
  private final Publisher publisher = SharedLocalCloud.adapters().clients().publisher(topic.topic());

  /** The publisher is the shared clients' (one per topic), shut down with them. */
  @AfterEach
  void close() {
    topics.close();
  }

  @Override
  protected IntegrationEvents events() {
    return new PubSubIntegrationEvents(publisher, SharedLocalCloud.cloud().projectId());
  }

  @Override
  protected List<JobNotification> received() {
    return topics.drain(topic).stream().map(PubSubIntegrationEventsIT::asIntegrationReadsIt).toList();
  }

  /** The CloudEvents SDK reads the message by its content type; the notification is the event's id and data. */
  private static JobNotification asIntegrationReadsIt(PubsubMessage message) {
    CloudEvent event = EventFormatProvider.getInstance().resolveFormat(message.getAttributesOrThrow("content-type"))
        .deserialize(message.getData().toByteArray());
    try {
      JsonNode data = JSON.readTree(event.getData().toBytes());
      return new JobNotification(event.getId(), data.path("jobId").asText(), data.path("userId").asText(),
          data.path("status").asText(), Instant.parse(data.path("at").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
