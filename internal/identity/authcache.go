package identity

import (
	"slices"
	"sync"
	"time"
)

// authCache keeps the users recently authenticated, by the hash of the
// secret they presented, so that a request needs one query (the
// authentication revision) instead of four (token or session, user,
// grants, unit paths). Everything kept was read at one revision of the
// store's auth_rev, which every change to users, grants, sessions, tokens
// and unit paths moves in the same transaction; a kept user is used only
// while the revision has not moved, so revoking access takes effect at
// once in every server process.
type authCache struct {
	mu      sync.Mutex
	rev     int64
	entries map[string]authEntry
}

type authEntry struct {
	user     User
	expires  time.Time // zero: never
	tokenID  int64     // 0 for a session
	lastUsed time.Time // of the token, as recorded
}

// maxAuthEntries bounds the cache: one entry per session or token in use.
const maxAuthEntries = 10_000

// get returns the entry kept for hash when it was read at rev.
func (c *authCache) get(hash string, rev int64) (authEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rev != rev {
		return authEntry{}, false
	}
	e, ok := c.entries[hash]
	if ok {
		e.user.Grants = slices.Clone(e.user.Grants)
	}
	return e, ok
}

// put keeps an entry read at rev. Entries of older revisions go.
func (c *authCache) put(hash string, rev int64, e authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rev < c.rev {
		return
	}
	if rev > c.rev || c.entries == nil {
		c.rev, c.entries = rev, make(map[string]authEntry)
	}
	if _, kept := c.entries[hash]; !kept && len(c.entries) >= maxAuthEntries {
		for k := range c.entries { // any one: map order is random
			delete(c.entries, k)
			break
		}
	}
	e.user.Grants = slices.Clone(e.user.Grants)
	c.entries[hash] = e
}

// touched records that a token's last use was written at t.
func (c *authCache) touched(hash string, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok {
		e.lastUsed = t
		c.entries[hash] = e
	}
}
