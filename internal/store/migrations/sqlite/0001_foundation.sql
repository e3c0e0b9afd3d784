-- Foundation: organisation, identity, audit.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES units(id),
    kind        TEXT NOT NULL,
    code        TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    path        TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_path ON units(path);

CREATE TABLE sites (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER REFERENCES units(id),
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    employee_no TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    title_en    TEXT NOT NULL DEFAULT '',
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    site_id     INTEGER REFERENCES sites(id) ON DELETE SET NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    -- Contact methods as "kind=value" lines, in order: always read and
    -- written with the person, never queried on their own.
    contacts    TEXT NOT NULL DEFAULT '',
    search      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX people_employee_no ON people(employee_no) WHERE employee_no <> '';
CREATE INDEX people_unit ON people(unit_id, id);

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    duties      TEXT NOT NULL DEFAULT '',
    duties_en   TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE team_members (
    team_id     INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL,
    duty        TEXT NOT NULL DEFAULT '',
    duty_en     TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (team_id, person_id)
);
CREATE INDEX team_members_person ON team_members(person_id);

CREATE TABLE member_deputies (
    team_id     INTEGER NOT NULL,
    person_id   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    deputy_id   INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (team_id, person_id, seq),
    FOREIGN KEY (team_id, person_id) REFERENCES team_members(team_id, person_id) ON DELETE CASCADE
);
CREATE INDEX member_deputies_deputy ON member_deputies(deputy_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    person_id     INTEGER REFERENCES people(id) ON DELETE SET NULL,
    lang          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_username ON users(lower(username));
CREATE INDEX users_email ON users(lower(email));

CREATE TABLE user_grants (
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    unit_id   INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role, unit_id)
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER NOT NULL DEFAULT 0,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log(actor_id);

-- The audit log is append-only: the application never changes or removes
-- an entry, and the database refuses it too.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
