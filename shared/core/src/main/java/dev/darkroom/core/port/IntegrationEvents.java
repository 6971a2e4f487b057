package dev.darkroom.core.port;

import dev.darkroom.core.event.JobNotification;

/**
 * Public events for integrations: CloudEvents 1.0 on a topic others may subscribe to. The event's
 * id is the notification's, so subscribers deduplicate redeliveries.
 */
public interface IntegrationEvents {
  void publish(JobNotification notification);
}
