package dev.darkroom.testing;

import dev.darkroom.core.deployment.RunRefusal;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.RunEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the run events published, each with the reply topic it went to (null: the public topic only); throws the queued {@link #failures} first. */
public final class RecordingRunEvents implements RunEvents {
  public record Ended(JobNotification notification, String replyTopic) {}

  public record Refused(RunRefusal refusal, String replyTopic) {}

  public final List<Ended> ended = new CopyOnWriteArrayList<>();
  public final List<Refused> refused = new CopyOnWriteArrayList<>();
  public final List<RuntimeException> failures = new ArrayList<>();

  @Override
  public synchronized void ended(JobNotification notification, String replyTopic) {
    failIfQueued();
    ended.add(new Ended(notification, replyTopic));
  }

  @Override
  public synchronized void refused(RunRefusal refusal, String replyTopic) {
    failIfQueued();
    refused.add(new Refused(refusal, replyTopic));
  }

  private void failIfQueued() {
    if (!failures.isEmpty()) {
      throw failures.remove(0);
    }
  }
}
