package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/continuo-bcm/continuo/internal/org"
)

// directory is an in-memory copy of the people directory: every person's
// row, packed into one string, with the unit, site, active flag and the
// lower-cased search text beside it. A page of the people list is then
// answered without SQL: filtering 100,000 people in the database cost
// milliseconds per request (page and count), and loading the page's rows
// a few hundred microseconds more.
//
// It stays current across processes sharing one database: every change to
// people bumps directory_rev in the same transaction and stamps the row (or
// a tombstone) with the new revision. Before answering, the directory reads
// the current revision and, when it moved, loads only the rows stamped after
// the revision it has. Writers serialise on the directory_rev row, so
// revisions become visible in order and none is skipped.
//
// Searches use a trigram index (dirsearch.go), built in the background on
// the first search of a large directory. Changes after it was built are
// kept as stale ids, which searches check one by one, until there are
// enough of them to build it again.
type directory struct {
	mu      sync.RWMutex
	loaded  bool
	rev     int64
	entries []dirEntry    // sorted by id
	perUnit map[int64]int // people per unit id

	grams          *gramIndex
	stale          map[int64]int64 // id → revision of changes the index has not seen
	building       bool
	gramsRequested atomic.Bool
	builds         sync.WaitGroup
	built          atomic.Int64 // search indexes put in place
	// Tests lower these and build in the foreground.
	minIndexed, maxStale int
	syncBuild            bool
}

type dirEntry struct {
	id, unitID, siteID int64
	rev                int64
	active             bool
	text               string // lower-cased search text
	row                string // the other fields, packed by packRow
}

// bumpDirectory advances the directory revision inside the transaction in
// ctx and returns the new revision to stamp on the changed row.
func (db *DB) bumpDirectory(ctx context.Context) (int64, error) {
	forgetRevisions(ctx)
	var rev int64
	err := db.w(ctx).QueryRowContext(ctx, db.rebind("UPDATE directory_rev SET rev = rev + 1 WHERE id = 1 RETURNING rev")).Scan(&rev)
	return rev, mapErr(err)
}

// sync brings the index up to the database's current revision.
func (d *directory) sync(ctx context.Context, db *DB) error {
	rev, _, err := db.revisions(ctx)
	if err != nil {
		return err
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
	var changes []dirChange
	cols := dirCols
	if db.engine == SQLite {
		cols = dirColsText
	}
	rows, err := db.read.QueryContext(ctx, db.rebind("SELECT "+cols+" FROM people WHERE rev > ?"), since)
	if err != nil {
		return mapErr(err)
	}
	for rows.Next() {
		c, err := scanDirRow(rows, db.engine)
		if err != nil {
			rows.Close()
			return err
		}
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
			c := dirChange{deleted: true}
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
		d.load(changes)
	} else {
		d.apply(changes)
	}
	d.rev = rev
	d.loaded = true
	return nil
}

// dirChange is a row read from people (a new or changed person) or from
// people_tombstones (deleted).
type dirChange struct {
	rev     int64
	entry   dirEntry
	deleted bool
}

// load replaces the index with every live row, in one sort.
func (d *directory) load(changes []dirChange) {
	d.entries = make([]dirEntry, 0, len(changes))
	d.perUnit = make(map[int64]int)
	for _, c := range changes {
		d.entries = append(d.entries, c.entry)
		d.perUnit[c.entry.unitID]++
	}
	slices.SortFunc(d.entries, func(a, b dirEntry) int { return cmpInt(a.id, b.id) })
	d.grams, d.stale = nil, nil
}

// apply brings changes into the index, in revision order: a row deleted
// and an id used again later end in the right state.
func (d *directory) apply(changes []dirChange) {
	slices.SortStableFunc(changes, func(a, b dirChange) int { return cmpInt(a.rev, b.rev) })
	for _, c := range changes {
		i, found := slices.BinarySearchFunc(d.entries, c.entry.id, byEntryID)
		if found {
			d.perUnit[d.entries[i].unitID]--
		}
		switch {
		case c.deleted && found:
			d.entries = slices.Delete(d.entries, i, i+1)
		case !c.deleted && found:
			d.entries[i] = c.entry
		case !c.deleted:
			d.entries = slices.Insert(d.entries, i, c.entry)
		}
		if !c.deleted {
			d.perUnit[c.entry.unitID]++
		}
		if d.grams != nil || d.building {
			if d.stale == nil {
				d.stale = make(map[int64]int64)
			}
			d.stale[c.entry.id] = c.rev
		}
	}
	if d.grams != nil && !d.building && len(d.stale) > d.staleLimit() {
		d.startBuild()
	}
}

func byEntryID(e dirEntry, id int64) int { return cmpInt(e.id, id) }

// staleLimit is how many changed people searches check one by one before
// the search index is built again: a few hundred, at most a fraction of a
// percent of the directory.
func (d *directory) staleLimit() int {
	if d.maxStale > 0 {
		return d.maxStale
	}
	return max(64, min(1024, len(d.entries)/128))
}

// requestSearchIndex starts building the search index on the first
// search of a directory large enough to need one; smaller ones are
// scanned in a few tens of microseconds.
func (d *directory) requestSearchIndex() {
	if d.gramsRequested.Load() {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	minimum := d.minIndexed
	if minimum == 0 {
		minimum = 2000
	}
	if d.gramsRequested.Load() || len(d.entries) < minimum {
		return
	}
	d.gramsRequested.Store(true)
	d.startBuild()
}

// startBuild builds the search index from a copy of the entries, in the
// background (the caller holds d.mu). Searches use the old index, or
// scan, until the new one is in place.
func (d *directory) startBuild() {
	d.building = true
	entries, rev := slices.Clone(d.entries), d.rev
	if d.syncBuild {
		d.install(buildGrams(entries, rev))
		return
	}
	d.builds.Add(1)
	go func() {
		defer d.builds.Done()
		g := buildGrams(entries, rev)
		d.mu.Lock()
		defer d.mu.Unlock()
		d.install(g)
	}()
}

// install puts a newly built index in place; the caller holds d.mu. The
// changes it was built with are no longer stale; those applied since are.
func (d *directory) install(g *gramIndex) {
	d.building = false
	if g == nil {
		return // ids too large for the index: searches keep scanning
	}
	d.grams = g
	d.built.Add(1)
	for id, rev := range d.stale {
		if rev <= g.rev {
			delete(d.stale, id)
		}
	}
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

// find returns one page of matching people, in id order, and how many
// match in all. units, when not nil, is indexed by unit id: true for the
// units whose people are wanted.
func (d *directory) find(query string, units []bool, f org.PeopleFilter) (page []dirEntry, total int) {
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
		return slices.Clone(d.entries[from:to]), len(d.entries)
	}
	if query == "" && f.SiteID == 0 && f.Active == nil {
		// Units only: the total is the sum of the units' counts, and the
		// page needs a scan only until it is full.
		for id, n := range d.perUnit {
			if id < int64(len(units)) && units[id] {
				total += n
			}
		}
		for i := start; i < len(d.entries) && len(page) < f.Limit; i++ {
			if e := &d.entries[i]; e.unitID < int64(len(units)) && units[e.unitID] {
				if skip > 0 {
					skip--
				} else {
					page = append(page, *e)
				}
			}
		}
		return page, total
	}
	match := func(e *dirEntry) bool {
		return (units == nil || (e.unitID < int64(len(units)) && units[e.unitID])) &&
			(f.SiteID == 0 || e.siteID == f.SiteID) &&
			(f.Active == nil || e.active == *f.Active) &&
			(query == "" || strings.Contains(e.text, query))
	}
	// The total counts every match; the page starts after AfterID.
	take := func(i int) {
		total++
		if i < start {
			return
		}
		if skip > 0 {
			skip--
			return
		}
		if len(page) < f.Limit {
			page = append(page, d.entries[i])
		}
	}
	if found, ok := d.search(query, match); ok {
		for _, i := range found {
			take(i)
		}
		return page, total
	}
	for i := range d.entries {
		if match(&d.entries[i]) {
			take(i)
		}
	}
	return page, total
}

// search returns, ascending, the positions of the entries that match,
// found through the search index; ok is false when the index cannot
// answer and the entries must be scanned. The caller holds d.mu.
func (d *directory) search(query string, match func(*dirEntry) bool) (found []int, ok bool) {
	if d.grams == nil || query == "" || strings.IndexByte(query, fieldSep) >= 0 {
		return nil, false
	}
	cands, ok := d.grams.candidates(query, len(d.entries)/8)
	if !ok {
		return nil, false
	}
	from := 0
	for _, c := range cands {
		id := int64(c)
		if _, changed := d.stale[id]; changed {
			continue
		}
		i, exists := slices.BinarySearchFunc(d.entries[from:], id, byEntryID)
		from += i
		if exists && match(&d.entries[from]) {
			found = append(found, from)
		}
	}
	if len(d.stale) > 0 {
		indexed := len(found)
		for id := range d.stale {
			if i, exists := slices.BinarySearchFunc(d.entries, id, byEntryID); exists && match(&d.entries[i]) {
				found = append(found, i)
			}
		}
		if len(found) > indexed {
			slices.Sort(found)
		}
	}
	return found, true
}

// subtreeUnits returns the ids of a unit and everything below it, as a
// slice indexed by unit id (ids are small and dense, and a slice lookup in
// the directory scan is several times cheaper than a map lookup).
// The sets are kept per unit while the unit tree's revision (the
// authentication revision, which every change to the tree moves) stays;
// callers must not change them.
func (db *DB) subtreeUnits(ctx context.Context, unitID int64) ([]bool, error) {
	_, inTx := ctx.Value(txKey{}).(*sql.Tx)
	var rev int64
	if !inTx {
		var err error
		if _, rev, err = db.revisions(ctx); err != nil {
			return nil, err
		}
		if set, ok := db.subtrees.get(unitID, rev); ok {
			return set, nil
		}
	}
	set, err := db.loadSubtree(ctx, unitID)
	if err == nil && !inTx {
		db.subtrees.put(unitID, rev, set)
	}
	return set, err
}

func (db *DB) loadSubtree(ctx context.Context, unitID int64) ([]bool, error) {
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

// subtreeCache keeps unit subtree sets read at one revision of the tree.
type subtreeCache struct {
	mu   sync.Mutex
	rev  int64
	sets map[int64][]bool
}

func (c *subtreeCache) get(unitID, rev int64) ([]bool, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	set, ok := c.sets[unitID]
	return set, ok && c.rev == rev
}

func (c *subtreeCache) put(unitID, rev int64, set []bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rev < c.rev {
		return
	}
	if rev > c.rev || c.sets == nil {
		c.rev, c.sets = rev, make(map[int64][]bool)
	}
	c.sets[unitID] = set
}

// DirectoryStats describes the in-memory people directory, for /metrics.
type DirectoryStats struct {
	People       int   // people held; 0 until the first people list loads them
	Indexed      bool  // searches go through the trigram index
	Stale        int   // changes searches check one by one until the next build
	IndexBuilds  int64 // trigram indexes built since start
	IndexedBytes int   // the index's size
}

// DirectoryStats returns the state of the in-memory people directory.
func (db *DB) DirectoryStats() DirectoryStats {
	d := &db.dir
	d.mu.RLock()
	defer d.mu.RUnlock()
	s := DirectoryStats{People: len(d.entries), Indexed: d.grams != nil, Stale: len(d.stale), IndexBuilds: d.built.Load()}
	if d.grams != nil {
		s.IndexedBytes = len(d.grams.data) + 4*len(d.grams.off) + 4*len(d.grams.n)
	}
	return s
}

// listPeopleIndexed answers ListPeople from the in-memory directory.
func (db *DB) listPeopleIndexed(ctx context.Context, f org.PeopleFilter) ([]org.Person, int, error) {
	if err := db.dir.sync(ctx, db); err != nil {
		return nil, 0, err
	}
	if f.Query != "" {
		db.dir.requestSearchIndex()
	}
	var units []bool
	if f.UnitID > 0 {
		var err error
		if units, err = db.subtreeUnits(ctx, f.UnitID); err != nil {
			return nil, 0, err
		}
	}
	page, total := db.dir.find(strings.ToLower(f.Query), units, f)
	out := make([]org.Person, len(page))
	for i := range page {
		var err error
		if out[i], err = page[i].person(); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// dirCols are the columns the directory loads, scanned by scanDirRow;
// dirColsText reads the timestamps as text, which parseStoredTime parses
// several times faster than the SQLite driver does.
const (
	dirCols     = "id, employee_no, name, name_en, title, title_en, unit_id, COALESCE(site_id, 0), active, contacts, created_at, updated_at, search, rev"
	dirColsText = "id, employee_no, name, name_en, title, title_en, unit_id, COALESCE(site_id, 0), active, contacts, " +
		"CAST(created_at AS TEXT), CAST(updated_at AS TEXT), search, rev"
)

func scanDirRow(rows *sql.Rows, engine Engine) (dirChange, error) {
	var c dirChange
	e := &c.entry
	var no, name, nameEn, title, titleEn, contacts string
	var created, updated time.Time
	var err error
	if engine == SQLite {
		var createdText, updatedText string
		if err = rows.Scan(&e.id, &no, &name, &nameEn, &title, &titleEn, &e.unitID, &e.siteID, &e.active, &contacts,
			&createdText, &updatedText, &e.text, &c.rev); err != nil {
			return c, err
		}
		if created, err = parseStoredTime(createdText); err != nil {
			return c, fmt.Errorf("person %d: created_at: %w", e.id, err)
		}
		if updated, err = parseStoredTime(updatedText); err != nil {
			return c, fmt.Errorf("person %d: updated_at: %w", e.id, err)
		}
	} else if err = rows.Scan(&e.id, &no, &name, &nameEn, &title, &titleEn, &e.unitID, &e.siteID, &e.active, &contacts,
		&created, &updated, &e.text, &c.rev); err != nil {
		return c, err
	}
	if _, err := parseContactsText(contacts); err != nil {
		return c, fmt.Errorf("person %d: stored contact methods: %w", e.id, err)
	}
	e.rev = c.rev
	e.row = packRow(no, name, nameEn, title, titleEn, contacts, created, updated)
	return c, nil
}

// packRow packs a person's text fields, each with its length, and
// timestamps into one string: one allocation per person instead of eight.
func packRow(no, name, nameEn, title, titleEn, contacts string, created, updated time.Time) string {
	fields := [...]string{no, name, nameEn, title, titleEn, contacts}
	n := 2 * binary.MaxVarintLen64
	for _, f := range fields {
		n += binary.MaxVarintLen64 + len(f)
	}
	b := make([]byte, 0, n)
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	b = binary.AppendVarint(b, created.UnixNano())
	b = binary.AppendVarint(b, updated.UnixNano())
	return string(b)
}

// person unpacks the entry into a person. Its strings share the entry's
// memory (strings are immutable); the contact methods are a new slice.
func (e *dirEntry) person() (org.Person, error) {
	s := e.row
	var fields [6]string
	for i := range fields {
		n, k := uvarintString(s)
		if k <= 0 || uint64(len(s)-k) < n {
			return org.Person{}, fmt.Errorf("person %d: corrupt directory row", e.id)
		}
		fields[i], s = s[k:k+int(n)], s[k+int(n):]
	}
	created, k1 := varintString(s)
	if k1 <= 0 {
		return org.Person{}, fmt.Errorf("person %d: corrupt directory row", e.id)
	}
	updated, k2 := varintString(s[k1:])
	if k2 <= 0 {
		return org.Person{}, fmt.Errorf("person %d: corrupt directory row", e.id)
	}
	contacts, err := parseContactsText(fields[5])
	if err != nil {
		return org.Person{}, fmt.Errorf("person %d: stored contact methods: %w", e.id, err)
	}
	p := org.Person{ID: e.id, EmployeeNo: fields[0], Name: fields[1], NameEn: fields[2], Title: fields[3], TitleEn: fields[4],
		UnitID: e.unitID, Active: e.active, Contacts: contacts,
		CreatedAt: time.Unix(0, created).UTC(), UpdatedAt: time.Unix(0, updated).UTC()}
	if e.siteID != 0 {
		site := e.siteID
		p.SiteID = &site
	}
	return p, nil
}

// uvarintString reads a value written by binary.AppendUvarint from the
// start of s, returning it and its length (0 when s ends too early or the
// value overflows).
func uvarintString(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			if i == binary.MaxVarintLen64-1 && b > 1 {
				return 0, 0
			}
			return x | uint64(b)<<shift, i + 1
		}
		x |= uint64(b&0x7f) << shift
		shift += 7
	}
	return 0, 0
}

// varintString reads a value written by binary.AppendVarint.
func varintString(s string) (int64, int) {
	ux, n := uvarintString(s)
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x, n
}
