-- Early warning: indicators with thresholds per level, their observations,
-- warnings with their history and acknowledgements, CAP alerts already
-- applied, and polled CAP feeds.

CREATE TABLE warning_indicators (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    measure        TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL,
    owner_unit_id  INTEGER NOT NULL REFERENCES units(id),
    direction      TEXT NOT NULL,
    -- Thresholds per level; NULL when the level is not used.
    t_blue         REAL,
    t_yellow       REAL,
    t_orange       REAL,
    t_red          REAL,
    aggregation    TEXT NOT NULL,
    window_minutes INTEGER NOT NULL DEFAULT 0,
    hysteresis     REAL NOT NULL DEFAULT 0,
    -- Who receives the warnings it raises: read and written as a whole.
    audience       TEXT NOT NULL DEFAULT '{}',
    active         INTEGER NOT NULL DEFAULT 1,
    -- Evaluation state.
    level          INTEGER NOT NULL DEFAULT 0,
    value          REAL,
    observed_at    TIMESTAMP,
    warning_id     INTEGER,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE warning_observations (
    id           INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES warning_indicators(id) ON DELETE CASCADE,
    value        REAL NOT NULL,
    observed_at  TIMESTAMP NOT NULL,
    source       TEXT NOT NULL,
    labels       TEXT NOT NULL DEFAULT '{}',
    received_at  TIMESTAMP NOT NULL
);
CREATE INDEX warning_observations_window ON warning_observations(indicator_id, observed_at);

CREATE TABLE warnings (
    id             INTEGER PRIMARY KEY,
    level          INTEGER NOT NULL,
    title          TEXT NOT NULL,
    title_en       TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL DEFAULT 'Other',
    area           TEXT NOT NULL DEFAULT '',
    unit_ids       TEXT NOT NULL DEFAULT '[]',
    impact         TEXT NOT NULL DEFAULT '',
    measures       TEXT NOT NULL DEFAULT '',
    valid_until    TIMESTAMP,
    audience       TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL,
    source         TEXT NOT NULL,
    indicator_id   INTEGER REFERENCES warning_indicators(id) ON DELETE SET NULL,
    source_ref     TEXT NOT NULL DEFAULT '',
    value          REAL,
    revision       INTEGER NOT NULL DEFAULT 1,
    ack_due_at     TIMESTAMP NOT NULL,
    issued_by      INTEGER NOT NULL DEFAULT 0,
    issued_by_name TEXT NOT NULL DEFAULT '',
    issued_at      TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    ended_at       TIMESTAMP
);
CREATE INDEX warnings_status ON warnings(status, issued_at);
CREATE INDEX warnings_indicator ON warnings(indicator_id);

-- The recipient departments of a warning (its audience units), which owe
-- an acknowledgement: a copy of the audience for queries by unit. No
-- foreign key: a warning keeps its record when a unit is removed.
CREATE TABLE warning_recipients (
    warning_id INTEGER NOT NULL REFERENCES warnings(id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL,
    PRIMARY KEY (warning_id, unit_id)
);
CREATE INDEX warning_recipients_unit ON warning_recipients(unit_id);

CREATE TABLE warning_events (
    id         INTEGER PRIMARY KEY,
    warning_id INTEGER NOT NULL REFERENCES warnings(id) ON DELETE CASCADE,
    action     TEXT NOT NULL,
    from_level INTEGER NOT NULL DEFAULT 0,
    to_level   INTEGER NOT NULL DEFAULT 0,
    value      REAL,
    source     TEXT NOT NULL DEFAULT '',
    unit_id    INTEGER,
    note       TEXT NOT NULL DEFAULT '',
    by_user    INTEGER NOT NULL DEFAULT 0,
    by_name    TEXT NOT NULL DEFAULT '',
    at         TIMESTAMP NOT NULL
);
CREATE INDEX warning_events_warning ON warning_events(warning_id, id);

CREATE TABLE warning_acks (
    id            INTEGER PRIMARY KEY,
    warning_id    INTEGER NOT NULL REFERENCES warnings(id) ON DELETE CASCADE,
    unit_id       INTEGER NOT NULL,
    revision      INTEGER NOT NULL,
    level         INTEGER NOT NULL,
    measures      TEXT NOT NULL DEFAULT '',
    acked_by      INTEGER NOT NULL DEFAULT 0,
    acked_by_name TEXT NOT NULL DEFAULT '',
    acked_at      TIMESTAMP NOT NULL
);
CREATE INDEX warning_acks_warning ON warning_acks(warning_id, unit_id, revision);

-- CAP alerts applied, by sender and identifier, so that an alert seen
-- again (a re-posted message, a feed polled twice) is not applied twice,
-- and so that Update and Cancel messages find the warning they refer to.
CREATE TABLE warning_cap_seen (
    sender     TEXT NOT NULL,
    identifier TEXT NOT NULL,
    warning_id INTEGER REFERENCES warnings(id) ON DELETE SET NULL,
    seen_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (sender, identifier)
);

CREATE TABLE warning_feeds (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    url              TEXT NOT NULL,
    interval_seconds INTEGER NOT NULL,
    active           INTEGER NOT NULL DEFAULT 1,
    last_polled_at   TIMESTAMP,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL
);
