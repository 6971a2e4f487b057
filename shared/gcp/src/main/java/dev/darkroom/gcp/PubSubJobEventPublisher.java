package dev.darkroom.gcp;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.port.JobEventPublisher;
import java.util.Map;

/** {@link JobEventPublisher} on the {@code job-events} Pub/Sub topic. */
public final class PubSubJobEventPublisher implements JobEventPublisher {
  private final PubSubTopic topic;

  public PubSubJobEventPublisher(PubSubTopic topic) {
    this.topic = topic;
  }

  @Override
  public void publish(JobEvent event) {
    topic.publish(event, Map.of("jobId", event.jobId(), "eventId", event.eventId()));
  }
}
