package dev.darkroom.core.port;

import dev.darkroom.core.deployment.RunRefusal;
import dev.darkroom.core.event.JobNotification;

/**
 * CloudEvents about event-driven runs ({@code RunFromMessage}), where integrations read them: the
 * public topic, and the reply topic a run message named. The ids are stable across redeliveries
 * (the notification's, the refused message's), so subscribers deduplicate.
 */
public interface RunEvents {
  /** The job-ended CloudEvent, the same as on the public topic, on a run's reply topic. */
  void ended(JobNotification notification, String replyTopic);

  /** A refused run message, on the public topic and, when not null, on the reply topic it named. */
  void refused(RunRefusal refusal, String replyTopic);
}
