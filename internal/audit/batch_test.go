package audit_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// TestRecordManyExtendsTheChain records a batch larger than one insert
// statement between single records and checks that every change has its
// own entry, in order, and that the chain still verifies.
func TestRecordManyExtendsTheChain(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			log, _, ctx := setup(t, e) // 5 entries
			var changes []audit.Change
			for i := range 205 {
				var before any
				if i%2 == 1 {
					before = map[string]any{"title": fmt.Sprint("旧 ", i)}
				}
				changes = append(changes, audit.Change{Action: "risk.import", Entity: "risk", EntityID: 1000 + i, Before: before,
					After: map[string]any{"title": fmt.Sprint("风险 ", i)}})
			}
			if err := log.RecordMany(ctx, changes); err != nil {
				t.Fatal(err)
			}
			if err := log.RecordMany(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if err := log.Record(ctx, "team.update", "team", 9, nil, map[string]any{"name": "后"}); err != nil {
				t.Fatal(err)
			}
			r, err := log.Verify(ctx)
			if err != nil || !r.OK() || r.Checked != 5+205+1 {
				t.Fatalf("verify: %+v %v", r, err)
			}
			for _, i := range []int{0, 1, 204} {
				es, err := log.List(ctx, audit.Filter{Entity: "risk", EntityID: fmt.Sprint(1000 + i)})
				if err != nil || len(es) != 1 {
					t.Fatalf("entries of risk %d: %+v %v", 1000+i, es, err)
				}
				x := es[0]
				if x.Action != "risk.import" || x.Actor != "王主任" || x.ActorID != 7 || !strings.Contains(string(x.After), fmt.Sprint("风险 ", i)) ||
					(i%2 == 1) != (x.Before != nil) || x.ID != int64(6+i) {
					t.Errorf("entry of risk %d: %+v", 1000+i, x)
				}
			}
		})
	}
}
