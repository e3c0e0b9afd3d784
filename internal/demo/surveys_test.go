package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// TestDemoSurvey checks the demo's finished survey: closed, every
// department completed, every reported risk accepted into the register
// and rated, one answer returned once on the way.
func TestDemoSurvey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		if _, _, err := demo.Load(context.Background(), e.org, e.ids, e.db); err != nil {
			t.Fatal(err)
		}
		risks := risk.NewService(db, db, e.audit, clock.Real{})
		surveys := risksurvey.NewService(db, db, e.audit, clock.Real{}, risks)
		cs, err := surveys.Campaigns(e.sys)
		if err != nil || len(cs) != 1 {
			t.Fatalf("%d demo surveys (%v), want one", len(cs), err)
		}
		c := cs[0]
		n := c.Counts()
		if c.Status != risksurvey.Closed || n.Units != 4 || n.Completed != 4 || c.Due >= time.Now().Format(risk.DateLayout) {
			t.Fatalf("demo survey: status %s, due %s, counts %+v", c.Status, c.Due, n)
		}
		accepted, commented := 0, 0
		for _, u := range c.Units {
			sh, err := surveys.Sheet(e.sys, c.ID, u.UnitID)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range sh.Answers {
				if a.QuestionKey != "" && a.Present == risksurvey.Unanswered {
					t.Errorf("%s: question %s unanswered", u.UnitName, a.QuestionKey)
				}
				if !a.NeedsReview() {
					continue
				}
				if a.State != risksurvey.StateAccepted || a.AcceptedRiskID == nil {
					t.Errorf("%s: answer %s not accepted: %+v", u.UnitName, a.Title, a)
					continue
				}
				accepted++
				if a.ReviewComment != "" {
					commented++
				}
				r, err := risks.Risk(e.sys, *a.AcceptedRiskID)
				if err != nil || r.UnitID != u.UnitID || r.Inherent == nil || r.Inherent.MatrixID != "5x5" || r.Code == "" {
					t.Errorf("risk of answer %s: %+v (%v)", a.Title, r, err)
				}
			}
		}
		if accepted != 10 {
			t.Errorf("%d accepted answers, want 10", accepted)
		}
		_ = commented
	})
}
