package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/continuo-bcm/continuo/internal/audit"
)

// LockTail locks the end of the audit chain for the transaction in ctx. On
// SQLite the write transaction already excludes other writers; PostgreSQL
// takes a transaction-scoped advisory lock.
func (db *DB) LockTail(ctx context.Context) (int64, string, error) {
	if db.engine == Postgres {
		if _, err := db.exec(ctx, "SELECT pg_advisory_xact_lock(727275)"); err != nil {
			return 0, "", err
		}
	}
	var id int64
	var hash string
	err := db.queryRow(ctx, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&id, &hash)
	if err == sql.ErrNoRows {
		return 0, "", nil
	}
	return id, hash, mapErr(err)
}

func rawOrNil(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// InsertEntry stores an audit entry.
func (db *DB) InsertEntry(ctx context.Context, e *audit.Entry) error {
	_, err := db.exec(ctx, `INSERT INTO audit_log (id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.At.UTC(), e.ActorID, e.Actor, e.Action, e.Entity, e.EntityID,
		rawOrNil(e.Before), rawOrNil(e.After), e.PrevHash, e.Hash)
	return err
}

const auditCols = "id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash"

func scanEntry(sc interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	var before, after sql.NullString
	err := sc.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &before, &after, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	if before.Valid {
		e.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		e.After = json.RawMessage(after.String)
	}
	return e, err
}

// ListEntries returns entries newest first.
func (db *DB) ListEntries(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	var where []string
	var args []any
	if f.Entity != "" {
		where = append(where, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		where = append(where, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if f.ActorID > 0 {
		where = append(where, "actor_id = ?")
		args = append(args, f.ActorID)
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if f.BeforeID > 0 {
		where = append(where, "id < ?")
		args = append(args, f.BeforeID)
	}
	q := "SELECT " + auditCols + " FROM audit_log"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EachEntry calls fn on every entry in id order, reading in batches so the
// whole log never sits in memory.
func (db *DB) EachEntry(ctx context.Context, fn func(audit.Entry) error) error {
	var after int64
	for {
		rows, err := db.query(ctx, "SELECT "+auditCols+" FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000", after)
		if err != nil {
			return err
		}
		var batch []audit.Entry
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < 1000 {
			return nil
		}
		after = batch[len(batch)-1].ID
	}
}

var _ audit.Store = (*DB)(nil)
