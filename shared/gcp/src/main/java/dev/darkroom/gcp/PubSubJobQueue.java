package dev.darkroom.gcp;

import com.google.api.core.ApiFuture;
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
    send(message).await();
  }

  @Override
  public Sending send(JobSubmitted message) {
    ApiFuture<String> sending = topic.send(message, Map.of("jobId", message.jobId(), "userId", message.userId()));
    return () -> topic.await(sending);
  }
}
