package dev.darkroom.core.port;

import dev.darkroom.core.event.JobNotification;

/** Announces terminal jobs (the {@code notifications} topic in the cloud). */
public interface NotificationPublisher {
  void publish(JobNotification notification);
}
