package dev.darkroom.core.port;

import dev.darkroom.core.event.JobSubmitted;

/** Hands queued jobs to dispatch (the {@code job-submitted} topic in the cloud). */
public interface JobQueue {

  /** Publishes durably; throws if the message may not have been accepted. */
  void publish(JobSubmitted message);
}
