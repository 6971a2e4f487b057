package dev.darkroom.testing;

import dev.darkroom.core.deployment.RunRefusal;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.RunEvents;
import java.util.List;
import java.util.Objects;

/** The fake passes the same contract as the Pub/Sub adapter. */
class RecordingRunEventsTest extends RunEventsContract {
  private final RecordingRunEvents events = new RecordingRunEvents();

  @Override
  protected RunEvents events() {
    return events;
  }

  @Override
  protected String replyTopic() {
    return "replies";
  }

  @Override
  protected List<JobNotification> endsOnReplyTopic() {
    return events.ended.stream().filter(e -> e.replyTopic().equals("replies"))
        .map(RecordingRunEvents.Ended::notification).toList();
  }

  @Override
  protected List<RunRefusal> refusalsOnPublicTopic() {
    return events.refused.stream().map(RecordingRunEvents.Refused::refusal).toList();
  }

  @Override
  protected List<RunRefusal> refusalsOnReplyTopic() {
    return events.refused.stream().filter(r -> Objects.equals(r.replyTopic(), "replies"))
        .map(RecordingRunEvents.Refused::refusal).toList();
  }
}
