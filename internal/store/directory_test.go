package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/org"
)

// openPair opens two handles on one fresh database, as two server
// processes would.
func openPair(t *testing.T, e Engine) (*DB, *DB) {
	t.Helper()
	ctx := context.Background()
	var dsn string
	if e == SQLite {
		dsn = filepath.Join(t.TempDir(), "dir.db")
	} else {
		admin := os.Getenv("CONTINUO_TEST_POSTGRES")
		a, err := Open(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("continuo_dir_%d", time.Now().UnixNano())
		if _, err := a.write.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = a.write.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); a.Close() })
		dsn = replaceDB(admin, name)
	}
	one, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := one.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	two, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { one.Close(); two.Close() })
	return one, two
}

func replaceDB(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func engines() []Engine {
	if os.Getenv("CONTINUO_TEST_POSTGRES") != "" {
		return []Engine{SQLite, Postgres}
	}
	return []Engine{SQLite}
}

// TestDirectoryIndexMatchesSQL changes people at random through one handle
// and checks, after every step, that the other handle's in-memory index
// answers every kind of filter exactly as the SQL query does.
func TestDirectoryIndexMatchesSQL(t *testing.T) {
	for _, e := range engines() {
		t.Run(string(e), func(t *testing.T) {
			writer, reader := openPair(t, e)
			// The reader searches through the trigram index from the first
			// person on, and builds it again after every few changes.
			reader.dir.minIndexed, reader.dir.maxStale, reader.dir.syncBuild = 1, 4, true
			ctx := context.Background()
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			var units []int64
			for i := range 4 {
				u := org.Unit{Kind: org.KindDepartment, Name: fmt.Sprint("u", i), CreatedAt: now, UpdatedAt: now}
				if i > 0 {
					u.ParentID = &units[(i-1)/2]
				}
				if err := writer.CreateUnit(ctx, &u); err != nil {
					t.Fatal(err)
				}
				units = append(units, u.ID)
			}
			site := org.Site{Name: "s", CreatedAt: now, UpdatedAt: now}
			if err := writer.CreateSite(ctx, &site); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			names := []string{"王伟", "李娜", "张伟", "Wang Wei", "陈静", "周杰"}
			var live []int64
			check := func(step int) {
				yes, no := true, false
				filters := []org.PeopleFilter{
					{Limit: 7},
					{Limit: 5, Offset: 3},
					{Limit: 50, Query: "伟"},
					{Limit: 50, Query: "WANG"},
					{Limit: 3, Query: "13"},
					{Limit: 50, Query: "+86 135"},
					{Limit: 2, Offset: 1, Query: "王伟"},
					{Limit: 50, Query: "wei", Active: &yes},
					{Limit: 50, UnitID: units[1]},
					{Limit: 50, UnitID: units[2], Query: "李"},
					{Limit: 50, SiteID: site.ID},
					{Limit: 50, Active: &yes},
					{Limit: 50, Active: &no},
				}
				if len(live) > 2 {
					filters = append(filters, org.PeopleFilter{Limit: 4, AfterID: live[len(live)/2]})
				}
				for _, f := range filters {
					want, wantN, err := reader.listPeopleSQL(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					got, gotN, err := reader.listPeopleIndexed(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if gotN != wantN || !slices.Equal(ids(got), ids(want)) {
						t.Fatalf("step %d filter %+v: index %v (%d), SQL %v (%d)", step, f, ids(got), gotN, ids(want), wantN)
					}
					// The rows too: a kept row must never outlive a change.
					if len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
						t.Fatalf("step %d filter %+v: rows differ:\n index %+v\n   SQL %+v", step, f, got, want)
					}
				}
			}
			for step := range 120 {
				switch op := r.IntN(10); {
				case op < 5 || len(live) == 0:
					p := org.Person{Name: names[r.IntN(len(names))], UnitID: units[r.IntN(len(units))], Active: r.IntN(4) > 0, CreatedAt: now, UpdatedAt: now,
						Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: fmt.Sprintf("+86 13%d", r.IntN(1000))}}}
					if r.IntN(2) == 0 {
						p.SiteID = &site.ID
					}
					if err := writer.CreatePerson(ctx, &p); err != nil {
						t.Fatal(err)
					}
					live = append(live, p.ID)
				case op < 8:
					id := live[r.IntN(len(live))]
					p, err := writer.PersonByID(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					p.Name = names[r.IntN(len(names))]
					p.UnitID = units[r.IntN(len(units))]
					p.Active = !p.Active
					if err := writer.UpdatePerson(ctx, &p); err != nil {
						t.Fatal(err)
					}
				default:
					i := r.IntN(len(live))
					if err := writer.DeletePerson(ctx, live[i]); err != nil {
						t.Fatal(err)
					}
					live = slices.Delete(live, i, i+1)
				}
				if step%3 == 0 {
					check(step)
				}
			}
			check(-1)
		})
	}
}

func ids(ps []org.Person) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// TestSubtreesAndRevisionsFollowChanges: the unit subtrees the people list
// keeps follow a unit created by another process, and a request that
// changes people sees its own change although it read the revisions
// before.
func TestSubtreesAndRevisionsFollowChanges(t *testing.T) {
	for _, e := range engines() {
		t.Run(string(e), func(t *testing.T) {
			writer, reader := openPair(t, e)
			bg := context.Background()
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			root := org.Unit{Kind: org.KindGroup, Name: "g", CreatedAt: now, UpdatedAt: now}
			if err := writer.CreateUnit(bg, &root); err != nil {
				t.Fatal(err)
			}
			person := func(db *DB, ctx context.Context, unit int64) int64 {
				p := org.Person{Name: "周杰", UnitID: unit, Active: true, CreatedAt: now, UpdatedAt: now, Contacts: []org.ContactMethod{}}
				if err := db.CreatePerson(ctx, &p); err != nil {
					t.Fatal(err)
				}
				return p.ID
			}
			person(writer, bg, root.ID)
			list := func(ctx context.Context) []int64 {
				got, _, err := reader.listPeopleIndexed(ctx, org.PeopleFilter{Limit: 50, UnitID: root.ID})
				if err != nil {
					t.Fatal(err)
				}
				return ids(got)
			}
			if got := list(bg); len(got) != 1 {
				t.Fatalf("before: %v", got)
			}
			child := org.Unit{Kind: org.KindDepartment, Name: "d", ParentID: &root.ID, CreatedAt: now, UpdatedAt: now}
			if err := writer.CreateUnit(bg, &child); err != nil {
				t.Fatal(err)
			}
			id := person(writer, bg, child.ID)
			if got := list(bg); !slices.Contains(got, id) {
				t.Fatalf("a person in a new sub-unit is missing: %v", got)
			}

			req := WithRevisionMemo(bg)
			before := list(req)
			mine := person(reader, req, child.ID)
			if got := list(req); len(got) != len(before)+1 || !slices.Contains(got, mine) {
				t.Fatalf("the request does not see its own change: %v, then %v", before, got)
			}
		})
	}
}
