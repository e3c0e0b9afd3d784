package store

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/continuo-bcm/continuo/internal/org"
)

// directory is an in-memory index of the people directory: id, unit, site,
// active flag and the lower-cased search text of every person. A directory
// search on a large organisation would otherwise scan every row twice (page
// and count); in memory the scan costs a few milliseconds for 100,000 people.
//
// It stays current across processes sharing one database: every change to
// people bumps directory_rev in the same transaction and stamps the row (or
// a tombstone) with the new revision. Before answering, the index reads the
// current revision and, when it moved, loads only the rows stamped after the
// revision it has. Writers serialise on the directory_rev row, so revisions
// become visible in order and none is skipped.
//
// The rows of the people on the pages asked for are kept too, up to
// maxCachedPeople, each with the revision it was loaded at: a row is used
// while the index still has that revision for the person, so a change
// from any process makes it be loaded again.
type directory struct {
	mu      sync.RWMutex
	loaded  bool
	rev     int64
	entries []dirEntry // sorted by id

	rowsMu sync.Mutex
	rows   map[int64]cachedPerson
}

type dirEntry struct {
	id, unitID, siteID int64
	rev                int64
	active             bool
	text               string
}

type cachedPerson struct {
	rev int64
	p   org.Person
}

// maxCachedPeople bounds the rows kept (about 400 bytes each): the pages
// people look at again and again, not the whole directory.
const maxCachedPeople = 25_000

// bumpDirectory advances the directory revision inside the transaction in
// ctx and returns the new revision to stamp on the changed row.
func (db *DB) bumpDirectory(ctx context.Context) (int64, error) {
	var rev int64
	err := db.w(ctx).QueryRowContext(ctx, db.rebind("UPDATE directory_rev SET rev = rev + 1 WHERE id = 1 RETURNING rev")).Scan(&rev)
	return rev, mapErr(err)
}

// sync brings the index up to the database's current revision.
func (d *directory) sync(ctx context.Context, db *DB) error {
	var rev int64
	if err := db.read.QueryRowContext(ctx, "SELECT rev FROM directory_rev WHERE id = 1").Scan(&rev); err != nil {
		return mapErr(err)
	}
	d.mu.RLock()
	current := d.loaded && d.rev == rev
	d.mu.RUnlock()
	if current {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.loaded && d.rev == rev {
		return nil
	}
	since := d.rev
	if !d.loaded {
		since = -1
		d.entries = d.entries[:0]
	}
	// Rows stamped after rev may be read too; applying them twice is
	// harmless, and they are read again on the next sync.
	type change struct {
		rev     int64
		entry   dirEntry
		deleted bool
	}
	var changes []change
	rows, err := db.read.QueryContext(ctx, db.rebind("SELECT id, unit_id, COALESCE(site_id, 0), active, search, rev FROM people WHERE rev > ?"), since)
	if err != nil {
		return mapErr(err)
	}
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.entry.id, &c.entry.unitID, &c.entry.siteID, &c.entry.active, &c.entry.text, &c.rev); err != nil {
			rows.Close()
			return err
		}
		c.entry.rev = c.rev
		changes = append(changes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if d.loaded {
		rows, err = db.read.QueryContext(ctx, db.rebind("SELECT person_id, rev FROM people_tombstones WHERE rev > ?"), since)
		if err != nil {
			return mapErr(err)
		}
		for rows.Next() {
			c := change{deleted: true}
			if err := rows.Scan(&c.entry.id, &c.rev); err != nil {
				rows.Close()
				return err
			}
			changes = append(changes, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if !d.loaded {
		// First load: every live row, in one sort.
		d.entries = make([]dirEntry, 0, len(changes))
		for _, c := range changes {
			d.entries = append(d.entries, c.entry)
		}
		slices.SortFunc(d.entries, func(a, b dirEntry) int { return cmpInt(a.id, b.id) })
	} else {
		// Apply in revision order: a row deleted and an id used again
		// later end in the right state.
		slices.SortStableFunc(changes, func(a, b change) int { return cmpInt(a.rev, b.rev) })
		for _, c := range changes {
			i, found := slices.BinarySearchFunc(d.entries, c.entry.id, func(e dirEntry, id int64) int { return cmpInt(e.id, id) })
			switch {
			case c.deleted && found:
				d.entries = slices.Delete(d.entries, i, i+1)
				d.rowsMu.Lock()
				delete(d.rows, c.entry.id)
				d.rowsMu.Unlock()
			case !c.deleted && found:
				d.entries[i] = c.entry
			case !c.deleted:
				d.entries = slices.Insert(d.entries, i, c.entry)
			}
		}
	}
	d.rev = rev
	d.loaded = true
	return nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cached returns the kept rows of the people of a page whose revision is
// still rev, and the ids of the others.
func (d *directory) cached(ids, revs []int64) (map[int64]org.Person, []int64) {
	out := make(map[int64]org.Person, len(ids))
	var missing []int64
	d.rowsMu.Lock()
	defer d.rowsMu.Unlock()
	for i, id := range ids {
		if c, ok := d.rows[id]; ok && c.rev == revs[i] {
			out[id] = detached(c.p)
		} else {
			missing = append(missing, id)
		}
	}
	return out, missing
}

// keep stores loaded rows with the revision the index has for them. A row
// loaded after a change the index has not seen yet is kept under the
// older revision: the next sync moves the revision on and the row is
// loaded again.
func (d *directory) keep(ps map[int64]org.Person, ids, revs []int64) {
	d.rowsMu.Lock()
	defer d.rowsMu.Unlock()
	if d.rows == nil {
		d.rows = make(map[int64]cachedPerson)
	}
	for i, id := range ids {
		p, ok := ps[id]
		if !ok {
			continue
		}
		if _, kept := d.rows[id]; !kept && len(d.rows) >= maxCachedPeople {
			for evict := range d.rows { // any one: map order is random
				delete(d.rows, evict)
				break
			}
		}
		d.rows[id] = cachedPerson{rev: revs[i], p: detached(p)}
	}
}

// detached copies what a person shares through pointers, so that a caller
// changing its copy cannot change the kept row.
func detached(p org.Person) org.Person {
	p.Contacts = slices.Clone(p.Contacts)
	if p.SiteID != nil {
		site := *p.SiteID
		p.SiteID = &site
	}
	return p
}

// find returns the ids of one page of matching people, in id order, and
// how many match in all.
// units, when not nil, is indexed by unit id: true for the units whose
// people are wanted.
func (d *directory) find(query string, units []bool, f org.PeopleFilter) (ids, revs []int64, total int) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	start := 0
	if f.AfterID > 0 {
		start = sort.Search(len(d.entries), func(i int) bool { return d.entries[i].id > f.AfterID })
	}
	skip := f.Offset
	if f.AfterID > 0 {
		skip = 0
	}
	if query == "" && units == nil && f.SiteID == 0 && f.Active == nil {
		// The whole directory: the page is a slice of the index.
		from := min(start+skip, len(d.entries))
		to := min(from+f.Limit, len(d.entries))
		for _, e := range d.entries[from:to] {
			ids, revs = append(ids, e.id), append(revs, e.rev)
		}
		return ids, revs, len(d.entries)
	}
	match := func(e *dirEntry) bool {
		return (units == nil || (e.unitID < int64(len(units)) && units[e.unitID])) &&
			(f.SiteID == 0 || e.siteID == f.SiteID) &&
			(f.Active == nil || e.active == *f.Active) &&
			(query == "" || strings.Contains(e.text, query))
	}
	// The total counts every match; the page starts after AfterID.
	for i := range d.entries {
		e := &d.entries[i]
		if !match(e) {
			continue
		}
		total++
		if i < start {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(ids) < f.Limit {
			ids, revs = append(ids, e.id), append(revs, e.rev)
		}
	}
	return ids, revs, total
}

// subtreeUnits returns the ids of a unit and everything below it, as a
// slice indexed by unit id (ids are small and dense, and a slice lookup in
// the directory scan is several times cheaper than a map lookup).
func (db *DB) subtreeUnits(ctx context.Context, unitID int64) ([]bool, error) {
	u, err := db.UnitByID(ctx, unitID)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT id FROM units WHERE path LIKE ? ESCAPE '\\'", likePrefix(u.Path))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var set []bool
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if id >= int64(len(set)) {
			set = append(set, make([]bool, id-int64(len(set))+1)...)
		}
		set[id] = true
	}
	if set == nil {
		set = []bool{}
	}
	return set, rows.Err()
}

// listPeopleIndexed answers ListPeople from the in-memory index and loads
// only the page's rows.
func (db *DB) listPeopleIndexed(ctx context.Context, f org.PeopleFilter) ([]org.Person, int, error) {
	if err := db.dir.sync(ctx, db); err != nil {
		return nil, 0, err
	}
	var units []bool
	if f.UnitID > 0 {
		var err error
		if units, err = db.subtreeUnits(ctx, f.UnitID); err != nil {
			return nil, 0, err
		}
	}
	ids, revs, total := db.dir.find(strings.ToLower(f.Query), units, f)
	byID, missing := db.dir.cached(ids, revs)
	if len(missing) > 0 {
		loaded, err := db.PeopleByIDs(ctx, missing)
		if err != nil {
			return nil, 0, err
		}
		db.dir.keep(loaded, ids, revs)
		maps.Copy(byID, loaded)
	}
	out := make([]org.Person, 0, len(ids))
	for _, id := range ids {
		// A person deleted between the index read and this load is left
		// out of the page.
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, total, nil
}
