-- The job ledger: the system of record for jobs and their outputs.
CREATE TABLE jobs (
  id             TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL,
  status         TEXT NOT NULL,
  number         DOUBLE PRECISION NOT NULL,
  -- (attempt, last_sequence, status_rank) orders writes; see SqlLedger.
  attempt        INTEGER NOT NULL,
  last_sequence  BIGINT NOT NULL,
  status_rank    SMALLINT NOT NULL,
  execution_name TEXT,
  error_type     TEXT,
  error_message  TEXT,
  gpu_seconds    DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_at     TIMESTAMPTZ NOT NULL,
  updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_user_created ON jobs (user_id, created_at DESC, id);

CREATE TABLE job_outputs (
  job_id       TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  object_name  TEXT NOT NULL,
  node_id      TEXT NOT NULL,
  kind         TEXT NOT NULL,
  filename     TEXT NOT NULL,
  subfolder    TEXT NOT NULL DEFAULT '',
  type         TEXT NOT NULL,
  content_type TEXT,
  size_bytes   BIGINT NOT NULL,
  sha256       TEXT,
  PRIMARY KEY (job_id, object_name)
);
