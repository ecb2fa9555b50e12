-- Records that the initiatives and documents of a database written before strategy had
-- its own file (they lived in the job engine's file) were copied here. One row at most:
-- written in the same transaction as the copied rows, so either both exist or neither.

CREATE TABLE legacy_import (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    source      TEXT NOT NULL,               -- path of the engine's file at the time
    initiatives INTEGER NOT NULL CHECK (initiatives >= 0),
    documents   INTEGER NOT NULL CHECK (documents >= 0),
    imported_at INTEGER NOT NULL             -- unix ms
);
