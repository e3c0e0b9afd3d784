package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
)

// Change is one change for RecordMany: the same fields as Record takes.
type Change struct {
	Action, Entity string
	EntityID       any
	Before, After  any
}

// batchStore is implemented by stores that insert many entries at once
// (the store package does); others get one InsertEntry per entry.
type batchStore interface {
	InsertEntries(ctx context.Context, es []Entry) error
}

// RecordMany appends one entry per change, in order, exactly as that many
// calls of Record would (same actor and time, each entry chained to the
// previous one), with the end of the chain locked once and the entries
// inserted together: a bulk operation (an import of thousands of rows)
// keeps an entry per changed record without paying a round of locking
// and inserting for each.
func (l *Log) RecordMany(ctx context.Context, changes []Change) error {
	if len(changes) == 0 {
		return nil
	}
	p, _ := authz.From(ctx)
	actor := p.Name
	if actor == "" {
		actor = "anonymous"
	}
	at := l.clock.Now().UTC().Truncate(time.Microsecond)
	es := make([]Entry, len(changes))
	for i, c := range changes {
		e := Entry{At: at, ActorID: p.UserID, Actor: actor, Action: c.Action, Entity: c.Entity, EntityID: fmt.Sprint(c.EntityID)}
		var err error
		if e.Before, err = marshal(c.Before); err != nil {
			return err
		}
		if e.After, err = marshal(c.After); err != nil {
			return err
		}
		es[i] = e
	}
	return l.tx.InTx(ctx, func(ctx context.Context) error {
		lastID, lastHash, err := l.store.LockTail(ctx)
		if err != nil {
			return err
		}
		for i := range es {
			es[i].ID = lastID + int64(i) + 1
			es[i].PrevHash = lastHash
			es[i].Hash = es[i].ComputeHash()
			lastHash = es[i].Hash
		}
		if bs, ok := l.store.(batchStore); ok {
			return bs.InsertEntries(ctx, es)
		}
		for i := range es {
			if err := l.store.InsertEntry(ctx, &es[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
