package dev.darkroom.functions.reconcile;

import dev.darkroom.core.usecase.ReconcileJobs;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.DatabaseConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.GpuJobConfig;
import dev.darkroom.gcp.GpuPoolConfig;
import dev.darkroom.gcp.KeepWarmConfig;
import dev.darkroom.gcp.TierConcurrencyConfig;
import dev.darkroom.gcp.TopicConfig;
import java.util.Optional;

/**
 * Everything the reconciler reads from the environment (the names {@code terraform/} sets), read at start.
 *
 * @param keepWarm the keep-warm policy ({@code WARM_IDLE_BUDGET_SECONDS}, {@code WARM_SCHEDULE}, as the
 *     runners have them), whose warm set each tick tops up; null when the policy is off
 */
record ReconcileConfig(GoogleCloudConfig cloud, DatabaseConfig database, CollectionConfig jobs,
    TopicConfig jobSubmitted, TopicConfig jobEvents, TopicConfig notifications, GpuPoolConfig gpuPool,
    GpuJobConfig gpuJob, TierConcurrencyConfig tierConcurrency, ReconcileJobs.Policy policy,
    KeepWarm.Settings keepWarm) {

  /** This process's environment; fails naming the first variable missing or malformed. */
  static ReconcileConfig fromEnvironment() {
    return from(Env.system());
  }

  static ReconcileConfig from(Env env) {
    return new ReconcileConfig(GoogleCloudConfig.from(env), DatabaseConfig.from(env), CollectionConfig.jobs(env),
        TopicConfig.jobSubmitted(env), TopicConfig.jobEvents(env), TopicConfig.notifications(env),
        GpuPoolConfig.from(env), GpuJobConfig.from(env), TierConcurrencyConfig.from(env), policy(env),
        KeepWarmConfig.from(env).orElse(null));
  }

  /** The keep-warm policy's settings, if the deployment turned it on. */
  Optional<KeepWarm.Settings> keepWarmIfSet() {
    return Optional.ofNullable(keepWarm);
  }

  /** The defaults, with each limit replaceable from the environment (Terraform sets them). */
  static ReconcileJobs.Policy policy(Env env) {
    ReconcileJobs.Policy d = ReconcileJobs.Policy.defaults();
    return new ReconcileJobs.Policy(
        env.positiveSecondsOrDefault("RECONCILE_REQUEUE_AFTER_SECONDS", d.requeueQueuedAfter()),
        env.positiveSecondsOrDefault("RECONCILE_MAX_QUEUE_SECONDS", d.maxQueueTime()),
        env.positiveSecondsOrDefault("RECONCILE_DISPATCH_TIMEOUT_SECONDS", d.dispatchTimeout()),
        d.checkDispatchedAfter(),
        d.reportedEndGrace(),
        env.positiveSecondsOrDefault("RECONCILE_LOST_AFTER_SECONDS", d.lostAfter()),
        env.intOrDefault("RECONCILE_MAX_ATTEMPTS", d.maxAttempts()),
        d.batch());
  }
}
