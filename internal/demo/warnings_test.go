package demo_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
	"github.com/continuo-bcm/continuo/internal/warning"
)

func TestDemoWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		if _, _, err := demo.Load(context.Background(), e.org, e.ids, e.db); err != nil {
			t.Fatal(err)
		}
		svc := warning.NewService(db, db, e.audit, clock.Real{})
		inds, err := svc.Indicators(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		codes := map[string]warning.Indicator{}
		for _, ind := range inds {
			codes[ind.Code] = ind
		}
		for _, c := range []string{"WH-TEMP-SH", "ORDER-BACKLOG", "WMS-ERR", "TYPHOON-DIST-SH", "RAIN-3H-HZ", "RAIN-6H-HZ", "RIVER-LEVEL-HZ", "TYPHOON-CAP"} {
			ind, ok := codes[c]
			if !ok {
				t.Fatalf("no demo indicator %s", c)
			}
			if ind.Source != warning.SourceCAP && ind.Value == nil {
				t.Errorf("indicator %s has no observation", c)
			}
		}
		if v := codes["RAIN-3H-HZ"].Value; v == nil || *v != 27 {
			t.Errorf("3 h rainfall %v, want 27 mm", v)
		}
		ws, total, err := svc.Warnings(e.sys, warning.Filter{InForce: true})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || ws[0].Level != warning.Yellow || ws[0].IndicatorID == nil || *ws[0].IndicatorID != codes["RAIN-6H-HZ"].ID {
			t.Fatalf("warnings in force: %+v", ws)
		}
		acks, err := svc.Acknowledgements(e.sys, ws[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		acked := 0
		for _, a := range acks {
			if a.Acked {
				acked++
				if a.Ack.Measures == "" || a.Ack.AckedByName == "" {
					t.Errorf("acknowledgement without measures or name: %+v", a.Ack)
				}
			}
		}
		if len(acks) != 4 || acked != 2 {
			t.Fatalf("%d of %d departments acknowledged, want 2 of 4", acked, len(acks))
		}
		doc, err := svc.CAP(e.sys, ws[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := warning.ParseCAP(bytes.NewReader(doc)); err != nil {
			t.Fatalf("demo warning as CAP: %v", err)
		}
	})
}
