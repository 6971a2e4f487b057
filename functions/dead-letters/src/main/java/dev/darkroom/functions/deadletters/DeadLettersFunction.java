package dev.darkroom.functions.deadletters;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages.MalformedMessageException;
import dev.darkroom.core.usecase.ApplyJobEvent;
import dev.darkroom.core.usecase.SettleDeadLetters;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.PubSubCloudEvents;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by {@code job-submitted-dead-letter} and {@code job-events-dead-letter} (one deployment
 * per topic in the cloud, one trigger each; the same class). What a message is comes from the topic
 * it was published to, the CloudEvent's source: a {@code JobEvent} would also decode as a
 * {@code JobSubmitted}, so trying the types in turn could not tell them apart. Acks what can never be
 * settled (another topic, a bad payload) with a WARNING; throws on transient failures so Pub/Sub
 * redelivers (these triggers have no dead-letter topic of their own).
 */
public final class DeadLettersFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(DeadLettersFunction.class);
  static final String JOB_SUBMITTED_DEAD_LETTER = "job-submitted-dead-letter";
  static final String JOB_EVENTS_DEAD_LETTER = "job-events-dead-letter";

  private final Supplier<SettleDeadLetters> settle;

  public DeadLettersFunction() {
    this(Suppliers.memoize(() -> {
      Adapters adapters = Adapters.fromEnvironment();
      ApplyJobEvent apply = new ApplyJobEvent(adapters.jobStore(), adapters.ledger(), adapters.notifications(), Clock.systemUTC());
      return new SettleDeadLetters(adapters.jobStore(), apply, adapters.jobEvents(), Clock.systemUTC());
    }));
  }

  DeadLettersFunction(Supplier<SettleDeadLetters> settle) {
    this.settle = settle;
  }

  @Override
  public void accept(CloudEvent event) {
    SettleDeadLetters.Result result;
    try {
      String topic = PubSubCloudEvents.topic(event);
      int deliveries = PubSubCloudEvents.deadLetterDeliveryCount(event);
      if (isTopic(topic, JOB_SUBMITTED_DEAD_LETTER)) {
        JobSubmitted message = PubSubCloudEvents.message(event, JobSubmitted.class);
        result = settle.get().settle(message, deliveries);
      } else if (isTopic(topic, JOB_EVENTS_DEAD_LETTER)) {
        JobEvent message = PubSubCloudEvents.message(event, JobEvent.class);
        result = settle.get().settle(message, deliveries);
      } else {
        throw new MalformedMessageException("topic " + topic + " is not a dead-letter topic this function settles", null);
      }
    } catch (MalformedMessageException e) {
      log.warn("acknowledging malformed dead letter {}: {}", event.getId(), e.getMessage());
      return;
    }
    log.info("dead letter {}: {}", event.getId(), result);
  }

  /** Topic ids carry the environment's prefix in the cloud ({@code dev-job-events-dead-letter}), none locally. */
  private static boolean isTopic(String topic, String name) {
    return topic.equals(name) || topic.endsWith("-" + name);
  }
}
