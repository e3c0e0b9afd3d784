package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/org"
)

// TestSearchIndexMatchesScan changes a directory at random and checks,
// after every change, that searches through the trigram index (with the
// stale ids since it was built) find exactly what a scan of every entry
// finds, for queries of every length, filters and pages.
func TestSearchIndexMatchesScan(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	// A small alphabet, so that queries match often and trigrams repeat.
	words := []string{"王", "伟", "李", "娜", "wang", "wei", "li", "+86 13", "9", "0", "@x.example", "e00", "职员"}
	text := func() string {
		var parts []string
		for range 1 + r.IntN(4) {
			var b strings.Builder
			for range 1 + r.IntN(4) {
				b.WriteString(words[r.IntN(len(words))])
			}
			parts = append(parts, b.String())
		}
		return strings.Join(parts, string(fieldSep))
	}
	entry := func(id int64, rev int64) dirEntry {
		return dirEntry{id: id, unitID: 1 + r.Int64N(3), siteID: r.Int64N(2), active: r.IntN(4) > 0, rev: rev, text: text()}
	}
	indexed := &directory{loaded: true, minIndexed: 1, maxStale: 8, syncBuild: true}
	scanned := &directory{loaded: true}
	var initial []dirChange
	for id := int64(1); id <= 300; id++ {
		initial = append(initial, dirChange{rev: id, entry: entry(id*2, id)})
	}
	indexed.load(slices.Clone(initial))
	scanned.load(slices.Clone(initial))
	indexed.requestSearchIndex()
	if indexed.grams == nil {
		t.Fatal("no search index was built")
	}
	queries := []string{"", "王", "王伟", "伟李", "wang", "ngw", "wei+86", "13", "+86 139", "0@x", "e009", "职员王", "a", "example", "zzz", "娜" + string(fieldSep)}
	yes := true
	rev := int64(300)
	nextID := int64(601)
	for step := range 400 {
		rev++
		var c dirChange
		switch op := r.IntN(3); op {
		case 0: // a new person, sometimes with a free lower id
			id := nextID
			nextID += 1 + r.Int64N(3)
			if r.IntN(4) == 0 {
				id = 2*r.Int64N(300) + 1 // odd ids are free until used
			}
			c = dirChange{rev: rev, entry: entry(id, rev)}
		case 1: // a changed person
			e := scanned.entries[r.IntN(len(scanned.entries))]
			c = dirChange{rev: rev, entry: entry(e.id, rev)}
		default: // a deleted one
			e := scanned.entries[r.IntN(len(scanned.entries))]
			c = dirChange{rev: rev, entry: dirEntry{id: e.id}, deleted: true}
		}
		indexed.apply([]dirChange{c})
		scanned.apply([]dirChange{c})
		indexed.rev, scanned.rev = rev, rev
		for _, q := range queries {
			for _, f := range []org.PeopleFilter{
				{Limit: 500},
				{Limit: 5, Offset: 3},
				{Limit: 4, AfterID: 300},
				{Limit: 50, SiteID: 1, Active: &yes},
			} {
				units := []bool(nil)
				if step%2 == 0 {
					units = []bool{false, true, false, true}
				}
				want, wantN := naiveFind(scanned.entries, q, units, f)
				for name, d := range map[string]*directory{"index": indexed, "scan": scanned} {
					got, gotN := d.find(q, units, f)
					if gotN != wantN || !slices.Equal(got, want) {
						t.Fatalf("step %d, %q %+v: %s %v (%d), want %v (%d); %d stale", step, q, f, name, pageIDs(got), gotN, pageIDs(want), wantN, len(indexed.stale))
					}
				}
			}
		}
	}
	if indexed.grams.rev == 300 {
		t.Error("the search index was never built again")
	}
}

// naiveFind is what directory.find answers, the plain way: every entry
// checked, the total counted, then the page cut.
func naiveFind(entries []dirEntry, q string, units []bool, f org.PeopleFilter) ([]dirEntry, int) {
	var all []dirEntry
	for _, e := range entries {
		if (units == nil || (e.unitID < int64(len(units)) && units[e.unitID])) && (f.SiteID == 0 || e.siteID == f.SiteID) &&
			(f.Active == nil || e.active == *f.Active) && strings.Contains(e.text, q) {
			all = append(all, e)
		}
	}
	page := all
	if f.AfterID > 0 {
		page = slices.DeleteFunc(slices.Clone(all), func(e dirEntry) bool { return e.id <= f.AfterID })
	} else {
		page = page[min(f.Offset, len(page)):]
	}
	return page[:min(f.Limit, len(page))], len(all)
}

func pageIDs(page []dirEntry) []int64 {
	ids := make([]int64, len(page))
	for i, e := range page {
		ids[i] = e.id
	}
	return ids
}

// TestSearchIndexCandidates checks that the candidates of a query hold
// every text containing it, and far fewer than all.
func TestSearchIndexCandidates(t *testing.T) {
	var entries []dirEntry
	for i := range 5000 {
		entries = append(entries, dirEntry{id: int64(i + 1), text: fmt.Sprintf("person %d%se%06d%s+86 139 %04d %04d", i, string(fieldSep), i, string(fieldSep), i/100, i%100)})
	}
	g := buildGrams(entries, 1)
	for _, q := range []string{"e001234", "person 42", "139 0012", "e004999"} {
		cands, ok := g.candidates(q, len(entries))
		if !ok {
			t.Fatalf("%q: the index did not answer", q)
		}
		var want []uint32
		for _, e := range entries {
			if strings.Contains(e.text, q) {
				want = append(want, uint32(e.id))
			}
		}
		for _, id := range want {
			if _, found := slices.BinarySearch(cands, id); !found {
				t.Errorf("%q: %d contains it but is not a candidate", q, id)
			}
		}
		if len(cands) > 20*max(len(want), 10) {
			t.Errorf("%q: %d candidates for %d matches", q, len(cands), len(want))
		}
	}
	if _, ok := g.candidates("e0", len(entries)); ok {
		t.Error("a query shorter than a trigram was answered by the index")
	}
	if buildGrams([]dirEntry{{id: 1 << 33, text: "abc"}}, 1) != nil {
		t.Error("an id beyond 32 bits was indexed")
	}
}
