package dev.darkroom.functions.reconcile;

import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.WarmSignals;
import dev.darkroom.core.usecase.ReconcileJobs;
import dev.darkroom.core.usecase.ReconcileTick;
import dev.darkroom.core.usecase.RefreshArrivalProfile;
import dev.darkroom.core.usecase.RepublishDueNotifications;
import dev.darkroom.core.usecase.TopUpWarmTasks;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.gcp.Adapters;
import java.time.Clock;

/** The reconciler's tick on production adapters: the sweeps, and the keep-warm upkeep when the policy is on. */
final class ReconcileWiring {
  private ReconcileWiring() {}

  static ReconcileTick tick(ReconcileConfig config, Adapters adapters, Clock clock) {
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
}
