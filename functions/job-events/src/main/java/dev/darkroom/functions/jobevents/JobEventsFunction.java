package dev.darkroom.functions.jobevents;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.Messages.MalformedMessageException;
import dev.darkroom.core.usecase.ApplyJobEvent;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.PubSubCloudEvents;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by the {@code job-events} topic: applies what runners report to the live job
 * document and the ledger, and announces terminal jobs on the {@code notifications} topic.
 */
public final class JobEventsFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(JobEventsFunction.class);

  private final Supplier<ApplyJobEvent> apply;

  public JobEventsFunction() {
    this(Suppliers.memoize(() -> {
      Adapters adapters = Adapters.fromEnvironment();
      return new ApplyJobEvent(adapters.jobStore(), adapters.ledger(), adapters.notifications(), Clock.systemUTC());
    }));
  }

  JobEventsFunction(Supplier<ApplyJobEvent> apply) {
    this.apply = apply;
  }

  @Override
  public void accept(CloudEvent event) {
    JobEvent jobEvent;
    try {
      jobEvent = PubSubCloudEvents.message(event, JobEvent.class);
    } catch (MalformedMessageException e) {
      log.warn("acknowledging malformed job event {}: {}", event.getId(), e.getMessage());
      return;
    }
    ApplyJobEvent.Result result = apply.get().apply(jobEvent);
    log.info("event {} of job {}: {}", jobEvent.eventId(), jobEvent.jobId(), result);
  }
}
