-- `entity_id` and `entity_type` were never set by anyone: jobs belong to a
-- session, and that is all the app needs.

ALTER TABLE jobs DROP COLUMN entity_id;
ALTER TABLE jobs DROP COLUMN entity_type;
