package dev.darkroom.testing;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.port.JobEventPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the runners' job events, in order. */
public final class RecordingJobEventPublisher implements JobEventPublisher {
  public final List<JobEvent> published = new CopyOnWriteArrayList<>();

  @Override
  public void publish(JobEvent event) {
    published.add(event);
  }
}
