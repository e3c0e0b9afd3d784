package plangen_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/plangen"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

var asOf = time.Date(2026, time.November, 30, 0, 0, 0, 0, time.UTC)

type applyEnv struct {
	ctx   context.Context
	deps  plangen.Deps
	audit *audit.Log
	root  org.Unit
}

func newApplyEnv(t *testing.T, db *store.DB) *applyEnv {
	t.Helper()
	clk := clock.NewFake(asOf.Add(9 * time.Hour))
	a := audit.NewLog(db, db, clk)
	e := &applyEnv{ctx: authz.WithPrincipal(context.Background(), authz.SystemPrincipal), audit: a,
		deps: plangen.Deps{Tx: db, Org: org.NewService(db, db, a, clk), Risk: risk.NewService(db, db, a, clk), Plan: plan.NewService(db, db, a, clk)}}
	var err error
	if e.root, err = e.deps.Org.CreateUnit(e.ctx, org.Unit{Kind: org.KindGroup, Name: "星海集团", NameEn: "Xinghai Group"}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *applyEnv) counts(t *testing.T) (plans, risks, teams int) {
	t.Helper()
	_, plans, err := e.deps.Plan.Plans(e.ctx, plan.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	_, risks, err = e.deps.Risk.Risks(e.ctx, risk.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := e.deps.Org.Teams(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return plans, risks, len(ts)
}

func playbook(c plan.Content, key string) *plan.Playbook {
	for i := range c.Playbooks {
		if c.Playbooks[i].Key == key {
			return &c.Playbooks[i]
		}
	}
	return nil
}

func target(c plan.Content, nameEn string) *plan.RecoveryTarget {
	for i := range c.Recovery.Targets {
		if strings.Contains(strings.ToLower(c.Recovery.Targets[i].NameEn), nameEn) {
			return &c.Recovery.Targets[i]
		}
	}
	return nil
}

// The three cases of seed 001 stored in one organisation: each gives a
// draft plan with every chapter filled, linked to the risks it entered in
// the register and to the teams it mapped or created.
func TestApplySeedCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newApplyEnv(t, db)
		ctx := e.ctx

		// Small e-commerce business in East China, in Chinese.
		res, err := plangen.Apply(ctx, e.deps, plangen.Request{Input: plangen.Input{Industry: "ecommerce", Size: "small", Region: "cn-east", Language: "zh"}}, asOf)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.deps.Plan.Plan(ctx, res.PlanID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Kind != plan.BCP || p.Status != plan.Draft || p.UnitID != e.root.ID || p.ReviewMonths != 6 ||
			!strings.Contains(p.Title, "电子商务") || !strings.Contains(p.TitleEn, "E-commerce") && !strings.Contains(p.TitleEn, "e-commerce") {
			t.Fatalf("plan = %+v", p)
		}
		v, err := e.deps.Plan.Version(ctx, p.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		c := v.Content
		if len(c.Risks.RiskIDs) != len(res.Draft.Risks) || res.RisksCreated != len(res.Draft.Risks) || res.RisksLinked != 0 {
			t.Fatalf("risks: %d linked in plan, result %+v", len(c.Risks.RiskIDs), res)
		}
		// The typhoon is in the register with its inherent 5×5 rating.
		var typhoon risk.Risk
		for _, id := range c.Risks.RiskIDs {
			r, err := e.deps.Risk.Risk(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Inherent == nil || r.Inherent.MatrixID != "5x5" || r.UnitID != e.root.ID || r.TitleEn == "" {
				t.Fatalf("risk %d = %+v", id, r)
			}
			if r.Title == "台风" {
				typhoon = r
			}
		}
		if typhoon.ID == 0 || typhoon.Inherent.Likelihood != 4 || typhoon.Inherent.Impact != 4 || typhoon.Level != risk.Critical ||
			typhoon.TitleEn != "Typhoon" || typhoon.Category != risk.NaturalDisaster || len(typhoon.Actions) == 0 ||
			!strings.Contains(typhoon.Cause, "台风") {
			t.Fatalf("typhoon = %+v", typhoon)
		}
		// The lean organisation of seed 003: an emergency command and three groups, created.
		teams, err := e.deps.Org.Teams(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(teams) != 4 || res.TeamsCreated() != 4 || teams[0].Kind != org.TeamCommittee || teams[0].Name != "应急指挥部" || teams[0].NameEn != "emergency command" {
			t.Fatalf("teams = %+v", teams)
		}
		if len(c.Organisation.Teams) < 4 || c.Organisation.Text == "" || c.Organisation.TextEn == "" {
			t.Fatalf("organisation = %+v", c.Organisation)
		}
		// The typhoon playbook: warning trigger, activation by the head
		// (the command's leader) with a deputy, ordered tasks by role.
		pb := playbook(c, "severe-weather")
		if pb == nil {
			t.Fatalf("no severe-weather playbook in %d", len(c.Playbooks))
		}
		if !slices.ContainsFunc(pb.Triggers, func(tr plan.Trigger) bool {
			return tr.Kind == plan.OnWarning && tr.IncidentType == risk.NaturalDisaster && tr.MatchesWarning(risk.NaturalDisaster, 3)
		}) {
			t.Errorf("typhoon triggers = %+v", pb.Triggers)
		}
		if pb.Activation.Authority.TeamID != teams[0].ID || pb.Activation.Authority.TeamRole != org.RoleLeader || pb.Activation.Deputy.IsZero() {
			t.Errorf("activation = %+v", pb.Activation)
		}
		for i, task := range pb.Tasks {
			if task.Step != i+1 || task.Role.IsZero() || task.TitleEn == "" || (i > 0 && task.TimeLimit < pb.Tasks[i-1].TimeLimit) {
				t.Errorf("task %d = %+v", i, task)
			}
		}
		// Message templates per audience, channel and language, with the
		// plan's brace placeholders.
		var staffZh *plan.Message
		for i, m := range pb.Communications {
			if m.Audience == plan.Internal && m.Lang == "zh-CN" && m.Channel == plan.WeCom {
				staffZh = &pb.Communications[i]
			}
		}
		if staffZh == nil || !strings.Contains(staffZh.Body, "{time}") || strings.Contains(staffZh.Body, "[时间]") {
			t.Errorf("staff message = %+v", staffZh)
		}
		// Recovery targets, warning and response levels, communications,
		// resources, drills.
		if rt := target(c, "online"); rt == nil || rt.RTO != 120 || rt.RPO == nil || *rt.RPO != 15 {
			t.Errorf("online store target = %+v", rt)
		}
		if len(c.Warning.Levels) != 4 || len(c.Warning.Reporting) == 0 || len(c.ResponseLevels.Levels) != 4 {
			t.Errorf("warning %+v response %+v", c.Warning, c.ResponseLevels)
		}
		if len(c.Communications.Audiences) != 5 || c.Communications.Audiences[0].Audience != plan.Internal ||
			!slices.Contains(c.Communications.Audiences[0].Channels, plan.DingTalk) {
			t.Errorf("audiences = %+v", c.Communications.Audiences)
		}
		if len(c.Resources.Items) != len(res.Draft.Resources) || len(c.Training.Drills) != res.Drills+res.Courses || res.Drills != 4 {
			t.Errorf("resources %d drills %d (%+v)", len(c.Resources.Items), len(c.Training.Drills), res)
		}
		if !strings.Contains(c.Maintenance.Text, "每半年") || !strings.Contains(c.Maintenance.TextEn, "six months") {
			t.Errorf("maintenance = %q / %q", c.Maintenance.Text, c.Maintenance.TextEn)
		}

		// The mid-size North-American finance firm, in English, with a
		// crisis committee the organisation already has.
		_, err = e.deps.Org.SaveTeam(ctx, org.Team{Kind: org.TeamCommittee, Name: "集团危机管理委员会", NameEn: "Group crisis committee", UnitID: e.root.ID})
		if err != nil {
			t.Fatal(err)
		}
		_, risksBefore, _ := e.counts(t)
		fin, err := plangen.Apply(ctx, e.deps, plangen.Request{Input: plangen.Input{Industry: "finance", Size: "medium", Region: "north-america", Language: "en"},
			Code: "BCP-FIN"}, asOf)
		if err != nil {
			t.Fatal(err)
		}
		var committees []int64
		for _, tm := range mustTeams(t, e) {
			if tm.Kind == org.TeamCommittee {
				committees = append(committees, tm.ID)
			}
		}
		for _, at := range fin.Teams {
			switch {
			case at.Kind == org.TeamCommittee && (at.Created || !slices.Contains(committees, at.TeamID)):
				t.Errorf("the committee was not mapped to one of the organisation's %v: %+v", committees, at)
			case at.Kind == org.TeamCrisisOffice && !at.Created:
				t.Errorf("the crisis office was not created: %+v", at)
			}
		}
		if fin.RisksLinked == 0 || fin.RisksCreated == 0 {
			t.Errorf("finance risks: %d created, %d linked (common risks are shared with the first plan)", fin.RisksCreated, fin.RisksLinked)
		}
		_, risksAfter, _ := e.counts(t)
		if risksAfter-risksBefore != fin.RisksCreated {
			t.Errorf("register grew by %d, %d created", risksAfter-risksBefore, fin.RisksCreated)
		}
		fv, err := e.deps.Plan.Version(ctx, fin.PlanID, 1)
		if err != nil {
			t.Fatal(err)
		}
		fp, _ := e.deps.Plan.Plan(ctx, fin.PlanID)
		if fp.Code != "BCP-FIN" || fp.ReviewMonths != 12 {
			t.Errorf("finance plan = %+v", fp)
		}
		for _, want := range []struct {
			name     string
			rto, rpo int
		}{{"online payment", 120, 15}, {"account access", 30, 0}} {
			if rt := target(fv.Content, want.name); rt == nil || rt.RTO != want.rto || rt.RPO == nil || *rt.RPO != want.rpo {
				t.Errorf("%s target = %+v", want.name, rt)
			}
		}
		for _, id := range fv.Content.Risks.RiskIDs {
			r, _ := e.deps.Risk.Risk(ctx, id)
			if r.TitleEn == "Hurricane" && !strings.Contains(strings.ToLower(r.Cause), "hurricane") {
				t.Errorf("hurricane cause is not in English: %q", r.Cause)
			}
		}
		staff := fv.Content.Communications.Audiences[0]
		if staff.Audience != plan.Internal || slices.Contains(staff.Channels, plan.WeChat) || !slices.Contains(staff.Channels, plan.Email) ||
			!slices.Contains(staff.Channels, plan.Teams) {
			t.Errorf("North-American staff channels = %+v", staff)
		}
		var investors *plan.AudiencePlan
		for i, a := range fv.Content.Communications.Audiences {
			if a.Audience == plan.Investors {
				investors = &fv.Content.Communications.Audiences[i]
			}
		}
		if investors == nil || investors.MessageEn == "" || investors.Message == "" {
			t.Errorf("the listed finance firm has no investor communication: %+v", fv.Content.Communications.Audiences)
		}

		// The South-East-Asian healthcare provider: EMR outage and
		// epidemics.
		hc, err := plangen.Apply(ctx, e.deps, plangen.Request{Input: plangen.Input{Industry: "healthcare", Size: "medium", Region: "southeast-asia", Language: "en"}}, asOf)
		if err != nil {
			t.Fatal(err)
		}
		hv, err := e.deps.Plan.Version(ctx, hc.PlanID, 1)
		if err != nil {
			t.Fatal(err)
		}
		emr, outbreak := playbook(hv.Content, "emr-outage"), playbook(hv.Content, "outbreak")
		if emr == nil || outbreak == nil {
			t.Fatal("no EMR or outbreak playbook")
		}
		if !slices.ContainsFunc(outbreak.Triggers, func(tr plan.Trigger) bool { return tr.IncidentType == risk.PublicHealth }) {
			t.Errorf("outbreak triggers = %+v", outbreak.Triggers)
		}
		if rt := target(hv.Content, "emr"); rt == nil && target(hv.Content, "electronic medical") == nil {
			t.Errorf("no EMR recovery target in %+v", hv.Content.Recovery.Targets)
		}

		// Every change was recorded by the services.
		entries, err := e.audit.List(ctx, audit.Filter{Action: "plan.create", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 {
			t.Errorf("%d plan.create audit entries, want 3", len(entries))
		}
		for _, action := range []string{"risk.create", "risk.assess", "team.create"} {
			if es, err := e.audit.List(ctx, audit.Filter{Action: action, Limit: 1}); err != nil || len(es) == 0 {
				t.Errorf("no %s audit entry (%v)", action, err)
			}
		}
	})
}

// A failure half-way — the plan's code is taken, which is found only when
// the plan is stored after the teams and risks — leaves nothing behind.
func TestApplyIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newApplyEnv(t, db)
		first, err := plangen.Apply(e.ctx, e.deps, plangen.Request{Input: plangen.Input{Industry: "logistics", Size: "micro", Region: "cn-south", Language: "zh-CN"},
			Code: "YA-01"}, asOf)
		if err != nil {
			t.Fatal(err)
		}
		plans, risks, teams := e.counts(t)
		auditBefore, err := e.audit.List(e.ctx, audit.Filter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		_, err = plangen.Apply(e.ctx, e.deps, plangen.Request{Input: plangen.Input{Industry: "banking", Size: "large", Region: "cn-southwest", Language: "zh-CN"},
			Code: "YA-01"}, asOf)
		if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "duplicate plan code") {
			t.Fatalf("second apply with a taken code: %v", err)
		}
		p2, r2, t2 := e.counts(t)
		if p2 != plans || r2 != risks || t2 != teams {
			t.Fatalf("after the failure: %d plans, %d risks, %d teams; before %d, %d, %d", p2, r2, t2, plans, risks, teams)
		}
		auditAfter, _ := e.audit.List(e.ctx, audit.Filter{Limit: 500})
		if len(auditAfter) != len(auditBefore) {
			t.Fatalf("audit log grew from %d to %d entries", len(auditBefore), len(auditAfter))
		}
		if first.RisksCreated == 0 || first.TeamsCreated() == 0 {
			t.Fatalf("first apply created nothing: %+v", first)
		}
	})
}

func TestApplyRejectsBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newApplyEnv(t, db)
		_, err := plangen.Apply(e.ctx, e.deps, plangen.Request{Input: plangen.Input{Industry: "piracy", Size: "small", Region: "cn-east", Language: "zh"}}, asOf)
		if !errs.Is(err, errs.Invalid) || !slices.ContainsFunc(errs.FieldsOf(err), func(f errs.FieldError) bool {
			return f.Field == "industry" && strings.Contains(f.Message, "ecommerce")
		}) {
			t.Fatalf("unknown industry: %v", err)
		}
		_, err = plangen.Apply(e.ctx, e.deps, plangen.Request{Input: plangen.Input{Industry: "ecommerce", Size: "small", Region: "cn-east", Language: "zh"}, UnitID: 999}, asOf)
		if !slices.ContainsFunc(errs.FieldsOf(err), func(f errs.FieldError) bool { return f.Field == "unit_id" }) {
			t.Fatalf("unknown unit: %v", err)
		}
		// A viewer may not generate a plan.
		viewer := authz.WithPrincipal(context.Background(), authz.Principal{UserID: 7, Name: "viewer",
			Grants: []authz.Grant{{Role: authz.Viewer, UnitID: e.root.ID, UnitPath: e.root.Path}}})
		_, err = plangen.Apply(viewer, e.deps, plangen.Request{Input: plangen.Input{Industry: "ecommerce", Size: "small", Region: "cn-east", Language: "zh"}}, asOf)
		if !errs.Is(err, errs.Forbidden) {
			t.Fatalf("viewer: %v", err)
		}
		if p, r, tm := e.counts(t); p+r+tm != 0 {
			t.Fatalf("rejected requests stored %d plans, %d risks, %d teams", p, r, tm)
		}
	})
}

func mustTeams(t *testing.T, e *applyEnv) []org.Team {
	t.Helper()
	ts, err := e.deps.Org.Teams(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}
