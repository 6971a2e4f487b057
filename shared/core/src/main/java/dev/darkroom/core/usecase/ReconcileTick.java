package dev.darkroom.core.usecase;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the reconciler does on each scheduler tick: sweep the jobs ({@link ReconcileJobs}), then put
 * back the notifications whose retry is due ({@link RepublishDueNotifications}); under the
 * keep-warm policy ({@link #keepingWarm}), then refresh the usual traffic from the ledger
 * ({@link RefreshArrivalProfile}) and top the warm set up ({@link TopUpWarmTasks}). A failed job
 * sweep throws before anything else is looked at, so the redelivered tick does it all again; each
 * step is idempotent. The keep-warm steps never fail the tick: the next one tries them again.
 */
public final class ReconcileTick {
  private static final Logger log = LoggerFactory.getLogger(ReconcileTick.class);

  private final ReconcileJobs jobs;
  private final RepublishDueNotifications notifications;
  /** Null without the keep-warm policy. */
  private final RefreshArrivalProfile refreshProfile;
  /** Null without the keep-warm policy. */
  private final TopUpWarmTasks topUp;

  /**
   * What one tick did.
   *
   * @param profileRefreshed a new usual-traffic profile was saved
   * @param warmLaunched executions launched with no job to top the warm set up
   */
  public record Report(ReconcileJobs.Report jobs, int notificationsRepublished, boolean profileRefreshed,
      int warmLaunched) {
    public Report(ReconcileJobs.Report jobs, int notificationsRepublished) {
      this(jobs, notificationsRepublished, false, 0);
    }

    @Override
    public String toString() {
      return jobs + ", " + notificationsRepublished + " notifications due for a retry republished"
          + (profileRefreshed ? ", arrival profile refreshed" : "")
          + (warmLaunched > 0 ? ", " + warmLaunched + " warm task(s) launched" : "");
    }
  }

  public ReconcileTick(ReconcileJobs jobs, RepublishDueNotifications notifications) {
    this(jobs, notifications, null, null);
  }

  private ReconcileTick(ReconcileJobs jobs, RepublishDueNotifications notifications,
      RefreshArrivalProfile refreshProfile, TopUpWarmTasks topUp) {
    this.jobs = jobs;
    this.notifications = notifications;
    this.refreshProfile = refreshProfile;
    this.topUp = topUp;
  }

  /** This tick, with the keep-warm policy's upkeep after the sweeps. */
  public ReconcileTick keepingWarm(RefreshArrivalProfile refresh, TopUpWarmTasks warmTopUp) {
    return new ReconcileTick(jobs, notifications, refresh, warmTopUp);
  }

  public Report run() {
    ReconcileJobs.Report swept = jobs.sweep();
    int republished = notifications.sweep();
    if (topUp == null) {
      return new Report(swept, republished);
    }
    boolean refreshed = refreshProfile.refresh();
    int launched;
    try {
      launched = topUp.topUp();
    } catch (RuntimeException e) {
      log.warn("warm top-up skipped (the next tick tries again): {}", e.toString());
      launched = 0;
    }
    return new Report(swept, republished, refreshed, launched);
  }
}
