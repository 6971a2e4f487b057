-- Per-job webhook endpoints, secret rotation with an expiry, email opt-in, and the retry schedule
-- of notifications that still have a target to reach (reconcile republishes them when due).

-- NULL: every job of the user; else only this job's notifications.
ALTER TABLE webhook_endpoints ADD COLUMN job_id TEXT;
-- During a rotation secrets = {new, old}; the old one signs until this time, then is dropped.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_expires_at TIMESTAMPTZ;
CREATE INDEX webhook_endpoints_job ON webhook_endpoints (user_id, job_id) WHERE NOT disabled;

CREATE TABLE email_recipients (
  user_id    TEXT PRIMARY KEY,
  address    TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per notification being delivered. next_attempt_at: when notify may try its pending
-- targets again (while an attempt runs, a lease: a crashed attempt is retried after it);
-- republished_at: when reconcile last put it back on the notifications topic.
CREATE TABLE pending_notifications (
  notification_id TEXT PRIMARY KEY,
  payload         TEXT NOT NULL,
  next_attempt_at TIMESTAMPTZ NOT NULL,
  republished_at  TIMESTAMPTZ,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX pending_notifications_due ON pending_notifications (next_attempt_at);
