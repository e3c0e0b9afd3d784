-- A revision number for what signing in depends on: accounts, grants,
-- sessions, API tokens and the unit tree grants are checked against.
-- Each server process keeps the users it authenticated recently (and the
-- unit subtrees the people list filters by) and reuses them while
-- auth_rev has not moved, so a revoked token, a signed-out session or a
-- removed grant stops working at once in every process.
CREATE TABLE auth_rev (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    rev BIGINT NOT NULL
);
INSERT INTO auth_rev (id, rev) VALUES (1, 0);
