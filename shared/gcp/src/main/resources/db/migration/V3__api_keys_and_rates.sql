-- API keys: never the key, only a salted HMAC of its secret part under a pepper kept in Secret Manager.
CREATE TABLE api_keys (
  key_id       TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL,
  name         TEXT NOT NULL,
  tier         TEXT NOT NULL,
  salt         BYTEA NOT NULL,
  hash         BYTEA NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  last_used_at TIMESTAMPTZ,
  revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_keys_user ON api_keys (user_id, created_at DESC);

-- Request counts per subject (user:<id>, key:<id>) and one-minute window, shared by every instance.
CREATE TABLE rate_windows (
  subject      TEXT NOT NULL,
  window_start TIMESTAMPTZ NOT NULL,
  count        BIGINT NOT NULL,
  PRIMARY KEY (subject, window_start)
);
CREATE INDEX rate_windows_start ON rate_windows (window_start);
