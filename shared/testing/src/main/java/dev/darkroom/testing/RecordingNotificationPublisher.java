package dev.darkroom.testing;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.NotificationPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the notifications announced, in order. */
public final class RecordingNotificationPublisher implements NotificationPublisher {
  public final List<JobNotification> published = new CopyOnWriteArrayList<>();

  @Override
  public void publish(JobNotification notification) {
    published.add(notification);
  }
}
