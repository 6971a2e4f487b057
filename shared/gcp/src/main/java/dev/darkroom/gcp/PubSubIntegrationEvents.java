package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.port.IntegrationEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link IntegrationEvents} on a public Pub/Sub topic: each message is one CloudEvent 1.0 in
 * structured JSON mode ({@code application/cloudevents+json}), type {@code dev.darkroom.job.<status>},
 * id the notification's, subject the job id, data {@code {schemaVersion, jobId, userId, status, at}}
 * ({@link SchemaVersion}: subscribers outside Darkroom can tell a future incompatible data shape).
 */
public final class PubSubIntegrationEvents implements IntegrationEvents {
  public static final String TYPE_PREFIX = "dev.darkroom.job.";
  /** The {@link SchemaVersion} of the event's data. */
  public static final int DATA_SCHEMA_VERSION = 1;
  private static final EventFormat FORMAT = new JsonFormat();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Publisher publisher;
  private final URI source;

  public PubSubIntegrationEvents(Publisher publisher, String projectId) {
    this.publisher = publisher;
    this.source = URI.create("//darkroom.dev/projects/" + projectId + "/jobs");
  }

  public static CloudEvent cloudEvent(JobNotification n, URI source) {
    ObjectNode data = JSON.createObjectNode();
    data.put(SchemaVersion.FIELD, DATA_SCHEMA_VERSION);
    data.put("jobId", n.jobId());
    data.put("userId", n.userId());
    data.put("status", n.status());
    data.put("at", n.at().toString());
    return CloudEventBuilder.v1()
        .withId(n.id())
        .withSource(source)
        .withType(TYPE_PREFIX + n.status())
        .withSubject(n.jobId())
        .withTime(n.at().atOffset(ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withData(data.toString().getBytes(StandardCharsets.UTF_8))
        .build();
  }

  /** The Pub/Sub message: the structured CloudEvent as data, its type and subject as attributes for filters. */
  public static PubsubMessage message(JobNotification notification, URI source) {
    CloudEvent event = cloudEvent(notification, source);
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFrom(FORMAT.serialize(event)))
        .putAttributes("content-type", JsonFormat.CONTENT_TYPE)
        .putAttributes("ce-type", event.getType())
        .putAttributes("ce-subject", notification.jobId())
        .build();
  }

  @Override
  public void publish(JobNotification notification) {
    PubsubMessage message = message(notification, source);
    try {
      publisher.publish(message).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted publishing to " + publisher.getTopicNameString(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw GoogleErrors.translated(
          new IllegalStateException("publishing to " + publisher.getTopicNameString() + " failed", e));
    }
  }
}
