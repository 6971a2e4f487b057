package dev.darkroom.core.port;

import dev.darkroom.core.event.JobSubmitted;

/** Hands queued jobs to dispatch (the {@code job-submitted} topic in the cloud). */
public interface JobQueue {

  /** Publishes durably; throws if the message may not have been accepted. */
  void publish(JobSubmitted message);

  /**
   * Starts publishing and returns without waiting, so that the caller can do other work while the
   * message travels; {@link Sending#await} then waits for the acknowledgement and throws as
   * {@link #publish} does. This default publishes before it returns.
   */
  default Sending send(JobSubmitted message) {
    publish(message);
    return () -> {};
  }

  /** A message on its way. */
  @FunctionalInterface
  interface Sending {
    /** Returns once the message is durably published; throws if it may not have been accepted. */
    void await();
  }
}
