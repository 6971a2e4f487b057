package dev.darkroom.core.usecase;

/**
 * What the reconciler does on each scheduler tick: sweep the jobs ({@link ReconcileJobs}), then put
 * back the notifications whose retry is due ({@link RepublishDueNotifications}). A failed job sweep
 * throws before the notifications are looked at, so the redelivered tick does both again; each is
 * idempotent.
 */
public final class ReconcileTick {
  private final ReconcileJobs jobs;
  private final RepublishDueNotifications notifications;

  /** What one tick did. */
  public record Report(ReconcileJobs.Report jobs, int notificationsRepublished) {
    @Override
    public String toString() {
      return jobs + ", " + notificationsRepublished + " notifications due for a retry republished";
    }
  }

  public ReconcileTick(ReconcileJobs jobs, RepublishDueNotifications notifications) {
    this.jobs = jobs;
    this.notifications = notifications;
  }

  public Report run() {
    ReconcileJobs.Report swept = jobs.sweep();
    return new Report(swept, notifications.sweep());
  }
}
