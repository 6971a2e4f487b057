package dev.darkroom.functions.reconcile;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.WarmSignals;
import dev.darkroom.core.usecase.RefreshArrivalProfile;
import dev.darkroom.core.usecase.ReconcileJobs;
import dev.darkroom.core.usecase.ReconcileTick;
import dev.darkroom.core.usecase.RepublishDueNotifications;
import dev.darkroom.core.usecase.TopUpWarmTasks;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.gcp.Adapters;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by the {@code reconcile-ticks} topic, which Cloud Scheduler feeds every minute: one
 * {@link ReconcileTick} per tick (the job sweep, then the notifications whose retry is due, then,
 * under the keep-warm policy, the usual traffic refreshed and the warm set topped up). A tick
 * carries nothing to decode; a failed sweep throws, so Pub/Sub redelivers the tick, and whatever the
 * sweep did before failing stays done.
 */
public final class ReconcileFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(ReconcileFunction.class);

  private final Supplier<ReconcileTick> tick;

  public ReconcileFunction() {
    ReconcileConfig config = ReconcileConfig.fromEnvironment();
    this.tick = Suppliers.memoize(() -> tick(config, new Adapters(config.cloud(), config.database()), Clock.systemUTC()));
  }

  ReconcileFunction(Supplier<ReconcileTick> tick) {
    this.tick = tick;
  }

  private static ReconcileTick tick(ReconcileConfig config, Adapters adapters, Clock clock) {
    JobStore jobs = adapters.jobStore(config.jobs());
    ReconcileTick sweeps = new ReconcileTick(new ReconcileJobs(jobs, adapters.jobQueue(config.jobSubmitted()),
        adapters.jobEvents(config.jobEvents()), adapters.gpuPool(config.gpuPool()),
        adapters.executionStatus(config.gpuJob()), adapters.launchedExecutions(config.gpuJob()), clock,
        config.policy(), config.tierConcurrency().limits()),
        new RepublishDueNotifications(adapters.pendingNotifications(), adapters.notifications(config.notifications()),
            clock));
    return config.keepWarmIfSet().map(settings -> {
      WarmSignals signals = adapters.warmSignals(config.jobs(), config.gpuPool().slots());
      return sweeps.keepingWarm(new RefreshArrivalProfile(signals, adapters.arrivalHistory(), clock),
          new TopUpWarmTasks(new KeepWarm(settings, signals).target(), adapters.gpuPool(config.gpuPool()), jobs,
              adapters.jobLauncher(config.gpuJob()), clock));
    }).orElse(sweeps);
  }

  @Override
  public void accept(CloudEvent event) {
    log.info("reconcile tick {}: {}", event.getId(), tick.get().run());
  }
}
