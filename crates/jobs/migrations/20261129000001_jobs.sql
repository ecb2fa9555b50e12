-- The durable job engine: jobs, their step checkpoints, streamed partials,
-- per-status counters and learned step durations (for ETAs).

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY NOT NULL,      -- UUIDv7, so ordering by id is ordering by creation time
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
    progress     REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
    message      TEXT,
    current_step TEXT,
    input        TEXT NOT NULL,                  -- JSON
    result       TEXT,                           -- JSON
    error        TEXT,                           -- JSON {code, message, retryable, details}
    session_id   TEXT,
    entity_id    TEXT,
    entity_type  TEXT,
    attempt      INTEGER NOT NULL DEFAULT 0,
    seq          INTEGER NOT NULL DEFAULT 0,     -- last event sequence number persisted
    pinned       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,               -- unix ms
    started_at   INTEGER,
    updated_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    seen_at      INTEGER,
    owner        TEXT                            -- engine instance that last ran it
);

CREATE INDEX jobs_by_status  ON jobs (status, id);
CREATE INDEX jobs_by_kind    ON jobs (kind, status, id);
CREATE INDEX jobs_by_session ON jobs (session_id, kind, id);
CREATE INDEX jobs_retention  ON jobs (status, finished_at) WHERE pinned = 0;
CREATE INDEX jobs_unseen     ON jobs (finished_at) WHERE seen_at IS NULL AND finished_at IS NOT NULL;

CREATE TABLE job_steps (
    job_id      TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    output      TEXT,                            -- JSON, set when completed
    attempt     INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    PRIMARY KEY (job_id, idx)
) WITHOUT ROWID;

CREATE TABLE job_partials (
    job_id     TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    step_idx   INTEGER,                          -- the step it was emitted in; NULL outside any step
    value      TEXT NOT NULL,                    -- JSON
    created_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

-- Counts per kind and status, kept by triggers so tab counts never scan the table.
CREATE TABLE job_counts (
    kind   TEXT NOT NULL,
    status TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (kind, status)
) WITHOUT ROWID;

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

-- Mean duration of each step of each kind, learned from completed steps (for ETAs).
CREATE TABLE step_stats (
    kind    TEXT NOT NULL,
    name    TEXT NOT NULL,
    idx     INTEGER NOT NULL,
    samples INTEGER NOT NULL,
    mean_ms REAL NOT NULL,
    PRIMARY KEY (kind, name)
) WITHOUT ROWID;
