-- What a webhook's owner sees of its deliveries (GET /api/v2/webhooks/{id}/deliveries): the job and
-- event each attempt was about and how long it took (NULL in rows recorded before these columns),
-- and an index for the latest attempts to one target.
ALTER TABLE notification_deliveries ADD COLUMN job_id TEXT;
ALTER TABLE notification_deliveries ADD COLUMN event TEXT;
ALTER TABLE notification_deliveries ADD COLUMN duration_ms BIGINT;
CREATE INDEX notification_deliveries_latest ON notification_deliveries (target, at DESC);
