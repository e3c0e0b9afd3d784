package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/continuo-bcm/continuo/internal/tx"
)

// TestAfterCommit checks that hooks run once the outermost transaction
// commits, in order, never for a rolled-back one, and at once outside a
// transaction; and that a hook sees the committed rows from another handle.
func TestAfterCommit(t *testing.T) {
	for _, e := range engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db, other := openPair(t, e)
			var got []string
			count := func() int {
				var n int
				if err := other.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM sites").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			err := db.InTx(ctx, func(ctx context.Context) error {
				if _, err := db.exec(ctx, "INSERT INTO sites (name, name_en, created_at, updated_at) VALUES ('一', 'One', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"); err != nil {
					return err
				}
				tx.AfterCommit(ctx, func() { got = append(got, "outer") })
				return db.InTx(ctx, func(ctx context.Context) error {
					tx.AfterCommit(ctx, func() {
						got = append(got, "inner")
						if n := count(); n != 1 {
							t.Errorf("hook ran before the rows were visible: %d sites", n)
						}
					})
					if len(got) != 0 {
						t.Errorf("hooks ran inside the transaction: %v", got)
					}
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, []string{"outer", "inner"}) {
				t.Fatalf("hooks after commit = %v", got)
			}

			got = nil
			boom := errors.New("boom")
			err = db.InTx(ctx, func(ctx context.Context) error {
				tx.AfterCommit(ctx, func() { got = append(got, "rolled back") })
				return boom
			})
			if !errors.Is(err, boom) || len(got) != 0 {
				t.Fatalf("rollback: err %v, hooks %v", err, got)
			}

			tx.AfterCommit(ctx, func() { got = append(got, "now") })
			if !slices.Equal(got, []string{"now"}) {
				t.Fatalf("outside a transaction: %v", got)
			}
		})
	}
}
