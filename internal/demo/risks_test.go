package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

func TestDemoRiskRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		if _, _, err := demo.Load(context.Background(), e.org, e.ids, e.db); err != nil {
			t.Fatal(err)
		}
		svc := risk.NewService(db, db, e.audit, clock.Real{})
		rs, total, err := svc.Risks(e.sys, risk.Filter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if total < 40 || len(rs) != total {
			t.Fatalf("%d demo risks, want 40 or more", total)
		}
		categories := map[risk.Category]int{}
		matrices := map[string]bool{}
		var residual, withHistory, treated int
		for _, r := range rs {
			categories[r.Category]++
			if r.Code == "" || r.Title == "" || r.TitleEn == "" || r.Cause == "" || r.Consequence == "" || r.Controls == "" ||
				r.OwnerID == nil || r.ReviewDate == "" || r.Inherent == nil || r.Level == "" {
				t.Errorf("demo risk %s %s is incomplete: %+v", r.Code, r.Title, r)
				continue
			}
			matrices[r.Inherent.MatrixID] = true
			if r.Residual != nil {
				residual++
			}
			if len(r.Actions) > 0 && r.Treatment != "" {
				treated++
			}
			hist, err := svc.Assessments(e.sys, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			for i, a := range hist {
				if a.AssessedAt.After(time.Now()) || (i > 0 && a.AssessedAt.Before(hist[i-1].AssessedAt)) {
					t.Errorf("risk %s: history out of order or in the future: %+v", r.Code, hist)
				}
			}
			if len(hist) > 2 && time.Since(hist[0].AssessedAt) > 90*24*time.Hour {
				withHistory++
			}
		}
		for _, c := range risk.Categories {
			if categories[c] == 0 {
				t.Errorf("no demo risk of category %s", c)
			}
		}
		if len(matrices) != 3 || residual < 30 || withHistory < 10 || treated < 20 {
			t.Errorf("matrices %v, %d with residual ratings, %d with a trend, %d with treatment actions", matrices, residual, withHistory, treated)
		}
		_, n, err := svc.Risks(e.sys, risk.Filter{OverdueReview: true})
		if err != nil || n < 3 || n > total/3 {
			t.Errorf("%d overdue reviews (%v), want a few", n, err)
		}
		h, err := svc.Heatmap(e.sys, risk.HeatmapQuery{MatrixID: "5x5", Kind: risk.Residual})
		if err != nil || h.Total < 25 {
			t.Errorf("residual heatmap holds %d risks (%v)", h.Total, err)
		}
		top, err := svc.TopRisks(e.sys, risk.TopQuery{N: 3})
		if err != nil || len(top) < 10 {
			t.Errorf("top risks in %d units (%v)", len(top), err)
		}
	})
}
