-- Who in the team covers which roles, as the user set it (a JSON array of
-- {id, name, roles}; empty lets the plan derive it), and which plan variant the user
-- adopted for each generated program (the job's id; absent: the recommended one).

ALTER TABLE initiatives ADD COLUMN team TEXT NOT NULL DEFAULT '[]';

CREATE TABLE program_choices (
    job_id    TEXT PRIMARY KEY,
    variant   TEXT NOT NULL CHECK (variant IN ('fitted', 'full_with_hires', 'full_with_team')),
    chosen_at INTEGER NOT NULL             -- unix ms
);
