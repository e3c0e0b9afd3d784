-- Plan library: plans, their numbered versions and the approval record.

-- A plan is the library entry; its title, status and the version in force
-- are copies of its versions' state, kept here so that lists, filters and
-- the review-reminder query need no join.
CREATE TABLE plans (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL,
    title             TEXT NOT NULL,
    title_en          TEXT NOT NULL DEFAULT '',
    unit_id           INTEGER NOT NULL REFERENCES units(id),
    owner_id          INTEGER REFERENCES people(id) ON DELETE SET NULL,
    review_months     INTEGER NOT NULL DEFAULT 12,
    -- Approvers (named accounts or roles) as a JSON array: read and
    -- written with the plan, never queried on their own.
    approvers         TEXT NOT NULL DEFAULT '[]',
    quorum            INTEGER NOT NULL DEFAULT 0,
    latest_version    INTEGER NOT NULL DEFAULT 0,
    status            TEXT NOT NULL,
    published_version INTEGER NOT NULL DEFAULT 0,
    published_at      TIMESTAMP,
    -- Calendar day as YYYY-MM-DD, compared as text; '' before publication.
    review_due        TEXT NOT NULL DEFAULT '',
    search            TEXT NOT NULL DEFAULT '',
    created_by        INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX plans_code ON plans(code) WHERE code <> '';
CREATE INDEX plans_kind ON plans(kind, title);
CREATE INDEX plans_unit ON plans(unit_id);
CREATE INDEX plans_status ON plans(status);
CREATE INDEX plans_review_due ON plans(review_due) WHERE published_version > 0;

-- A version's content (sections and playbooks) is one JSON document: it
-- is always read and written whole, and compared section by section in
-- the application.
CREATE TABLE plan_versions (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    status       TEXT NOT NULL,
    title        TEXT NOT NULL,
    title_en     TEXT NOT NULL DEFAULT '',
    change_note  TEXT NOT NULL DEFAULT '',
    based_on     INTEGER NOT NULL DEFAULT 0,
    content      TEXT NOT NULL,
    author_id    INTEGER NOT NULL DEFAULT 0,
    author_name  TEXT NOT NULL DEFAULT '',
    round        INTEGER NOT NULL DEFAULT 0,
    submitted_at TIMESTAMP,
    submitted_by INTEGER NOT NULL DEFAULT 0,
    approved_at  TIMESTAMP,
    published_at TIMESTAMP,
    published_by INTEGER NOT NULL DEFAULT 0,
    review_due   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX plan_versions_number ON plan_versions(plan_id, number);

-- Every approval and rejection, kept as the approval record.
CREATE TABLE plan_decisions (
    id         INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES plan_versions(id) ON DELETE CASCADE,
    round      INTEGER NOT NULL,
    verdict    TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    user_id    INTEGER NOT NULL DEFAULT 0,
    user_name  TEXT NOT NULL DEFAULT '',
    slot       INTEGER NOT NULL DEFAULT -1,
    at         TIMESTAMP NOT NULL
);
CREATE INDEX plan_decisions_version ON plan_decisions(version_id, id);
