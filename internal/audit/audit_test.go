package audit_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// raw opens a second connection that bypasses the application, as someone
// with direct database access would.
func raw(t *testing.T, e store.Engine, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if e == store.Postgres {
		driver = "pgx"
	}
	r, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func setup(t *testing.T, e store.Engine) (*audit.Log, *sql.DB, context.Context) {
	dsn := storetest.DSN(t, e)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 5, 4, 8, 30, 0, 0, time.UTC))
	log := audit.NewLog(db, db, clk)
	ctx := authz.WithPrincipal(context.Background(), authz.Principal{UserID: 7, Name: "王主任", Grants: []authz.Grant{{Role: authz.Auditor, UnitID: 1, UnitPath: "/1/"}}})
	for i := range 5 {
		if err := log.Record(ctx, "team.update", "team", i, map[string]any{"name": "旧"}, map[string]any{"name": "新"}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	return log, raw(t, e, dsn), ctx
}

func TestChainIntact(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			log, _, ctx := setup(t, e)
			r, err := log.Verify(ctx)
			if err != nil || !r.OK() || r.Checked != 5 {
				t.Fatalf("verify: %+v %v", r, err)
			}
			entries, err := log.List(ctx, audit.Filter{Entity: "team", EntityID: "3"})
			if err != nil || len(entries) != 1 || entries[0].Actor != "王主任" || !strings.Contains(string(entries[0].After), "新") {
				t.Fatalf("list: %+v %v", entries, err)
			}
		})
	}
}

func TestDatabaseRefusesChanges(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			_, r, _ := setup(t, e)
			if _, err := r.Exec("UPDATE audit_log SET actor = 'x' WHERE id = 2"); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("update allowed: %v", err)
			}
			if _, err := r.Exec("DELETE FROM audit_log WHERE id = 2"); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("delete allowed: %v", err)
			}
		})
	}
}

func disableTriggers(t *testing.T, e store.Engine, r *sql.DB) {
	t.Helper()
	stmts := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	if e == store.Postgres {
		stmts = []string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"}
	}
	for _, s := range stmts {
		if _, err := r.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name   string
		sql    string
		entry  int64
		reason string
	}{
		{"changed content", "UPDATE audit_log SET after_json = '{\"name\":\"假\"}' WHERE id = 3", 3, "changed"},
		{"changed actor", "UPDATE audit_log SET actor = 'someone else' WHERE id = 2", 2, "changed"},
		{"deleted entry", "DELETE FROM audit_log WHERE id = 4", 5, "missing"},
		{"rewritten hash", "UPDATE audit_log SET hash = 'abc' WHERE id = 1", 2, "broken"},
	}
	for _, e := range storetest.Engines() {
		for _, c := range cases {
			t.Run(string(e)+"/"+c.name, func(t *testing.T) {
				log, r, ctx := setup(t, e)
				disableTriggers(t, e, r)
				if _, err := r.Exec(c.sql); err != nil {
					t.Fatal(err)
				}
				rep, err := log.Verify(ctx)
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, p := range rep.Problems {
					if p.EntryID == c.entry && strings.Contains(p.Reason, c.reason) {
						found = true
					}
				}
				if rep.OK() || !found {
					t.Fatalf("want a problem at entry %d (%s), got %+v", c.entry, c.reason, rep.Problems)
				}
			})
		}
	}
}

func TestListNeedsAuditRead(t *testing.T) {
	log, _, _ := setup(t, store.SQLite)
	viewer := authz.WithPrincipal(context.Background(), authz.Principal{UserID: 8, Grants: []authz.Grant{{Role: authz.Viewer, UnitID: 1, UnitPath: "/1/"}}})
	if _, err := log.List(viewer, audit.Filter{}); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("viewer reading the audit log: %v", err)
	}
}

// Concurrent writers must still form one chain.
func TestConcurrentRecordsFormOneChain(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			log, _, ctx := setup(t, e)
			errc := make(chan error, 40)
			for i := range 40 {
				go func() { errc <- log.Record(ctx, "person.update", "person", i, nil, map[string]int{"i": i}) }()
			}
			for range 40 {
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
			}
			r, err := log.Verify(ctx)
			if err != nil || !r.OK() || r.Checked != 45 {
				t.Fatalf("verify after concurrent writes: %+v %v", r, err)
			}
		})
	}
}
