-- Initiatives: the user's business ideas. Each is the "session" its jobs belong to
-- (jobs.session_id in the engine's own file holds the initiative id; no foreign key
-- crosses the two files, so a job's record outlives an initiative the user deleted until
-- the user deletes the job too).

CREATE TABLE initiatives (
    id             TEXT PRIMARY KEY NOT NULL,   -- UUIDv7
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description    TEXT NOT NULL,
    industry       TEXT,                        -- free text; NULL lets the engine infer it
    budget_minor   INTEGER NOT NULL CHECK (budget_minor >= 0),   -- in minor units (cents)
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    horizon_months INTEGER NOT NULL CHECK (horizon_months BETWEEN 1 AND 120),
    team_size      INTEGER NOT NULL CHECK (team_size BETWEEN 1 AND 10000),
    start_date     TEXT NOT NULL,               -- ISO date, YYYY-MM-DD
    constraints    TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    created_at     INTEGER NOT NULL,            -- unix ms
    updated_at     INTEGER NOT NULL
);

CREATE INDEX initiatives_by_update ON initiatives (updated_at DESC, id);
