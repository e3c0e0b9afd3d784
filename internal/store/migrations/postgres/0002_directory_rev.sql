-- Revision numbers for the people directory, so that each server process
-- can keep its in-memory search index current by reading only what changed.
-- directory_rev is bumped by every change to people; writers serialise on
-- its single row, so revisions become visible in order.
CREATE TABLE directory_rev (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev BIGINT NOT NULL
);
INSERT INTO directory_rev (id, rev) VALUES (1, 0);

ALTER TABLE people ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
CREATE INDEX people_rev ON people(rev);

CREATE TABLE people_tombstones (
    person_id BIGINT NOT NULL,
    rev       BIGINT NOT NULL
);
CREATE INDEX people_tombstones_rev ON people_tombstones(rev);
