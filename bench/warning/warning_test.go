// Package warningbench_test measures early warning: strict parsing of CAP
// and Alertmanager payloads, and the evaluation of an observation
// (stored, aggregated over its window, compared with the thresholds, the
// indicator's state written) on SQLite. Run with
//
//	go test ./bench/warning -bench . -benchtime 2000x
package warningbench_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
	"github.com/continuo-bcm/continuo/internal/warning"
)

func sample(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile("../../internal/warning/testdata/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkParseCAP(b *testing.B) {
	doc := sample(b, "cap_typhoon_orange.xml")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := warning.ParseCAP(bytes.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAlertmanager(b *testing.B) {
	doc := sample(b, "alertmanager_firing.json")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := warning.ParseAlertmanager(bytes.NewReader(doc)); err != nil {
			b.Fatal(err)
		}
	}
}

func f(x float64) *float64 { return &x }

// BenchmarkObserveSQLite records one rainfall observation a minute on an
// indicator that sums a 3 h window: each evaluation reads about 180
// observations. Values go up and down across the thresholds, so that
// warnings are raised and lifted along the way.
func BenchmarkObserveSQLite(b *testing.B) {
	db := storetest.New(b, store.SQLite)
	clk := clock.NewFake(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	sys := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	u, err := org.NewService(db, db, a, clk).CreateUnit(sys, org.Unit{Kind: org.KindGroup, Name: "杭州枢纽"})
	if err != nil {
		b.Fatal(err)
	}
	svc := warning.NewService(db, db, a, clk)
	ind, err := svc.SaveIndicator(sys, warning.Indicator{Code: "RAIN-3H", Name: "3小时降雨量", OwnerUnitID: u.ID, Active: true,
		Direction: warning.HigherIsWorse, Aggregation: warning.AggSum, WindowMinutes: 180,
		Thresholds: warning.Thresholds{Orange: f(50), Red: f(100)}})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		clk.Advance(time.Minute)
		v := 0.1
		if (i/300)%2 == 1 {
			v = 0.5 // 90 mm in 3 h: orange
		}
		i++
		if _, _, err := svc.Observe(sys, warning.Observation{IndicatorID: ind.ID, Value: v}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "observations/s")
}
