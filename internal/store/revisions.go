package store

import (
	"context"
	"sync"
	"time"

	"github.com/continuo-bcm/continuo/internal/tx"
)

// The in-memory caches (the people directory, authenticated users, unit
// subtrees) check a revision counter in the database before every use, so
// that changes from any server process show at once. A request reads both
// counters in one query, the first time it needs one; WithRevisionMemo
// gives the request a place to keep them.

type revMemoKey struct{}

type revMemo struct {
	mu        sync.Mutex
	read      time.Time // zero: nothing kept
	dir, auth int64
}

// revMemoMaxAge bounds how long a request reuses the counters it read.
// A request is over in milliseconds; a long-lived one (an event stream)
// reads them afresh.
const revMemoMaxAge = 250 * time.Millisecond

// WithRevisionMemo returns a context in which the revision counters are
// read once and reused (see above). The HTTP handler wraps each request
// in one.
func WithRevisionMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, revMemoKey{}, &revMemo{})
}

// revisions returns the directory and authentication revisions.
func (db *DB) revisions(ctx context.Context) (dir, auth int64, err error) {
	m, _ := ctx.Value(revMemoKey{}).(*revMemo)
	if m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		if !m.read.IsZero() && time.Since(m.read) < revMemoMaxAge {
			return m.dir, m.auth, nil
		}
	}
	err = db.readRow(ctx, "SELECT d.rev, a.rev FROM directory_rev d, auth_rev a WHERE d.id = 1 AND a.id = 1").Scan(&dir, &auth)
	if err != nil {
		return 0, 0, mapErr(err)
	}
	if m != nil {
		m.read, m.dir, m.auth = time.Now(), dir, auth
	}
	return dir, auth, nil
}

// forgetRevisions drops the counters a request read, when it changes one:
// now, and again once the change commits, so that the request's own later
// reads see its change.
func forgetRevisions(ctx context.Context) {
	m, _ := ctx.Value(revMemoKey{}).(*revMemo)
	if m == nil {
		return
	}
	forget := func() {
		m.mu.Lock()
		m.read = time.Time{}
		m.mu.Unlock()
	}
	forget()
	tx.AfterCommit(ctx, forget)
}
