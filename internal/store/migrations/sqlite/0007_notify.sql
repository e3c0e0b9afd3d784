-- Notification engine: channels, preferences, escalation policies, and the
-- durable outbox of messages, deliveries and escalation timers.

-- Settings and secrets are JSON objects; secrets are never returned by the
-- API nor written to logs or the audit log.
CREATE TABLE notify_channels (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 1,
    settings        TEXT NOT NULL DEFAULT '{}',
    secrets         TEXT NOT NULL DEFAULT '{}',
    rate_per_second REAL NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX notify_channels_name ON notify_channels(lower(name));

CREATE TABLE notify_preferences (
    person_id   INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    channels    TEXT NOT NULL DEFAULT '[]',
    quiet_start TEXT NOT NULL DEFAULT '',
    quiet_end   TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL DEFAULT '',
    lang        TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE notify_policies (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    steps            TEXT NOT NULL,
    repeat_count     INTEGER NOT NULL DEFAULT 0,
    interval_seconds INTEGER NOT NULL DEFAULT 0,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);

-- A message is stored by the sender (in its own transaction, as an
-- outbox) and fanned out by the dispatcher under a lease.
CREATE TABLE notify_messages (
    id           INTEGER PRIMARY KEY,
    dedup_key    TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    severity     TEXT NOT NULL,
    ack_required INTEGER NOT NULL DEFAULT 0,
    template     TEXT NOT NULL DEFAULT '',
    texts        TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT '{}',
    recipients   TEXT NOT NULL,
    channels     TEXT NOT NULL DEFAULT '[]',
    policy_id    INTEGER REFERENCES notify_policies(id) ON DELETE SET NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    fanout_done  INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX notify_messages_dedup ON notify_messages(dedup_key);
CREATE INDEX notify_messages_fanout ON notify_messages(id) WHERE fanout_done = 0;
CREATE INDEX notify_messages_source ON notify_messages(source);

-- One row per recipient × channel × escalation step; the dedup key makes
-- a fan-out or an escalation step that is run again insert nothing twice.
-- People are not foreign keys: the log outlives a person's removal.
CREATE TABLE notify_deliveries (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES notify_messages(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL,
    holder_id       INTEGER NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    lang            TEXT NOT NULL DEFAULT 'zh-CN',
    channel_id      INTEGER REFERENCES notify_channels(id) ON DELETE SET NULL,
    kind            TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    step            TEXT NOT NULL DEFAULT 'initial',
    dedup_key       TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner     TEXT,
    lease_until     TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    external_id     TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMP,
    acked_at        TIMESTAMP,
    acked_by        INTEGER,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX notify_deliveries_dedup ON notify_deliveries(dedup_key);
CREATE INDEX notify_deliveries_due ON notify_deliveries(next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX notify_deliveries_holder ON notify_deliveries(message_id, holder_id);
CREATE INDEX notify_deliveries_person ON notify_deliveries(person_id, id);

-- The durable timer of one holder's escalation: the next step and when.
CREATE TABLE notify_escalations (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES notify_messages(id) ON DELETE CASCADE,
    holder_id   INTEGER NOT NULL,
    policy_id   INTEGER NOT NULL REFERENCES notify_policies(id) ON DELETE CASCADE,
    round       INTEGER NOT NULL DEFAULT 0,
    step        INTEGER NOT NULL DEFAULT 0,
    next_deputy INTEGER NOT NULL DEFAULT 0,
    due_at      TIMESTAMP NOT NULL,
    state       TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    started_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX notify_escalations_holder ON notify_escalations(message_id, holder_id);
CREATE INDEX notify_escalations_due ON notify_escalations(due_at) WHERE state = 'pending';

CREATE TABLE notify_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
