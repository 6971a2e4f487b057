package dev.darkroom.gcp;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.NotificationPublisher;
import java.util.Map;

/** {@link NotificationPublisher} on the {@code notifications} Pub/Sub topic. */
public final class PubSubNotificationPublisher implements NotificationPublisher {
  private final PubSubTopic topic;

  public PubSubNotificationPublisher(PubSubTopic topic) {
    this.topic = topic;
  }

  @Override
  public void publish(JobNotification notification) {
    topic.publish(notification, Map.of(
        "jobId", notification.jobId(), "notificationId", notification.id(), "status", notification.status()));
  }
}
