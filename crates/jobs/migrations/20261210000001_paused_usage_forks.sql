-- Issue 12: jobs that wait instead of failing.
--
-- * status `paused` (a CHECK constraint cannot be altered in SQLite, so `jobs` is
--   rebuilt) with `pause` (JSON: reason, detail, until, since) while paused;
-- * `kind_version`: the version of its kind a job started with (1 for older jobs);
-- * `unique_key`: one pending, running or paused job per (kind, key), enforced by a
--   partial unique index, so two starts cannot race past each other;
-- * `spend_limit`, `cost_micros`, `tokens`: the run's spending cap and its totals;
-- * `forked_from`, `fork_step`: "run again from step N" links;
-- * table `usage`: one row per model call.
--
-- Migrations run inside one transaction with foreign keys on, so `DROP TABLE jobs`
-- would cascade into the steps and partials: they are copied aside first, their
-- tables dropped, and rebuilt after `jobs` (job_steps also accepts `paused`).

CREATE TABLE jobs_new (
    id           TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted')),
    progress     REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
    message      TEXT,
    current_step TEXT,
    input        TEXT NOT NULL,
    result       TEXT,
    error        TEXT,
    session_id   TEXT,
    attempt      INTEGER NOT NULL DEFAULT 0,
    seq          INTEGER NOT NULL DEFAULT 0,
    pinned       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    updated_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    seen_at      INTEGER,
    owner        TEXT,
    pause        TEXT,                           -- JSON Pause, set while paused
    kind_version INTEGER NOT NULL DEFAULT 1,
    unique_key   TEXT,
    spend_limit  INTEGER,                        -- micros; NULL: no cap
    cost_micros  INTEGER NOT NULL DEFAULT 0,
    tokens       INTEGER NOT NULL DEFAULT 0,
    forked_from  TEXT,                           -- no foreign key: the original may be deleted
    fork_step    INTEGER
);

INSERT INTO jobs_new (id, kind, title, status, progress, message, current_step, input, result,
                      error, session_id, attempt, seq, pinned, created_at, started_at,
                      updated_at, finished_at, seen_at, owner)
SELECT id, kind, title, status, progress, message, current_step, input, result,
       error, session_id, attempt, seq, pinned, created_at, started_at,
       updated_at, finished_at, seen_at, owner
  FROM jobs;

CREATE TABLE job_steps_copy AS SELECT * FROM job_steps;
CREATE TABLE job_partials_copy AS SELECT * FROM job_partials;

DROP TABLE job_partials;
DROP TABLE job_steps;
DROP TRIGGER job_counts_insert;
DROP TRIGGER job_counts_delete;
DROP TRIGGER job_counts_update;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;

CREATE INDEX jobs_by_status  ON jobs (status, id);
CREATE INDEX jobs_by_kind    ON jobs (kind, status, id);
CREATE INDEX jobs_by_session ON jobs (session_id, kind, id);
CREATE INDEX jobs_retention  ON jobs (status, finished_at) WHERE pinned = 0;
CREATE INDEX jobs_unseen     ON jobs (finished_at) WHERE seen_at IS NULL AND finished_at IS NOT NULL;
CREATE UNIQUE INDEX jobs_unique_active ON jobs (kind, unique_key)
    WHERE unique_key IS NOT NULL AND status IN ('pending', 'running', 'paused');

CREATE TABLE job_steps (
    job_id      TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'paused', 'completed', 'failed')),
    output      TEXT,
    attempt     INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    PRIMARY KEY (job_id, idx)
) WITHOUT ROWID;

INSERT INTO job_steps SELECT job_id, idx, name, status, output, attempt, started_at, finished_at
  FROM job_steps_copy;
DROP TABLE job_steps_copy;

CREATE TABLE job_partials (
    job_id     TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    step_idx   INTEGER,
    value      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

INSERT INTO job_partials SELECT job_id, seq, step_idx, value, created_at FROM job_partials_copy;
DROP TABLE job_partials_copy;

-- The counters are recounted from the rows rather than trusted across the rebuild.
DELETE FROM job_counts;
INSERT INTO job_counts (kind, status, n) SELECT kind, status, count(*) FROM jobs GROUP BY kind, status;

CREATE TRIGGER job_counts_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO job_counts (kind, status, n) VALUES (NEW.kind, NEW.status, 1)
        ON CONFLICT (kind, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER job_counts_delete AFTER DELETE ON jobs BEGIN
    UPDATE job_counts SET n = n - 1 WHERE kind = OLD.kind AND status = OLD.status;
END;

CREATE TRIGGER job_counts_update AFTER UPDATE OF status ON jobs WHEN OLD.status <> NEW.status BEGIN
    UPDATE job_counts SET n = n - 1 WHERE kind = OLD.kind AND status = OLD.status;
    INSERT INTO job_counts (kind, status, n) VALUES (NEW.kind, NEW.status, 1)
        ON CONFLICT (kind, status) DO UPDATE SET n = n + 1;
END;

-- One row per model call: what it cost, beside the step that made it.
CREATE TABLE usage (
    job_id            TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step_idx          INTEGER,
    model             TEXT NOT NULL,
    prompt_tokens     INTEGER NOT NULL CHECK (prompt_tokens >= 0),
    completion_tokens INTEGER NOT NULL CHECK (completion_tokens >= 0),
    estimated         INTEGER NOT NULL,
    latency_ms        INTEGER NOT NULL,
    cost_micros       INTEGER NOT NULL,
    at                INTEGER NOT NULL
);

CREATE INDEX usage_by_job ON usage (job_id, step_idx);
