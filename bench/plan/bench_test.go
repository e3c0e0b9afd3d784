// Package planbench measures the plan library: the line diff, comparing
// two versions of a large plan, and saving a large draft through the
// service (validation, reference checks, storage and audit).
package planbench_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// lines returns n lines of text with every step-th line changed when
// variant is true.
func lines(n, step int, variant bool) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("第 %d 行：现场应急指挥小组组织人员清理现场，评估损失。", i)
		if variant && i%step == 0 {
			out[i] += "（已修订）"
		}
	}
	return out
}

// BenchmarkLineDiff diffs 5,000 lines with 2% of them changed.
func BenchmarkLineDiff(b *testing.B) {
	a, c := lines(5000, 50, false), lines(5000, 50, true)
	for b.Loop() {
		plan.LineDiff(a, c)
	}
}

// bigContent is a plan of 50 playbooks of 40 tasks each (about the size
// of a 100-page printed plan); with changed true, the first task of every
// fifth playbook gets a shorter time limit.
func bigContent(team int64, changed bool) plan.Content {
	c := plan.Content{Purpose: plan.Section{Text: "为有效预防、应对各类突发事件，制定本预案。"}}
	for p := range 50 {
		pb := plan.Playbook{Key: fmt.Sprintf("scenario-%d", p), Title: fmt.Sprintf("情景 %d", p), TitleEn: fmt.Sprintf("Scenario %d", p),
			Text:       "事件描述、风险与注意事项。\n发生时按以下步骤处置。",
			Triggers:   []plan.Trigger{{Kind: plan.OnCondition, Metric: "power_supply", Operator: plan.EQ, Value: 0, Duration: 480}},
			Activation: plan.Activation{Authority: plan.Role{TeamID: team, TeamRole: org.RoleLeader}},
			Recovery:   []plan.RecoveryTarget{{Name: "分拣作业", RTO: 480}},
		}
		for t := range 40 {
			limit := 30 + t*10
			if changed && p%5 == 0 && t == 0 {
				limit = 15
			}
			pb.Tasks = append(pb.Tasks, plan.Task{Step: t + 1, Title: fmt.Sprintf("任务 %d：联络相关部门并报告进展", t), TitleEn: fmt.Sprintf("Task %d", t),
				Role: plan.Role{TeamID: team}, TimeLimit: limit, Detail: "按照职责分工执行，完成后在任务板上确认。"})
		}
		for _, lang := range plan.Languages {
			pb.Communications = append(pb.Communications, plan.Message{Audience: plan.Customers, Lang: lang, Channel: plan.SMS, Body: "尊敬的客户：{site}停电，预计{eta}恢复。"})
		}
		c.Playbooks = append(c.Playbooks, pb)
	}
	return c
}

// BenchmarkCompareLargePlan compares two versions of the large plan.
func BenchmarkCompareLargePlan(b *testing.B) {
	a := plan.Version{Number: 1, Title: "综合应急预案", Content: bigContent(1, false)}
	c := plan.Version{Number: 2, Title: "综合应急预案", Content: bigContent(1, true)}
	if err := a.Validate(); err != nil {
		b.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if d := plan.Compare(&a, &c, plan.Names{}); d.Changed != 10 {
			b.Fatalf("%d parts changed, want 10", d.Changed)
		}
	}
}

// BenchmarkSaveLargeDraft saves the large plan as a draft on SQLite.
func BenchmarkSaveLargeDraft(b *testing.B) {
	db := storetest.New(b, store.SQLite)
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	sys := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	o := org.NewService(db, db, a, clk)
	u, err := o.CreateUnit(sys, org.Unit{Kind: org.KindGroup, Name: "集团"})
	if err != nil {
		b.Fatal(err)
	}
	team, err := o.SaveTeam(sys, org.Team{Kind: org.TeamCommittee, Name: "危机管理委员会", UnitID: u.ID})
	if err != nil {
		b.Fatal(err)
	}
	svc := plan.NewService(db, db, a, clk)
	p, _, err := svc.CreatePlan(sys, plan.Plan{Kind: plan.General, UnitID: u.ID}, plan.Version{Title: "综合应急预案"})
	if err != nil {
		b.Fatal(err)
	}
	c := bigContent(team.ID, false)
	for b.Loop() {
		if _, err := svc.SaveDraft(sys, p.ID, 1, plan.Version{Title: "综合应急预案", Content: c}); err != nil {
			b.Fatal(err)
		}
	}
}
