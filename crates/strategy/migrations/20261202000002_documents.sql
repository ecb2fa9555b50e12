-- Notes and documents the user attaches to an initiative; offline research reads them.

CREATE TABLE documents (
    id            TEXT PRIMARY KEY NOT NULL,   -- UUIDv7
    initiative_id TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('note', 'file')),
    title         TEXT NOT NULL CHECK (length(trim(title)) > 0),
    content       TEXT NOT NULL,
    bytes         INTEGER NOT NULL CHECK (bytes >= 0),
    created_at    INTEGER NOT NULL             -- unix ms
);

CREATE INDEX documents_by_initiative ON documents (initiative_id, id);
