package dev.darkroom.functions.jobevents;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.limits.GpuQuota;
import dev.darkroom.core.usecase.ApplyJobEvent;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.TriggeredEvents;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.Optional;
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
    JobEventsConfig config = JobEventsConfig.fromEnvironment();
    this.apply = Suppliers.memoize(() -> {
      Adapters adapters = new Adapters(config.cloud(), config.database());
      Clock clock = Clock.systemUTC();
      return new ApplyJobEvent(adapters.jobStore(config.jobs()), adapters.ledger(),
          adapters.notifications(config.notifications()),
          new GpuQuota(adapters.usage(), config.quota().monthlyGpuSeconds(), clock), clock);
    });
  }

  JobEventsFunction(Supplier<ApplyJobEvent> apply) {
    this.apply = apply;
  }

  @Override
  public void accept(CloudEvent event) {
    Optional<JobEvent> jobEvent = TriggeredEvents.message(event, JobEvent.class, "job event", log);
    if (jobEvent.isPresent()) {
      ApplyJobEvent.Result result = apply.get().apply(jobEvent.get());
      log.info("event {} of job {}: {}", jobEvent.get().eventId(), jobEvent.get().jobId(), result);
    }
  }
}
