package store

import (
	"context"
	"strings"

	"github.com/continuo-bcm/continuo/internal/audit"
)

// InsertEntries stores audit entries with the ids they carry, many rows
// per statement (a bulk import records thousands at once).
func (db *DB) InsertEntries(ctx context.Context, es []audit.Entry) error {
	const cols = 11
	const per = 80 // rows per statement: 880 parameters, under every engine's limit
	args := make([]any, 0, per*cols)
	for len(es) > 0 {
		n := min(len(es), per)
		batch := es[:n]
		es = es[n:]
		var b strings.Builder
		b.WriteString(`INSERT INTO audit_log (id, at, actor_id, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash) VALUES `)
		args = args[:0]
		for i := range batch {
			e := &batch[i]
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(cols) + ")")
			args = append(args, e.ID, e.At.UTC(), e.ActorID, e.Actor, e.Action, e.Entity, e.EntityID, rawOrNil(e.Before), rawOrNil(e.After),
				e.PrevHash, e.Hash)
		}
		if _, err := db.exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
