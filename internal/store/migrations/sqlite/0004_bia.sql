-- Business impact analysis: settings, processes, resources, dependencies,
-- questionnaire campaigns with their answers and the history of each answer.

-- bia_rev is bumped by every change to what the dependency graph is built
-- from (settings, processes, resources, dependencies), in the same
-- transaction, so that each server process can tell when its in-memory
-- graph is stale.
CREATE TABLE bia_rev (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev INTEGER NOT NULL
);
INSERT INTO bia_rev (id, rev) VALUES (1, 0);

-- The organisation's conventions (time points, intolerable level,
-- currency) as one JSON document, read and written whole.
CREATE TABLE bia_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    definition TEXT NOT NULL
);
INSERT INTO bia_settings (id, definition) VALUES (1, '{"time_points_minutes":[60,240,1440,4320,10080],"intolerable_level":4,"currency":"CNY"}');

CREATE TABLE bia_processes (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL,
    name_en            TEXT NOT NULL DEFAULT '',
    owner_id           INTEGER REFERENCES people(id) ON DELETE SET NULL,
    unit_id            INTEGER NOT NULL REFERENCES units(id),
    description        TEXT NOT NULL DEFAULT '',
    important          INTEGER NOT NULL DEFAULT 0,
    -- The current BIA values. Impacts are a JSON array, always read and
    -- written with the process; durations are minutes, NULL when not stated.
    impacts            TEXT NOT NULL DEFAULT '[]',
    mtpd_minutes       INTEGER,
    mtpd_derived       INTEGER NOT NULL DEFAULT 0,
    rto_minutes        INTEGER,
    rpo_minutes        INTEGER,
    mbco               TEXT NOT NULL DEFAULT '',
    peak_periods       TEXT NOT NULL DEFAULT '',
    min_staff          INTEGER,
    min_resources      TEXT NOT NULL DEFAULT '',
    approved_answer_id INTEGER,
    approved_at        TIMESTAMP,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX bia_processes_code ON bia_processes(code) WHERE code <> '';
CREATE INDEX bia_processes_unit ON bia_processes(unit_id);

CREATE TABLE bia_resources (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    code             TEXT NOT NULL DEFAULT '',
    name             TEXT NOT NULL,
    name_en          TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    unit_id          INTEGER REFERENCES units(id),
    site_id          INTEGER REFERENCES sites(id) ON DELETE SET NULL,
    owner_id         INTEGER REFERENCES people(id) ON DELETE SET NULL,
    recovery_minutes INTEGER,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX bia_resources_code ON bia_resources(code) WHERE code <> '';
CREATE INDEX bia_resources_kind ON bia_resources(kind);

-- A dependency from a process or resource on a process or resource, with
-- an optional alternative of the same family. Exactly one column of each
-- pair is set (the alternative's may both be empty). Deleting a node
-- deletes the dependencies from and on it, and leaves those where it was
-- the alternative without one.
CREATE TABLE bia_dependencies (
    id               INTEGER PRIMARY KEY,
    from_process_id  INTEGER REFERENCES bia_processes(id) ON DELETE CASCADE,
    from_resource_id INTEGER REFERENCES bia_resources(id) ON DELETE CASCADE,
    to_process_id    INTEGER REFERENCES bia_processes(id) ON DELETE CASCADE,
    to_resource_id   INTEGER REFERENCES bia_resources(id) ON DELETE CASCADE,
    alt_process_id   INTEGER REFERENCES bia_processes(id) ON DELETE SET NULL,
    alt_resource_id  INTEGER REFERENCES bia_resources(id) ON DELETE SET NULL,
    type             TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    CHECK ((from_process_id IS NULL) <> (from_resource_id IS NULL)),
    CHECK ((to_process_id IS NULL) <> (to_resource_id IS NULL))
);
CREATE UNIQUE INDEX bia_dependencies_pair ON bia_dependencies(
    COALESCE(from_process_id, 0), COALESCE(from_resource_id, 0), COALESCE(to_process_id, 0), COALESCE(to_resource_id, 0));
CREATE INDEX bia_dependencies_from_process ON bia_dependencies(from_process_id);
CREATE INDEX bia_dependencies_from_resource ON bia_dependencies(from_resource_id);
CREATE INDEX bia_dependencies_to_process ON bia_dependencies(to_process_id);
CREATE INDEX bia_dependencies_to_resource ON bia_dependencies(to_resource_id);
CREATE INDEX bia_dependencies_alt_process ON bia_dependencies(alt_process_id);
CREATE INDEX bia_dependencies_alt_resource ON bia_dependencies(alt_resource_id);

CREATE TABLE bia_campaigns (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    due           TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    launched_by   INTEGER NOT NULL DEFAULT 0,
    launched_name TEXT NOT NULL DEFAULT '',
    launched_at   TIMESTAMP NOT NULL,
    closed_at     TIMESTAMP
);

-- One questionnaire per process and campaign; content is the answer's
-- values as a JSON document.
CREATE TABLE bia_answers (
    id                INTEGER PRIMARY KEY,
    campaign_id       INTEGER NOT NULL REFERENCES bia_campaigns(id) ON DELETE CASCADE,
    process_id        INTEGER NOT NULL REFERENCES bia_processes(id) ON DELETE CASCADE,
    status            TEXT NOT NULL,
    content           TEXT NOT NULL,
    comment           TEXT NOT NULL DEFAULT '',
    submitted_by      INTEGER NOT NULL DEFAULT 0,
    submitted_by_name TEXT NOT NULL DEFAULT '',
    submitted_at      TIMESTAMP,
    reviewed_by       INTEGER NOT NULL DEFAULT 0,
    reviewed_by_name  TEXT NOT NULL DEFAULT '',
    reviewed_at       TIMESTAMP,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, process_id)
);
CREATE INDEX bia_answers_process ON bia_answers(process_id);

-- Every step of every answer, with the values as they were.
CREATE TABLE bia_answer_events (
    id         INTEGER PRIMARY KEY,
    answer_id  INTEGER NOT NULL REFERENCES bia_answers(id) ON DELETE CASCADE,
    action     TEXT NOT NULL,
    status     TEXT NOT NULL,
    content    TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    actor_id   INTEGER NOT NULL DEFAULT 0,
    actor_name TEXT NOT NULL DEFAULT '',
    at         TIMESTAMP NOT NULL
);
CREATE INDEX bia_answer_events_answer ON bia_answer_events(answer_id, id);
