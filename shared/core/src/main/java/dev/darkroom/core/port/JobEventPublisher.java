package dev.darkroom.core.port;

import dev.darkroom.core.event.JobEvent;

/** How runners report progress (the {@code job-events} topic in the cloud). */
public interface JobEventPublisher {
  void publish(JobEvent event);
}
