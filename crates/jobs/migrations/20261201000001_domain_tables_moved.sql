-- The engine's file holds only the engine's tables; it is their only writer.
-- Initiatives and documents now live in the strategy crate's own database.
-- Workspace::open has the strategy crate import them from this file BEFORE the
-- engine opens it, so by the time this runs their rows are safe over there.
-- A new install created them with migrations 2 and 3 a moment ago: dropping
-- them is harmless. Documents first: they reference initiatives.

DROP TABLE IF EXISTS documents;
DROP TABLE IF EXISTS initiatives;
