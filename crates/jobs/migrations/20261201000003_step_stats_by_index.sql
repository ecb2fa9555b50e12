-- ETA statistics keyed by stable step identity, (kind, step index), instead of
-- (kind, step name): a kind that names a step per run ("Reading <source>") grew
-- one row per name and an ETA that summed them all. The name is kept, the
-- latest seen, only for reference.
--
-- Existing rows fold per (kind, idx): samples add up, means are weighted by
-- samples, and the name of the most-sampled row stays.

CREATE TABLE step_stats_by_index (
    kind    TEXT NOT NULL,
    idx     INTEGER NOT NULL,
    name    TEXT NOT NULL,                  -- latest name seen at this index
    samples INTEGER NOT NULL,
    mean_ms REAL NOT NULL,
    PRIMARY KEY (kind, idx)
) WITHOUT ROWID;

INSERT INTO step_stats_by_index (kind, idx, name, samples, mean_ms)
SELECT s.kind,
       s.idx,
       (SELECT n.name FROM step_stats n WHERE n.kind = s.kind AND n.idx = s.idx
         ORDER BY n.samples DESC, n.name LIMIT 1),
       sum(s.samples),
       sum(s.samples * s.mean_ms) / max(sum(s.samples), 1)
  FROM step_stats s
 GROUP BY s.kind, s.idx;

DROP TABLE step_stats;
ALTER TABLE step_stats_by_index RENAME TO step_stats;
