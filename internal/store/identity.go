package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/identity"
)

const userCols = "id, username, display_name, email, person_id, lang, password_hash, disabled, created_at, updated_at"

func scanUser(sc interface{ Scan(...any) error }) (identity.User, error) {
	var u identity.User
	var person sql.NullInt64
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &person, &u.Lang, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	u.PersonID = ptrInt(person)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

// CreateUser stores a new account with its grants.
func (db *DB) CreateUser(ctx context.Context, u *identity.User) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		id, err := db.insert(ctx, `INSERT INTO users (username, display_name, email, person_id, lang, password_hash, disabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.Username, u.DisplayName, u.Email, nullInt(u.PersonID), u.Lang, u.PasswordHash, u.Disabled,
			u.CreatedAt.UTC(), u.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		u.ID = id
		return db.writeGrants(ctx, u)
	})
}

func (db *DB) writeGrants(ctx context.Context, u *identity.User) error {
	if _, err := db.exec(ctx, "DELETE FROM user_grants WHERE user_id = ?", u.ID); err != nil {
		return err
	}
	seen := map[authz.Grant]bool{}
	for _, g := range u.Grants {
		k := authz.Grant{Role: g.Role, UnitID: g.UnitID}
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, err := db.exec(ctx, "INSERT INTO user_grants (user_id, role, unit_id) VALUES (?, ?, ?)", u.ID, g.Role, g.UnitID); err != nil {
			return err
		}
	}
	return nil
}

// UpdateUser stores an account's fields and replaces its grants.
func (db *DB) UpdateUser(ctx context.Context, u *identity.User) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		res, err := db.exec(ctx, `UPDATE users SET username = ?, display_name = ?, email = ?, person_id = ?, lang = ?, password_hash = ?, disabled = ?,
			updated_at = ? WHERE id = ?`, u.Username, u.DisplayName, u.Email, nullInt(u.PersonID), u.Lang, u.PasswordHash, u.Disabled, u.UpdatedAt.UTC(), u.ID)
		if err := mustAffect(res, err, "user"); err != nil {
			return err
		}
		if err := db.bumpAuth(ctx); err != nil {
			return err
		}
		return db.writeGrants(ctx, u)
	})
}

func (db *DB) userWhere(ctx context.Context, cond string, arg any) (identity.User, error) {
	u, err := scanUser(db.queryRow(ctx, "SELECT "+userCols+" FROM users WHERE "+cond, arg))
	if err != nil {
		return u, notFound(err, "user")
	}
	us := []identity.User{u}
	if err := db.loadGrants(ctx, us); err != nil {
		return u, err
	}
	return us[0], nil
}

// UserByID returns an account with grants.
func (db *DB) UserByID(ctx context.Context, id int64) (identity.User, error) {
	return db.userWhere(ctx, "id = ?", id)
}

// UserByUsername returns an account by username, ignoring case.
func (db *DB) UserByUsername(ctx context.Context, username string) (identity.User, error) {
	return db.userWhere(ctx, "lower(username) = ?", strings.ToLower(username))
}

// UserByEmail returns an account by email, ignoring case.
func (db *DB) UserByEmail(ctx context.Context, email string) (identity.User, error) {
	if email == "" {
		return identity.User{}, notFound(sql.ErrNoRows, "user")
	}
	return db.userWhere(ctx, "lower(email) = ?", strings.ToLower(email))
}

// ListUsers returns every account by username.
func (db *DB) ListUsers(ctx context.Context) ([]identity.User, error) {
	rows, err := db.query(ctx, "SELECT "+userCols+" FROM users ORDER BY lower(username)")
	if err != nil {
		return nil, err
	}
	var us []identity.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		us = append(us, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return us, db.loadGrants(ctx, us)
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.queryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, err
}

func (db *DB) loadGrants(ctx context.Context, us []identity.User) error {
	if len(us) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(us))
	for i, u := range us {
		idx[u.ID] = i
		args[i] = u.ID
		us[i].Grants = []authz.Grant{}
	}
	rows, err := db.query(ctx, "SELECT user_id, role, unit_id FROM user_grants WHERE user_id IN ("+placeholders(len(args))+") ORDER BY user_id, role, unit_id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var g authz.Grant
		if err := rows.Scan(&id, &g.Role, &g.UnitID); err != nil {
			return err
		}
		us[idx[id]].Grants = append(us[idx[id]].Grants, g)
	}
	return rows.Err()
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s identity.Session) error {
	_, err := db.exec(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)", s.TokenHash, s.UserID, s.CreatedAt.UTC(), s.ExpiresAt.UTC())
	return err
}

// SessionByHash returns a session by the hash of its secret.
func (db *DB) SessionByHash(ctx context.Context, hash string) (identity.Session, error) {
	var s identity.Session
	err := db.queryRow(ctx, "SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = ?", hash).Scan(&s.TokenHash, &s.UserID, &s.CreatedAt, &s.ExpiresAt)
	return s, notFound(err, "session")
}

// DeleteSession removes a session.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		if _, err := db.exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hash); err != nil {
			return err
		}
		return db.bumpAuth(ctx)
	})
}

// DeleteUserSessions signs a user out everywhere.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		if _, err := db.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return err
		}
		return db.bumpAuth(ctx)
	})
}

// DeleteExpiredSessions removes sessions that have expired.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := db.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", now.UTC())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

const tokenCols = "id, user_id, name, prefix, hash, created_at, expires_at, last_used_at"

func scanToken(sc interface{ Scan(...any) error }) (identity.Token, error) {
	var t identity.Token
	var exp, used sql.NullTime
	err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, &t.CreatedAt, &exp, &used)
	t.ExpiresAt, t.LastUsedAt = ptrTime(exp), ptrTime(used)
	t.CreatedAt = t.CreatedAt.UTC()
	return t, err
}

// CreateToken stores an API token.
func (db *DB) CreateToken(ctx context.Context, t *identity.Token) error {
	id, err := db.insert(ctx, "INSERT INTO api_tokens (user_id, name, prefix, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
		t.UserID, t.Name, t.Prefix, t.Hash, t.CreatedAt.UTC(), nullTime(t.ExpiresAt))
	t.ID = id
	return err
}

// TokenByHash returns a token by the hash of its secret.
func (db *DB) TokenByHash(ctx context.Context, hash string) (identity.Token, error) {
	t, err := scanToken(db.queryRow(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE hash = ?", hash))
	return t, notFound(err, "token")
}

// ListTokens returns a user's tokens, newest first.
func (db *DB) ListTokens(ctx context.Context, userID int64) ([]identity.Token, error) {
	rows, err := db.query(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE user_id = ? ORDER BY id DESC", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []identity.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteToken removes one of a user's tokens.
func (db *DB) DeleteToken(ctx context.Context, userID, id int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		res, err := db.exec(ctx, "DELETE FROM api_tokens WHERE user_id = ? AND id = ?", userID, id)
		if err := mustAffect(res, err, "token"); err != nil {
			return err
		}
		return db.bumpAuth(ctx)
	})
}

// TouchToken records when a token was last used.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := db.exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", at.UTC(), id)
	return err
}

// AuthRevision returns the revision of everything authentication reads;
// it moves whenever a user, grant, session or token changes or goes, and
// whenever the unit tree changes.
func (db *DB) AuthRevision(ctx context.Context) (int64, error) {
	_, rev, err := db.revisions(ctx)
	return rev, err
}

// bumpAuth advances the authentication revision in the transaction in ctx
// (or on its own outside one).
func (db *DB) bumpAuth(ctx context.Context) error {
	forgetRevisions(ctx)
	_, err := db.exec(ctx, "UPDATE auth_rev SET rev = rev + 1 WHERE id = 1")
	return err
}

var _ identity.Store = (*DB)(nil)
