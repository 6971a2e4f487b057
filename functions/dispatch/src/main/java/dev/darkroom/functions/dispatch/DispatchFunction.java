package dev.darkroom.functions.dispatch;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages.MalformedMessageException;
import dev.darkroom.core.usecase.DispatchJobs;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.PubSubCloudEvents;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by the {@code job-submitted} topic: launches GPU work for a queued job. Returns
 * (acks) for malformed messages and settled outcomes; throws for transient failures so Pub/Sub
 * redelivers.
 */
public final class DispatchFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(DispatchFunction.class);

  private final Supplier<DispatchJobs> dispatch;

  public DispatchFunction() {
    this(Suppliers.memoize(() -> {
      Adapters adapters = Adapters.fromEnvironment();
      return new DispatchJobs(adapters.jobStore(), adapters.jobLauncher(), adapters.gpuPool(), adapters.tierLimits(),
          adapters.ledger(),
          Clock.systemUTC());
    }));
  }

  DispatchFunction(Supplier<DispatchJobs> dispatch) {
    this.dispatch = dispatch;
  }

  @Override
  public void accept(CloudEvent event) {
    JobSubmitted message;
    try {
      message = PubSubCloudEvents.message(event, JobSubmitted.class);
    } catch (MalformedMessageException e) {
      log.warn("acknowledging malformed job-submitted message {}: {}", event.getId(), e.getMessage());
      return;
    }
    DispatchJobs.Result result = dispatch.get().dispatch(message);
    log.info("dispatch of job {} (attempt {}): {}", message.jobId(), message.attempt(), result);
  }
}
