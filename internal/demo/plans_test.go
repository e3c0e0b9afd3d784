package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

func TestDemoPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		if _, _, err := demo.Load(context.Background(), e.org, e.ids, e.db); err != nil {
			t.Fatal(err)
		}
		clk := clock.Real{}
		svc := plan.NewService(db, db, audit.NewLog(db, db, clk), clk)
		plans, total, err := svc.Plans(e.sys, plan.Filter{Published: true})
		if err != nil || total != 2 || plans[0].Kind != plan.General || plans[1].Kind != plan.Special {
			t.Fatalf("published demo plans: %v %d %+v", err, total, plans)
		}
		for _, p := range plans {
			_, v, err := svc.Published(e.sys, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.OwnerID == 0 || p.ReviewDue == "" || v.AuthorName != "刘晓梅" {
				t.Errorf("plan %s: owner %d, review due %q, author %q", p.Code, p.OwnerID, p.ReviewDue, v.AuthorName)
			}
			if len(v.Decisions) != 1 || v.Decisions[0].Verdict != plan.Approve || v.Decisions[0].UserName != "陈国栋" {
				t.Errorf("plan %s: approval record %+v", p.Code, v.Decisions)
			}
		}

		_, general, _ := svc.Published(e.sys, plans[0].ID)
		if n := len(general.Content.ResponseLevels.Levels); n != 4 {
			t.Errorf("general plan: %d response levels, want Ⅰ–Ⅳ", n)
		}
		audiences := map[plan.Audience]bool{}
		for _, a := range general.Content.Communications.Audiences {
			audiences[a.Audience] = true
		}
		if len(audiences) != len(plan.Audiences) {
			t.Errorf("general plan speaks to %v, want every audience", audiences)
		}

		// The special plan has a playbook for every special event of seed
		// 002, each complete and bilingual.
		_, special, _ := svc.Published(e.sys, plans[1].ID)
		want := []string{"natural-disaster", "fire-hazmat", "utility-outage", "labour-shortage", "equipment-failure",
			"transit-damage", "material-shortage", "major-complaint", "it-failure"}
		if len(special.Content.Playbooks) != len(want) {
			t.Fatalf("%d playbooks, want %d", len(special.Content.Playbooks), len(want))
		}
		for i, pb := range special.Content.Playbooks {
			if pb.Key != want[i] {
				t.Errorf("playbook %d is %s, want %s", i, pb.Key, want[i])
			}
			if pb.TitleEn == "" || pb.Text == "" || pb.TextEn == "" || len(pb.Triggers) == 0 || pb.Activation.Authority.IsZero() ||
				len(pb.Tasks) < 3 || len(pb.Recovery) == 0 {
				t.Errorf("playbook %s is incomplete: %+v", pb.Key, pb)
			}
			langs := map[string]bool{}
			for _, m := range pb.Communications {
				langs[m.Lang] = true
			}
			if !langs["zh-CN"] || !langs["en"] {
				t.Errorf("playbook %s: messages in %v, want zh-CN and en", pb.Key, langs)
			}
			for j, task := range pb.Tasks {
				if task.TimeLimit <= 0 || task.TitleEn == "" || (j > 0 && task.Step < pb.Tasks[j-1].Step) {
					t.Errorf("playbook %s task %d: %+v", pb.Key, j, task)
				}
			}
		}
		// Seed 002's rule: an outage longer than 8 h brings in customer
		// service.
		outage := special.Content.Playbooks[2]
		if !outage.Triggers[0].ConditionHolds(0, 9*time.Hour) || outage.Triggers[0].ConditionHolds(0, 7*time.Hour) {
			t.Errorf("utility outage trigger %q", outage.Triggers[0].Rule())
		}
		complaint := special.Content.Playbooks[7]
		if !complaint.Triggers[0].ConditionHolds(12000, 0) || complaint.Triggers[0].ConditionHolds(9999, 0) {
			t.Errorf("major complaint trigger %q", complaint.Triggers[0].Rule())
		}
	})
}
