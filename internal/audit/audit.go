// Package audit keeps the append-only, hash-chained record of every change:
// who did what, when, and the object before and after. Each entry's hash
// covers its content and the previous entry's hash, so changing or deleting
// a stored row breaks the chain and Verify finds it.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Entry is one recorded change.
type Entry struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	ActorID  int64           `json:"actor_id"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"entity_id"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// ComputeHash returns the hash of the entry's content chained to PrevHash.
func (e *Entry) ComputeHash() string {
	h := sha256.New()
	field := func(s string) {
		// Length-prefix every field so that no two different entries
		// serialise to the same bytes.
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(e.PrevHash)
	field(strconv.FormatInt(e.ID, 10))
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(strconv.FormatInt(e.ActorID, 10))
	field(e.Actor)
	field(e.Action)
	field(e.Entity)
	field(e.EntityID)
	field(string(e.Before))
	field(string(e.After))
	return hex.EncodeToString(h.Sum(nil))
}

// Filter selects entries for the audit log page.
type Filter struct {
	Entity   string
	EntityID string
	ActorID  int64
	Action   string
	BeforeID int64 // keyset pagination: entries older than this id
	Limit    int   // 0 means 50
}

// Store is the storage of the audit log.
type Store interface {
	// LockTail locks the end of the chain for the current transaction and
	// returns the id and hash of the last entry (0 and "" when empty).
	LockTail(ctx context.Context) (lastID int64, lastHash string, err error)
	// InsertEntry stores e with the id it carries.
	InsertEntry(ctx context.Context, e *Entry) error
	ListEntries(ctx context.Context, f Filter) ([]Entry, error)
	// EachEntry calls fn on every entry in id order.
	EachEntry(ctx context.Context, fn func(Entry) error) error
}

// Log records and checks the audit trail.
type Log struct {
	store Store
	tx    tx.Runner
	clock clock.Clock
}

// NewLog returns an audit log over the store.
func NewLog(s Store, t tx.Runner, c clock.Clock) *Log {
	return &Log{store: s, tx: t, clock: c}
}

// Record appends an entry for a change made by the principal in ctx. Call it
// inside the transaction of the change, so that the change and its record
// are stored together or not at all. before and after are marshalled to
// JSON; nil means absent (creation or deletion).
func (l *Log) Record(ctx context.Context, action, entity string, entityID any, before, after any) error {
	p, _ := authz.From(ctx)
	e := Entry{
		At:       l.clock.Now().UTC().Truncate(time.Microsecond),
		ActorID:  p.UserID,
		Actor:    p.Name,
		Action:   action,
		Entity:   entity,
		EntityID: fmt.Sprint(entityID),
	}
	if e.Actor == "" {
		e.Actor = "anonymous"
	}
	var err error
	if e.Before, err = marshal(before); err != nil {
		return err
	}
	if e.After, err = marshal(after); err != nil {
		return err
	}
	return l.tx.InTx(ctx, func(ctx context.Context) error {
		lastID, lastHash, err := l.store.LockTail(ctx)
		if err != nil {
			return err
		}
		e.ID = lastID + 1
		e.PrevHash = lastHash
		e.Hash = e.ComputeHash()
		return l.store.InsertEntry(ctx, &e)
	})
}

func marshal(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: marshal: %w", err)
	}
	return b, nil
}

// List returns entries for the audit log page.
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, error) {
	if err := authz.Require(ctx, authz.AuditRead); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	return l.store.ListEntries(ctx, f)
}

// Problem is a break in the chain found by Verify.
type Problem struct {
	EntryID int64  `json:"entry_id"`
	Reason  string `json:"reason"`
}

// Report is the result of Verify.
type Report struct {
	Checked  int       `json:"checked"`
	Problems []Problem `json:"problems"`
}

// OK reports whether the chain is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify walks the whole chain and reports every entry whose hash does not
// match its content, whose link to the previous entry is broken, or whose
// id shows that entries were removed.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	var r Report
	var prevHash string
	var prevID int64
	err := l.store.EachEntry(ctx, func(e Entry) error {
		r.Checked++
		if e.ID != prevID+1 {
			r.Problems = append(r.Problems, Problem{e.ID, fmt.Sprintf("entries %d to %d are missing", prevID+1, e.ID-1)})
		}
		if e.PrevHash != prevHash {
			r.Problems = append(r.Problems, Problem{e.ID, "link to the previous entry is broken"})
		}
		if e.ComputeHash() != e.Hash {
			r.Problems = append(r.Problems, Problem{e.ID, "content does not match its hash (the row was changed)"})
		}
		prevHash, prevID = e.Hash, e.ID
		return nil
	})
	return r, err
}
