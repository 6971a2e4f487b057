-- Webhook endpoints users registered, and every delivery attempt of every notification.
CREATE TABLE webhook_endpoints (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  url        TEXT NOT NULL,
  -- Standard Webhooks secrets (whsec_...): one, or two during a rotation; each signs every request.
  secrets    TEXT[] NOT NULL CHECK (cardinality(secrets) >= 1),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  disabled   BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX webhook_endpoints_user ON webhook_endpoints (user_id) WHERE NOT disabled;

-- target: a webhook endpoint's id, or a channel ('push', 'events'). outcome: delivered | retry | gave_up.
CREATE TABLE notification_deliveries (
  notification_id TEXT NOT NULL,
  target          TEXT NOT NULL,
  attempt         INTEGER NOT NULL,
  outcome         TEXT NOT NULL CHECK (outcome IN ('delivered', 'retry', 'gave_up')),
  status_code     INTEGER,
  error           TEXT,
  at              TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (notification_id, target, attempt)
);
-- One final outcome per (notification, target): a redelivered message never delivers twice.
CREATE UNIQUE INDEX notification_deliveries_once ON notification_deliveries (notification_id, target)
  WHERE outcome <> 'retry';
