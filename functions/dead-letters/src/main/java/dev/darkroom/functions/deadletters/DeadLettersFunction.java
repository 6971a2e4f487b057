package dev.darkroom.functions.deadletters;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.usecase.ApplyJobEvent;
import dev.darkroom.core.usecase.SettleDeadLetters;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.TriggeredEvents;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by {@code job-submitted-dead-letter} and {@code job-events-dead-letter} (one deployment
 * per topic in the cloud, one trigger each; the same class); what a message is comes from its topic
 * ({@link DeadLetter}). Acks what can never be settled (another topic, a bad payload) with a
 * WARNING; throws on transient failures so Pub/Sub redelivers (these triggers have no dead-letter
 * topic of their own).
 */
public final class DeadLettersFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(DeadLettersFunction.class);

  private final Supplier<SettleDeadLetters> settle;

  public DeadLettersFunction() {
    DeadLettersConfig config = DeadLettersConfig.fromEnvironment();
    this.settle = Suppliers.memoize(() -> {
      Adapters adapters = new Adapters(config.cloud(), config.database());
      ApplyJobEvent apply = new ApplyJobEvent(adapters.jobStore(config.jobs()), adapters.ledger(),
          adapters.notifications(config.notifications()), Clock.systemUTC());
      return new SettleDeadLetters(adapters.jobStore(config.jobs()), apply, adapters.jobEvents(config.jobEvents()),
          Clock.systemUTC());
    });
  }

  DeadLettersFunction(Supplier<SettleDeadLetters> settle) {
    this.settle = settle;
  }

  @Override
  public void accept(CloudEvent event) {
    TriggeredEvents.decode(event, "dead letter", log, DeadLetter::of)
        .ifPresent(letter -> log.info("dead letter {}: {}", event.getId(), letter.settleWith(settle.get())));
  }
}
