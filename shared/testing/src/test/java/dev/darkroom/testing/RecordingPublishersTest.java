package dev.darkroom.testing;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.NotificationPublisher;
import java.util.List;

/** The recording fakes pass the same contract as the Pub/Sub adapters. */
class RecordingPublishersTest extends PublisherContract {
  @Override
  protected Publishers publishers() {
    RecordingJobQueue queue = new RecordingJobQueue();
    RecordingJobEventPublisher events = new RecordingJobEventPublisher();
    RecordingNotificationPublisher notifications = new RecordingNotificationPublisher();
    return new Publishers() {
      @Override public JobQueue queue() { return queue; }
      @Override public JobEventPublisher events() { return events; }
      @Override public NotificationPublisher notifications() { return notifications; }
      @Override public List<JobSubmitted> submitted() { return queue.published; }
      @Override public List<JobEvent> jobEvents() { return events.published; }
      @Override public List<JobNotification> notified() { return notifications.published; }
    };
  }
}
