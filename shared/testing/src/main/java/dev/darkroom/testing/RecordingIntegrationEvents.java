package dev.darkroom.testing;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.IntegrationEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the integration events published; throws the queued {@link #failures} first. */
public final class RecordingIntegrationEvents implements IntegrationEvents {
  public final List<JobNotification> published = new CopyOnWriteArrayList<>();
  public final List<RuntimeException> failures = new ArrayList<>();

  @Override
  public synchronized void publish(JobNotification notification) {
    if (!failures.isEmpty()) {
      throw failures.remove(0);
    }
    published.add(notification);
  }
}
