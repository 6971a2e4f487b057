package dev.darkroom.functions.reconcile;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.usecase.ReconcileJobs;
import dev.darkroom.core.usecase.RepublishDueNotifications;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.Env;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by the {@code reconcile-ticks} topic, which Cloud Scheduler feeds every minute: one
 * sweep per tick. A tick carries nothing to decode; a failed sweep throws, so Pub/Sub redelivers
 * the tick, and whatever the sweep did before failing stays done. Each tick also republishes the
 * notifications whose webhook/push/email retry is due ({@link RepublishDueNotifications}).
 */
public final class ReconcileFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(ReconcileFunction.class);

  private final Supplier<ReconcileJobs> reconcile;
  private final Supplier<RepublishDueNotifications> notifications;

  public ReconcileFunction() {
    this(Suppliers.memoize(Adapters::fromEnvironment));
  }

  private ReconcileFunction(Supplier<Adapters> adapters) {
    this(Suppliers.memoize(() -> reconcileJobs(adapters.get())), Suppliers.memoize(() ->
        new RepublishDueNotifications(adapters.get().pendingNotifications(), adapters.get().notifications(),
            Clock.systemUTC())));
  }

  private static ReconcileJobs reconcileJobs(Adapters adapters) {
    return new ReconcileJobs(adapters.jobStore(), adapters.jobQueue(), adapters.jobEvents(), adapters.gpuPool(),
          adapters.executionStatus(),
          Clock.systemUTC(),
          policy(Env.system()));
  }

  ReconcileFunction(Supplier<ReconcileJobs> reconcile, Supplier<RepublishDueNotifications> notifications) {
    this.reconcile = reconcile;
    this.notifications = notifications;
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

  @Override
  public void accept(CloudEvent tick) {
    ReconcileJobs.Report report = reconcile.get().sweep();
    int republished = notifications.get().sweep();
    log.info("reconcile tick {}: {}, {} notifications due for a retry republished", tick.getId(), report,
        republished);
  }
}
