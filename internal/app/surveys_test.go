package app_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// TestSurveyRemindersGoThroughNotify checks that a late department's
// reminder is one notification message per campaign, unit and day, sent
// to its department lead in both languages, however often the reminder
// round runs.
func TestSurveyRemindersGoThroughNotify(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
			clk := clock.NewFake(time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC))
			a, err := app.New(ctx, app.Config{DB: storetest.DSN(t, engine), BaseURL: "http://bcm.example.com"}, slog.New(slog.DiscardHandler), clk)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			root, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Code: "G", Name: "集团"})
			if err != nil {
				t.Fatal(err)
			}
			wh, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindDepartment, ParentID: &root.ID, Name: "仓储部", NameEn: "Warehousing"})
			if err != nil {
				t.Fatal(err)
			}
			p, err := a.Org.SavePerson(ctx, org.Person{Name: "张伟", UnitID: wh.ID, Active: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Identity.CreateUser(ctx, identity.NewUser{Username: "zhang", Password: "correct horse battery", PersonID: &p.ID,
				Grants: []authz.Grant{{Role: authz.DepartmentLead, UnitID: wh.ID}}}); err != nil {
				t.Fatal(err)
			}
			ts, err := a.Survey.Templates(ctx)
			if err != nil {
				t.Fatal(err)
			}
			c, err := a.Survey.Launch(ctx, risksurvey.Launch{Title: "年度排查", TemplateID: ts[0].ID, MatrixID: "5x5", Due: "2025-07-10", UnitIDs: []int64{wh.ID}})
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(10 * 24 * time.Hour) // 2025-07-11, a day late
			for round := 0; round < 3; round++ {
				if _, err := a.Survey.RemindLate(ctx, 0); err != nil {
					t.Fatal(err)
				}
			}
			var msgs []string
			for id := int64(1); id < 20; id++ {
				m, err := a.Notify.Message(ctx, id)
				if err != nil || m.Source != "risk_survey:"+idString(c.ID) {
					continue
				}
				msgs = append(msgs, m.DedupKey)
				if len(m.Recipients) != 1 || m.Recipients[0] != p.ID || !strings.Contains(m.Texts["zh-CN"].Subject, "年度排查") ||
					!strings.Contains(m.Texts["en"].Body, "http://bcm.example.com/risk-surveys/"+idString(c.ID)+"/units/"+idString(wh.ID)) {
					t.Errorf("reminder: %+v", m)
				}
			}
			want := "risk_survey:" + idString(c.ID) + ":" + idString(wh.ID) + ":2025-07-11"
			if len(msgs) != 1 || msgs[0] != want {
				t.Fatalf("reminder messages %v, want one keyed %s", msgs, want)
			}
		})
	}
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
