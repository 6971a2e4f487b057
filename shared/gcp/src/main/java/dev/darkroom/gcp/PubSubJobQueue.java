package dev.darkroom.gcp;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.port.JobQueue;
import java.util.Map;

/** {@link JobQueue} on the {@code job-submitted} Pub/Sub topic. */
public final class PubSubJobQueue implements JobQueue {
  private final PubSubTopic topic;

  public PubSubJobQueue(PubSubTopic topic) {
    this.topic = topic;
  }

  @Override
  public void publish(JobSubmitted message) {
    topic.publish(message, Map.of("jobId", message.jobId(), "userId", message.userId()));
  }
}
