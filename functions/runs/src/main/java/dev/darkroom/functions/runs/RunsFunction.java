package dev.darkroom.functions.runs;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.usecase.RunFromMessage;
import dev.darkroom.gcp.PubSubCloudEvents;
import dev.darkroom.gcp.TriggeredEvents;
import io.cloudevents.CloudEvent;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by each integration's inbound topic ({@code <prefix>-runs-<integration>}, one trigger per
 * topic, the same class): the message runs a deployment as the user its topic is configured for
 * ({@link RunFromMessage}). The topic comes from the event's source, never from the message. A
 * refused message is acknowledged with a WARNING (and reported as a CloudEvent); a transient failure
 * throws, so Pub/Sub redelivers, and dead-letters it after the trigger's maximum attempts.
 */
public final class RunsFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(RunsFunction.class);

  private final Supplier<RunFromMessage> runs;

  public RunsFunction() {
    RunsConfig config = RunsConfig.fromEnvironment();
    this.runs = Suppliers.memoize(() -> RunsWiring.build(config));
  }

  RunsFunction(Supplier<RunFromMessage> runs) {
    this.runs = runs;
  }

  @Override
  public void accept(CloudEvent event) {
    Optional<Delivered> delivered = TriggeredEvents.decode(event, "run message", log,
        e -> new Delivered(PubSubCloudEvents.topic(e), PubSubCloudEvents.data(e)));
    if (delivered.isEmpty()) {
      return;
    }
    RunFromMessage.Result result = runs.get().handle(delivered.get().topic(), event.getId(), delivered.get().data());
    if (result instanceof RunFromMessage.Result.Refused refused) {
      log.warn("refused run message {} on topic {} (integration {}, user {}): {}", event.getId(),
          refused.refusal().topic(), refused.refusal().integration(), refused.refusal().userId(),
          String.join("; ", refused.refusal().reasons()));
    } else {
      RunFromMessage.Result.Submitted submitted = (RunFromMessage.Result.Submitted) result;
      log.info("run message {} of integration {}: job {} for user {}{}", event.getId(),
          submitted.integration().name(), submitted.jobId(), submitted.integration().userId(),
          submitted.replayed() ? " (a duplicate: the job exists)" : " queued");
    }
  }

  private record Delivered(String topic, byte[] data) {}
}
