package dev.darkroom.functions.dispatch;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.limits.GpuQuota;
import dev.darkroom.core.usecase.DispatchJobs;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.core.warm.WarmTarget;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.TriggeredEvents;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by the {@code job-submitted} topic: launches GPU work for a queued job. Returns
 * (acks) for malformed messages and settled outcomes; throws for transient failures so Pub/Sub
 * redelivers, and to look again after Pub/Sub's backoff at a job not stored yet or left to warm
 * tasks ({@link DispatchJobs#dispatch(JobSubmitted, Instant)}).
 */
public final class DispatchFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(DispatchFunction.class);

  private final Supplier<DispatchJobs> dispatch;

  public DispatchFunction() {
    DispatchConfig config = DispatchConfig.fromEnvironment();
    this.dispatch = Suppliers.memoize(() -> {
      Adapters adapters = new Adapters(config.cloud(), config.database());
      Clock clock = Clock.systemUTC();
      // Under the keep-warm policy, a job that warm tasks will take soon is left to them.
      WarmTarget warm = config.keepWarmIfSet().map(settings -> new KeepWarm(settings,
          adapters.warmSignals(config.jobs(), config.gpuPool().slots())).target()).orElse(WarmTarget.NONE);
      return new DispatchJobs(adapters.jobStore(config.jobs()), adapters.jobLauncher(config.gpuJob()),
          adapters.gpuPool(config.gpuPool()), config.tiers().limits(),
          new GpuQuota(adapters.usage(), config.quota().monthlyGpuSeconds(), clock),
          adapters.jobEvents(config.jobEvents()), adapters.ledger(), clock, warm);
    });
  }

  DispatchFunction(Supplier<DispatchJobs> dispatch) {
    this.dispatch = dispatch;
  }

  @Override
  public void accept(CloudEvent event) {
    Optional<JobSubmitted> message = TriggeredEvents.message(event, JobSubmitted.class, "job-submitted message", log);
    if (message.isPresent()) {
      // Pub/Sub's publish time (Eventarc's event time): how long a job not stored yet is waited for.
      Instant publishedAt = event.getTime() == null ? null : event.getTime().toInstant();
      DispatchJobs.Result result = dispatch.get().dispatch(message.get(), publishedAt);
      log.info("dispatch of job {} (attempt {}): {}", message.get().jobId(), message.get().attempt(), result);
    }
  }
}
