package dev.darkroom.testing;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.port.JobQueue;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the jobs handed to dispatch, in order. */
public final class RecordingJobQueue implements JobQueue {
  public final List<JobSubmitted> published = new CopyOnWriteArrayList<>();

  @Override
  public void publish(JobSubmitted message) {
    published.add(message);
  }
}
