package dev.darkroom.testing;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.IntegrationEvents;
import java.util.List;

/** The fake passes the same contract as the Pub/Sub adapter. */
class RecordingIntegrationEventsTest extends IntegrationEventsContract {
  private final RecordingIntegrationEvents events = new RecordingIntegrationEvents();

  @Override
  protected IntegrationEvents events() {
    return events;
  }

  @Override
  protected List<JobNotification> received() {
    return events.published;
  }
}
