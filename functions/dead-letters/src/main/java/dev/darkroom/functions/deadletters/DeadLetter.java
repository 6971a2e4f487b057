package dev.darkroom.functions.deadletters;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages.MalformedMessageException;
import dev.darkroom.core.usecase.SettleDeadLetters;
import dev.darkroom.gcp.PubSubCloudEvents;
import io.cloudevents.CloudEvent;

/**
 * A message Pub/Sub dead-lettered, typed by the topic it was published to (the CloudEvent's source):
 * a {@code JobEvent} would also decode as a {@code JobSubmitted}, so trying the types in turn could
 * not tell them apart.
 */
sealed interface DeadLetter {
  String JOB_SUBMITTED_DEAD_LETTER = "job-submitted-dead-letter";
  String JOB_EVENTS_DEAD_LETTER = "job-events-dead-letter";

  SettleDeadLetters.Result settleWith(SettleDeadLetters settle);

  /** A job that dispatch never managed to launch. */
  record Submitted(JobSubmitted message, int deliveries) implements DeadLetter {
    @Override
    public SettleDeadLetters.Result settleWith(SettleDeadLetters settle) {
      return settle.settle(message, deliveries);
    }
  }

  /** A runner's report that job-events never managed to apply. */
  record Event(JobEvent message, int deliveries) implements DeadLetter {
    @Override
    public SettleDeadLetters.Result settleWith(SettleDeadLetters settle) {
      return settle.settle(message, deliveries);
    }
  }

  /** The dead letter {@code event} carries; a {@link MalformedMessageException} if it is none this function settles. */
  static DeadLetter of(CloudEvent event) {
    String topic = PubSubCloudEvents.topic(event);
    int deliveries = PubSubCloudEvents.deadLetterDeliveryCount(event);
    if (isTopic(topic, JOB_SUBMITTED_DEAD_LETTER)) {
      return new Submitted(PubSubCloudEvents.message(event, JobSubmitted.class), deliveries);
    }
    if (isTopic(topic, JOB_EVENTS_DEAD_LETTER)) {
      return new Event(PubSubCloudEvents.message(event, JobEvent.class), deliveries);
    }
    throw new MalformedMessageException("topic " + topic + " is not a dead-letter topic this function settles", null);
  }

  /** Topic ids carry the environment's prefix in the cloud ({@code dev-job-events-dead-letter}), none locally. */
  private static boolean isTopic(String topic, String name) {
    return topic.equals(name) || topic.endsWith("-" + name);
  }
}
