package plan_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// env is a small organisation with a committee team, a risk and accounts:
// the office manager (bcm_manager on the group) drafts, two committee
// members approve, a branch manager may write only for the east branch.
type env struct {
	db    *store.DB
	plans *plan.Service
	audit *audit.Log
	clock *clock.Fake
	sys   context.Context

	group, east, west org.Unit
	zhang, li         org.Person
	team              org.Team
	risk              risk.Risk

	office, chair, member, third, admin, eastMgr, viewer identity.User
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	o := org.NewService(db, db, a, clk)
	ids := identity.NewService(db, o, db, a, clk)
	e := &env{db: db, plans: plan.NewService(db, db, a, clk), audit: a, clock: clk,
		sys: authz.WithPrincipal(context.Background(), authz.SystemPrincipal)}
	unit := func(parent *org.Unit, kind org.UnitKind, name string) org.Unit {
		u := org.Unit{Kind: kind, Name: name}
		if parent != nil {
			u.ParentID = &parent.ID
		}
		u, err := o.CreateUnit(e.sys, u)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.group = unit(nil, org.KindGroup, "物流集团")
	e.east = unit(&e.group, org.KindBranch, "华东分公司")
	e.west = unit(&e.group, org.KindBranch, "西南分公司")
	person := func(name string, unit int64) org.Person {
		p, err := o.SavePerson(e.sys, org.Person{Name: name, NameEn: "P " + name, UnitID: unit, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	e.zhang = person("张伟", e.east.ID)
	e.li = person("李娜", e.group.ID)
	var err error
	e.team, err = o.SaveTeam(e.sys, org.Team{Kind: org.TeamCommittee, Name: "危机管理委员会", NameEn: "Crisis committee", UnitID: e.group.ID,
		Members: []org.Member{{PersonID: e.li.ID, Role: org.RoleLeader}, {PersonID: e.zhang.ID, Role: org.RoleMember}}})
	if err != nil {
		t.Fatal(err)
	}
	e.risk, err = risk.NewService(db, db, a, clk).SaveRisk(e.sys, risk.Risk{Title: "台风导致枢纽停运", Category: risk.NaturalDisaster, UnitID: e.east.ID})
	if err != nil {
		t.Fatal(err)
	}
	user := func(name string, role authz.Role, u org.Unit) identity.User {
		usr, err := ids.CreateUser(e.sys, identity.NewUser{Username: name, DisplayName: strings.ToUpper(name[:1]) + name[1:],
			Password: "correct horse battery", Grants: []authz.Grant{{Role: role, UnitID: u.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		return usr
	}
	e.office = user("office", authz.BCMManager, e.group)
	e.chair = user("chair", authz.Committee, e.group)
	e.member = user("member", authz.Committee, e.group)
	e.third = user("third", authz.Committee, e.group)
	e.admin = user("admin", authz.Admin, e.group)
	e.eastMgr = user("eastmgr", authz.BCMManager, e.east)
	e.viewer = user("viewer", authz.Viewer, e.group)
	return e
}

// as acts as a user, with the unit paths of their grants filled in as the
// server does.
func (e *env) as(u identity.User) context.Context {
	p := u.Principal()
	for i := range p.Grants {
		unit, err := e.db.UnitByID(context.Background(), p.Grants[i].UnitID)
		if err != nil {
			panic(err)
		}
		p.Grants[i].UnitPath = unit.Path
	}
	return authz.WithPrincipal(context.Background(), p)
}

func ptr[T any](v T) *T { return &v }

// content is a special plan's content with one playbook: the utility
// outage procedure of seed 002.
func (e *env) content() plan.Content {
	return plan.Content{
		Purpose:      plan.Section{Text: "为保证公用事业供应中断时满足客户交付需求，制定本预案。", TextEn: "Keeps deliveries going when utilities fail."},
		Organisation: plan.Organisation{Teams: []plan.TeamDuty{{TeamID: e.team.ID, TeamRole: org.RoleLeader, Duties: "决定预案启动"}}},
		Risks:        plan.RiskSummary{Text: "停电、停水、停气。", RiskIDs: []int64{e.risk.ID}},
		ResponseLevels: plan.ResponseLevels{Levels: []plan.ResponseLevel{
			{Level: 3, Criteria: "停电超过 8 小时，影响交付", CriteriaEn: "Outage over 8 h affecting deliveries", Authority: plan.Role{TeamID: e.team.ID, TeamRole: org.RoleLeader}},
		}},
		Playbooks: []plan.Playbook{{
			Key: "utility-outage", Title: "公用事业供应中断", TitleEn: "Utility outage",
			Triggers: []plan.Trigger{{Kind: plan.OnCondition, Metric: "power_supply", Operator: plan.EQ, Value: 0, Duration: 480,
				Note: "停电超过 8 小时", NoteEn: "Power out for more than 8 h"}},
			Activation: plan.Activation{Authority: plan.Role{TeamID: e.team.ID, TeamRole: org.RoleLeader}, Deputy: plan.Role{PersonID: e.zhang.ID}},
			Tasks: []plan.Task{
				{Step: 1, Title: "确认停电范围并联系供电公司", TitleEn: "Confirm the outage and call the utility", Role: plan.Role{Label: "行政部", LabelEn: "Administration"}, TimeLimit: 30},
				{Step: 2, Title: "通知客服中心", TitleEn: "Inform customer service", Role: plan.Role{UnitID: e.east.ID}, TimeLimit: 60},
			},
			Communications: []plan.Message{{Audience: plan.Customers, Lang: "zh-CN", Channel: plan.SMS, Sender: plan.Role{Label: "客服中心"}, Within: 120,
				Body: "尊敬的客户：因{site}停电，预计恢复时间{eta}。"}},
			Recovery: []plan.RecoveryTarget{{Name: "分拣作业", NameEn: "Sorting", RTO: 480, RPO: ptr(0)}},
		}},
	}
}

func (e *env) create(t *testing.T, ctx context.Context, p plan.Plan) (plan.Plan, plan.Version) {
	t.Helper()
	pl, v, err := e.plans.CreatePlan(ctx, p, plan.Version{Title: "公用事业供应中断专项应急预案", TitleEn: "Utility outage plan", Content: e.content()})
	if err != nil {
		t.Fatalf("create plan: %v", err)
	}
	return pl, v
}

func wantCode(t *testing.T, err error, code errs.Code, contains string) {
	t.Helper()
	if errs.CodeOf(err) != code {
		t.Fatalf("error %v: code %q, want %q", err, errs.CodeOf(err), code)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Fatalf("error %q does not say %q", err, contains)
	}
}

func TestCreateRoundTripAndList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		office := e.as(e.office)
		p, v := e.create(t, office, plan.Plan{Code: "YA-02", Kind: plan.Special, UnitID: e.east.ID, OwnerID: e.li.ID})
		if p.Status != plan.Draft || p.LatestVersion != 1 || p.PublishedVersion != 0 || p.ReviewMonths != 12 || p.Title != v.Title {
			t.Fatalf("new plan %+v", p)
		}
		if v.AuthorID != e.office.ID || v.AuthorName != "Office" || v.Number != 1 || v.Status != plan.Draft {
			t.Fatalf("new version %+v", v)
		}
		got, err := e.plans.Version(e.as(e.viewer), p.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := e.content()
		if !reflect.DeepEqual(got.Content, v.Content) || got.Content.Playbooks[0].Tasks[1].Role.UnitID != e.east.ID ||
			*got.Content.Playbooks[0].Recovery[0].RPO != 0 || got.Content.Playbooks[0].Triggers[0].Duration != want.Playbooks[0].Triggers[0].Duration {
			a, _ := json.Marshal(got.Content)
			b, _ := json.Marshal(v.Content)
			t.Fatalf("stored content differs:\n got %s\nwant %s", a, b)
		}

		// A second plan for the group; lists filter by kind, unit subtree,
		// text and status.
		g, _, err := e.plans.CreatePlan(office, plan.Plan{Kind: plan.General, UnitID: e.group.ID},
			plan.Version{Title: "综合应急预案", TitleEn: "General emergency plan"})
		if err != nil {
			t.Fatal(err)
		}
		list, total, err := e.plans.Plans(e.as(e.viewer), plan.Filter{})
		if err != nil || total != 2 || list[0].ID != g.ID {
			t.Fatalf("list: %v %d %+v (general plan first)", err, total, list)
		}
		for _, c := range []struct {
			f    plan.Filter
			want int
		}{
			{plan.Filter{Kind: plan.Special}, 1},
			{plan.Filter{UnitID: e.east.ID}, 1},
			{plan.Filter{UnitID: e.west.ID}, 0},
			{plan.Filter{Query: "utility"}, 1},
			{plan.Filter{Query: "ya-02"}, 1},
			{plan.Filter{Status: plan.Draft}, 2},
			{plan.Filter{Published: true}, 0},
		} {
			if _, n, err := e.plans.Plans(e.sys, c.f); err != nil || n != c.want {
				t.Errorf("filter %+v: %d plans (%v), want %d", c.f, n, err, c.want)
			}
		}
		if _, _, err := e.plans.Plans(e.sys, plan.Filter{Kind: "manual"}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("unknown kind filter: %v", err)
		}

		// Codes are unique.
		_, _, err = e.plans.CreatePlan(office, plan.Plan{Code: "YA-02", Kind: plan.Onsite, UnitID: e.east.ID}, plan.Version{Title: "重复"})
		wantCode(t, err, errs.Conflict, "code")

		// The audit log has the creation, in the same transaction.
		entries, err := e.audit.List(e.sys, audit.Filter{Entity: "plan"})
		if err != nil || len(entries) != 2 || entries[0].Action != "plan.create" {
			t.Fatalf("audit: %v %+v", err, entries)
		}
	})
}

func TestValidationFieldPaths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		office := e.as(e.office)
		bad := func(edit func(c *plan.Content), field, msg string) {
			t.Helper()
			c := e.content()
			edit(&c)
			_, _, err := e.plans.CreatePlan(office, plan.Plan{Kind: plan.Special, UnitID: e.east.ID}, plan.Version{Title: "x", Content: c})
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("%s: %v, want invalid", field, err)
			}
			for _, f := range errs.FieldsOf(err) {
				if f.Field == field && strings.Contains(f.Message, msg) {
					return
				}
			}
			t.Fatalf("%s: no field error %q among %+v", field, msg, errs.FieldsOf(err))
		}
		bad(func(c *plan.Content) { c.Playbooks[0].Tasks[0].TimeLimit = -5 }, "content.playbooks[0].tasks[0].time_limit", "minutes")
		bad(func(c *plan.Content) { c.Playbooks[0].Tasks[1].Step = 0 }, "content.playbooks[0].tasks[1].step", "1 or more")
		bad(func(c *plan.Content) { c.Playbooks[0].Tasks[0].Step = 3 }, "content.playbooks[0].tasks[1].step", "in order")
		bad(func(c *plan.Content) { c.Playbooks[0].Tasks[0].Role = plan.Role{} }, "content.playbooks[0].tasks[0].role", "is required")
		bad(func(c *plan.Content) { c.Playbooks[0].Triggers[0].Operator = "between" }, "content.playbooks[0].triggers[0].operator", "gt")
		bad(func(c *plan.Content) { c.Playbooks[0].Triggers[0].Metric = "Power Supply" }, "content.playbooks[0].triggers[0].metric", "lower-case")
		bad(func(c *plan.Content) {
			c.Playbooks[0].Triggers = append(c.Playbooks[0].Triggers, plan.Trigger{Kind: plan.OnIncident, Severity: 5})
		}, "content.playbooks[0].triggers[1].severity", "between 1")
		bad(func(c *plan.Content) { c.Playbooks[0].Communications[0].Lang = "fr" }, "content.playbooks[0].communications[0].lang", "zh-CN")
		bad(func(c *plan.Content) { c.Playbooks[0].Communications[0].Body = "<b></b>" }, "content.playbooks[0].communications[0].body", "required")
		bad(func(c *plan.Content) { c.Playbooks[0].Recovery[0].RTO = 0 }, "content.playbooks[0].recovery[0].rto_minutes", "between 1")
		bad(func(c *plan.Content) { c.Playbooks = append(c.Playbooks, c.Playbooks[0]) }, "content.playbooks[1].key", "another playbook")
		bad(func(c *plan.Content) { c.ResponseLevels.Levels[0].Level = 0 }, "content.response_levels.levels[0].level", "between 1")
		bad(func(c *plan.Content) { c.Playbooks[0].Tasks[0].Role = plan.Role{TeamRole: org.RoleLeader} }, "content.playbooks[0].tasks[0].role.team_id", "required")
		// References are checked against the directory and the register.
		bad(func(c *plan.Content) { c.Playbooks[0].Tasks[0].Role = plan.Role{TeamID: 9999} }, "content.playbooks[0].tasks[0].role.team_id", "no team")
		bad(func(c *plan.Content) { c.Playbooks[0].Activation.Deputy.PersonID = 9999 }, "content.playbooks[0].activation.deputy.person_id", "no person")
		bad(func(c *plan.Content) { c.Risks.RiskIDs = []int64{9999} }, "content.risks.risk_ids[0]", "no risk")
		bad(func(c *plan.Content) { c.Playbooks[0].Tasks[1].Role.UnitID = 9999 }, "content.playbooks[0].tasks[1].role.unit_id", "no org unit")
		bad(func(c *plan.Content) { c.Playbooks[0].Recovery[0].ProcessID = 9999 }, "content.playbooks[0].recovery[0].process_id", "no business process")

		// Library fields.
		_, _, err := e.plans.CreatePlan(office, plan.Plan{Kind: "manual", UnitID: e.east.ID, ReviewMonths: 99,
			Approvers: []plan.Approver{{Role: authz.Viewer}, {}}, Quorum: 3}, plan.Version{})
		fields := map[string]bool{}
		for _, f := range errs.FieldsOf(err) {
			fields[f.Field] = true
		}
		for _, f := range []string{"kind", "review_months", "approvers[0].role", "approvers[1]", "quorum", "title"} {
			if !fields[f] {
				t.Errorf("no error on %s: %v", f, err)
			}
		}
		_, _, err = e.plans.CreatePlan(office, plan.Plan{Kind: plan.Special, UnitID: e.east.ID, Approvers: []plan.Approver{{UserID: e.viewer.ID}}},
			plan.Version{Title: "x"})
		wantCode(t, err, errs.Invalid, "approvers[0].user_id: viewer holds no role that may approve plans")

		// Markdown is sanitised, playbook keys assigned.
		c := e.content()
		c.Purpose.Text = "目的<script>x()</script>与范围"
		c.Playbooks[0].Key = ""
		_, v, err := e.plans.CreatePlan(office, plan.Plan{Kind: plan.Special, UnitID: e.east.ID}, plan.Version{Title: "x", Content: c})
		if err != nil {
			t.Fatal(err)
		}
		if v.Content.Purpose.Text != "目的x()与范围" || v.Content.Playbooks[0].Key != "playbook-1" {
			t.Errorf("normalised content: %q, key %q", v.Content.Purpose.Text, v.Content.Playbooks[0].Key)
		}
	})
}

func TestAuthorization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := plan.Plan{Kind: plan.Special, UnitID: e.west.ID}
		v := plan.Version{Title: "西南分公司地震专项预案"}
		_, _, err := e.plans.CreatePlan(e.as(e.viewer), p, v)
		wantCode(t, err, errs.Forbidden, "plan.write")
		_, _, err = e.plans.CreatePlan(e.as(e.chair), p, v)
		wantCode(t, err, errs.Forbidden, "plan.write")
		// A manager of the east branch writes plans of the east branch only.
		_, _, err = e.plans.CreatePlan(e.as(e.eastMgr), p, v)
		wantCode(t, err, errs.Forbidden, "on this unit")
		p.UnitID = e.east.ID
		east, _, err := e.plans.CreatePlan(e.as(e.eastMgr), p, v)
		if err != nil {
			t.Fatal(err)
		}
		// and cannot move it out of the branch.
		east.UnitID = e.west.ID
		_, err = e.plans.UpdatePlan(e.as(e.eastMgr), east)
		wantCode(t, err, errs.Forbidden, "on this unit")
		// Everyone reads.
		if _, err := e.plans.Plan(e.as(e.viewer), east.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.plans.Plan(context.Background(), east.ID); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("anonymous read: %v", err)
		}
	})
}

func TestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		office, chair, member := e.as(e.office), e.as(e.chair), e.as(e.member)
		p, _ := e.create(t, office, plan.Plan{Kind: plan.Special, UnitID: e.east.ID, OwnerID: e.li.ID,
			Approvers: []plan.Approver{{UserID: e.chair.ID}, {Role: authz.Committee}}})
		if p.Approvers[0].Name != "Chair" {
			t.Errorf("approver name %q", p.Approvers[0].Name)
		}

		// Approving needs a version in review.
		_, err := e.plans.Decide(chair, p.ID, 1, plan.Approve, "")
		wantCode(t, err, errs.Conflict, "version 1 is draft")
		if _, err := e.plans.Submit(office, p.ID, 1); err != nil {
			t.Fatal(err)
		}
		// In review, the draft cannot be edited.
		_, err = e.plans.SaveDraft(office, p.ID, 1, plan.Version{Title: "改", Content: e.content()})
		wantCode(t, err, errs.Conflict, "withdraw it")

		// The author cannot approve, even holding the committee role as well.
		withBoth := e.office
		withBoth.Grants = append(withBoth.Grants, authz.Grant{Role: authz.Committee, UnitID: e.group.ID})
		_, err = e.plans.Decide(e.as(withBoth), p.ID, 1, plan.Approve, "同意")
		wantCode(t, err, errs.Forbidden, "author")
		// Nor can someone without plan.approve.
		_, err = e.plans.Decide(e.as(e.viewer), p.ID, 1, plan.Approve, "")
		wantCode(t, err, errs.Forbidden, "plan.approve")

		// Two approvals needed: the chair by name, a committee member by role.
		v, err := e.plans.Decide(member, p.ID, 1, plan.Approve, "同意")
		if err != nil || v.Status != plan.InReview || len(v.Decisions) != 1 || v.Decisions[0].Slot != 1 {
			t.Fatalf("first approval: %v %+v", err, v)
		}
		_, err = e.plans.Decide(member, p.ID, 1, plan.Approve, "")
		wantCode(t, err, errs.Conflict, "already decided")
		// A rejection needs a comment.
		_, err = e.plans.Decide(chair, p.ID, 1, plan.Reject, " ")
		wantCode(t, err, errs.Invalid, "comment")
		v, err = e.plans.Decide(chair, p.ID, 1, plan.Reject, "请补充备用发电机的容量")
		if err != nil || v.Status != plan.Draft {
			t.Fatalf("reject: %v %+v", err, v)
		}
		// Back in draft: edit, resubmit; the earlier approval no longer counts.
		c := e.content()
		c.Resources.Items = []plan.Resource{{Name: "柴油发电机", NameEn: "Diesel generator", Quantity: 2, Unit: "台", Location: "枢纽仓 B 区"}}
		if _, err := e.plans.SaveDraft(office, p.ID, 1, plan.Version{Title: "公用事业供应中断专项应急预案", Content: c, ChangeNote: "补充发电机"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.plans.Submit(office, p.ID, 1); err != nil {
			t.Fatal(err)
		}
		v, err = e.plans.Decide(chair, p.ID, 1, plan.Approve, "同意发布")
		if err != nil || v.Status != plan.InReview || v.Round != 2 {
			t.Fatalf("approval after resubmission must wait for the second approver: %v %+v", err, v)
		}
		// Publishing needs the approval first.
		_, err = e.plans.Publish(office, p.ID, 1)
		wantCode(t, err, errs.Conflict, "publish needs it to be approved")
		v, err = e.plans.Decide(member, p.ID, 1, plan.Approve, "")
		if err != nil || v.Status != plan.Approved || v.ApprovedAt == nil {
			t.Fatalf("second approval: %v %+v", err, v)
		}
		if len(v.Decisions) != 4 {
			t.Errorf("the approval record keeps every decision: %+v", v.Decisions)
		}
		e.clock.Advance(24 * time.Hour)
		v, err = e.plans.Publish(office, p.ID, 1)
		if err != nil || v.Status != plan.Published || v.ReviewDue != "2027-03-02" {
			t.Fatalf("publish: %v %+v", err, v)
		}
		p, _ = e.plans.Plan(e.sys, p.ID)
		if p.PublishedVersion != 1 || p.Status != plan.Published || p.ReviewDue != "2027-03-02" {
			t.Fatalf("plan after publication: %+v", p)
		}

		// A published version never changes again.
		_, err = e.plans.SaveDraft(office, p.ID, 1, plan.Version{Title: "改", Content: e.content()})
		wantCode(t, err, errs.Conflict, "version 1 is published and cannot be changed; start a new draft")
		err = e.plans.DeleteDraft(office, p.ID, 1)
		wantCode(t, err, errs.Conflict, "published")
		err = e.plans.DeletePlan(office, p.ID)
		wantCode(t, err, errs.Conflict, "kept for the record")

		// Editing starts a new draft from it; one open version at a time.
		v2, err := e.plans.NewDraft(office, p.ID, 0)
		if err != nil || v2.Number != 2 || v2.BasedOn != 1 || v2.Status != plan.Draft || !reflect.DeepEqual(v2.Content, v.Content) {
			t.Fatalf("new draft: %v %+v", err, v2)
		}
		_, err = e.plans.NewDraft(office, p.ID, 0)
		wantCode(t, err, errs.Conflict, "still draft")
		c2 := v2.Content
		c2.Playbooks[0].Tasks[0].TimeLimit = 15
		c2.Playbooks = append(c2.Playbooks, plan.Playbook{Key: "water-outage", Title: "停水", Activation: c2.Playbooks[0].Activation,
			Tasks: []plan.Task{{Step: 1, Title: "启用储水罐", Role: plan.Role{Label: "行政部"}}}})
		if _, err := e.plans.SaveDraft(office, p.ID, 2, plan.Version{Title: v2.Title, TitleEn: v2.TitleEn, Content: c2, ChangeNote: "缩短时限"}); err != nil {
			t.Fatal(err)
		}
		p, _ = e.plans.Plan(e.sys, p.ID)
		if p.LatestVersion != 2 || p.Status != plan.Draft || p.PublishedVersion != 1 {
			t.Fatalf("plan with a draft over the published version: %+v", p)
		}
		_, pub, err := e.plans.Published(e.sys, p.ID)
		if err != nil || pub.Number != 1 {
			t.Fatalf("the version in force stays 1 while 2 is drafted: %v %d", err, pub.Number)
		}

		for _, step := range []func() (plan.Version, error){
			func() (plan.Version, error) { return e.plans.Submit(office, p.ID, 2) },
			func() (plan.Version, error) { return e.plans.Decide(chair, p.ID, 2, plan.Approve, "") },
			func() (plan.Version, error) { return e.plans.Decide(member, p.ID, 2, plan.Approve, "") },
			func() (plan.Version, error) { return e.plans.Publish(office, p.ID, 2) },
		} {
			if _, err := step(); err != nil {
				t.Fatal(err)
			}
		}
		vs, err := e.plans.Versions(e.sys, p.ID)
		if err != nil || len(vs) != 2 || vs[0].Status != plan.Published || vs[1].Status != plan.Superseded {
			t.Fatalf("versions after the second publication: %v %+v", err, vs)
		}
		old, err := e.plans.Version(e.sys, p.ID, 1)
		if err != nil || old.Content.Playbooks[0].Tasks[0].TimeLimit != 30 {
			t.Fatalf("the superseded version is kept as it was: %v", err)
		}

		// Diff section by section and playbook by playbook.
		d, err := e.plans.Diff(e.sys, p.ID, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		changes := map[string]plan.Change{}
		for _, s := range append(d.Sections, d.Playbooks...) {
			changes[s.Key] = s.Change
		}
		if changes["utility-outage"] != plan.Changed || changes["water-outage"] != plan.Added || changes["purpose"] != plan.Unchanged || d.Changed != 2 {
			t.Fatalf("diff: %+v", changes)
		}
		var lines []string
		for _, l := range d.Playbooks[0].Lines {
			if l.Op != plan.Equal {
				lines = append(lines, string(l.Op)+l.Text)
			}
		}
		want := []string{"-task 1 [within 30 min] 行政部 / Administration: 确认停电范围并联系供电公司 / Confirm the outage and call the utility",
			"+task 1 [within 15 min] 行政部 / Administration: 确认停电范围并联系供电公司 / Confirm the outage and call the utility"}
		if !reflect.DeepEqual(lines, want) {
			t.Fatalf("line diff of the playbook:\n got %q\nwant %q", lines, want)
		}
		// Names, not ids, in the diff.
		found := false
		for _, l := range d.Playbooks[0].Lines {
			found = found || strings.Contains(l.Text, "activation: 危机管理委员会 / Crisis committee leader; deputy: 张伟 / P 张伟")
		}
		if !found {
			t.Errorf("the diff shows teams and people by name: %+v", d.Playbooks[0].Lines)
		}
		_, err = e.plans.Diff(e.sys, p.ID, 1, 9)
		wantCode(t, err, errs.Invalid, "no version 9")

		entries, err := e.audit.List(e.sys, audit.Filter{Entity: "plan", EntityID: itoa(p.ID), Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, en := range entries {
			actions[en.Action]++
		}
		for a, n := range map[string]int{"plan.create": 1, "plan.submit": 3, "plan.approve": 5, "plan.reject": 1, "plan.publish": 2, "plan.version.create": 1} {
			if actions[a] != n {
				t.Errorf("audit %s: %d entries, want %d (%v)", a, actions[a], n, actions)
			}
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestQuorumAndDefaultApprover(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		office := e.as(e.office)
		// Without approvers, one approval by any holder of plan.approve on
		// the unit suffices.
		p, _ := e.create(t, office, plan.Plan{Kind: plan.Onsite, UnitID: e.east.ID})
		if _, err := e.plans.Submit(office, p.ID, 1); err != nil {
			t.Fatal(err)
		}
		v, err := e.plans.Decide(e.as(e.member), p.ID, 1, plan.Approve, "")
		if err != nil || v.Status != plan.Approved {
			t.Fatalf("default approver: %v %+v", err, v)
		}

		// Three named approvers, quorum two.
		q, _ := e.create(t, office, plan.Plan{Kind: plan.BCP, UnitID: e.group.ID, Quorum: 2,
			Approvers: []plan.Approver{{UserID: e.chair.ID}, {UserID: e.member.ID}, {UserID: e.admin.ID}}})
		if _, err := e.plans.Submit(office, q.ID, 1); err != nil {
			t.Fatal(err)
		}
		// A committee member who is not named is not an approver of this plan.
		_, err = e.plans.Decide(e.as(e.third), q.ID, 1, plan.Approve, "")
		wantCode(t, err, errs.Forbidden, "Third is not an approver of this plan")
		if v, err := e.plans.Decide(e.as(e.member), q.ID, 1, plan.Approve, ""); err != nil || v.Status != plan.InReview {
			t.Fatalf("first of two: %v %+v", err, v)
		}
		if v, err := e.plans.Decide(e.as(e.chair), q.ID, 1, plan.Approve, ""); err != nil || v.Status != plan.Approved {
			t.Fatalf("quorum reached: %v %+v", err, v)
		}
		// Withdrawn after approval: the approvals of that round lapse.
		if v, err := e.plans.Withdraw(office, q.ID, 1); err != nil || v.Status != plan.Draft {
			t.Fatalf("withdraw: %v %+v", err, v)
		}
		if _, err := e.plans.Submit(office, q.ID, 1); err != nil {
			t.Fatal(err)
		}
		if v, err := e.plans.Decide(e.as(e.chair), q.ID, 1, plan.Approve, ""); err != nil || v.Status != plan.InReview {
			t.Fatalf("after withdrawal the quorum starts again: %v %+v", err, v)
		}
	})
}

func TestDueForReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		office, chair := e.as(e.office), e.as(e.chair)
		publish := func(p plan.Plan) plan.Plan {
			t.Helper()
			for _, step := range []func() (plan.Version, error){
				func() (plan.Version, error) { return e.plans.Submit(office, p.ID, p.LatestVersion) },
				func() (plan.Version, error) { return e.plans.Decide(chair, p.ID, p.LatestVersion, plan.Approve, "") },
				func() (plan.Version, error) { return e.plans.Publish(office, p.ID, p.LatestVersion) },
			} {
				if _, err := step(); err != nil {
					t.Fatal(err)
				}
			}
			p, _ = e.plans.Plan(e.sys, p.ID)
			return p
		}
		yearly, _ := e.create(t, office, plan.Plan{Code: "Y", Kind: plan.General, UnitID: e.group.ID, OwnerID: e.li.ID})
		yearly = publish(yearly)
		half, _ := e.create(t, office, plan.Plan{Code: "H", Kind: plan.DRP, UnitID: e.group.ID, ReviewMonths: 6})
		half = publish(half)
		e.create(t, office, plan.Plan{Code: "D", Kind: plan.Special, UnitID: e.group.ID}) // never published
		if yearly.ReviewDue != "2027-03-01" || half.ReviewDue != "2026-09-01" {
			t.Fatalf("review due: %s, %s", yearly.ReviewDue, half.ReviewDue)
		}
		due := func(at time.Time) []plan.ReviewReminder {
			t.Helper()
			rs, err := e.plans.DueForReview(e.sys, at)
			if err != nil {
				t.Fatal(err)
			}
			return rs
		}
		if rs := due(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)); len(rs) != 0 {
			t.Fatalf("nothing due in July: %+v", rs)
		}
		rs := due(time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC))
		if len(rs) != 1 || rs[0].PlanID != half.ID || rs[0].Overdue || rs[0].DaysLeft != 17 {
			t.Fatalf("the DR plan is due within the window: %+v", rs)
		}
		rs = due(time.Date(2027, 3, 5, 0, 0, 0, 0, time.UTC))
		if len(rs) != 2 || rs[0].PlanID != half.ID || !rs[0].Overdue || rs[1].PlanID != yearly.ID || !rs[1].Overdue ||
			rs[1].OwnerID != e.li.ID || rs[1].DaysLeft != -4 {
			t.Fatalf("both overdue, earliest first, with the owner: %+v", rs)
		}
		// The review period is configurable per plan; changing it moves the due date.
		yearly.ReviewMonths = 24
		if yearly, err := e.plans.UpdatePlan(office, yearly); err != nil || yearly.ReviewDue != "2028-03-01" {
			t.Fatalf("two-yearly review: %v %s", err, yearly.ReviewDue)
		}
		// A review without changes confirms the plan for another period.
		e.clock.Set(time.Date(2026, 8, 20, 10, 0, 0, 0, time.UTC))
		if half, err := e.plans.ConfirmReview(office, half.ID, "复核无变化"); err != nil || half.ReviewDue != "2027-02-20" {
			t.Fatalf("confirm review: %v %s", err, half.ReviewDue)
		}
		if rs := due(time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC)); len(rs) != 0 {
			t.Fatalf("nothing due after the review: %+v", rs)
		}
	})
}

func TestMayDecideAndApproverGuard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		office := e.as(e.office)
		p, v := e.create(t, office, plan.Plan{Kind: plan.Special, UnitID: e.east.ID, ReviewMonths: 6,
			Approvers: []plan.Approver{{UserID: e.chair.ID}}})
		principal := func(u identity.User) authz.Principal {
			pr, _ := authz.From(e.as(u))
			return pr
		}
		// A draft cannot be decided on by anyone.
		wantCode(t, plan.MayDecide(&p, &v, principal(e.chair), e.east.Path), errs.Conflict, "in review")

		// A review interval of 0 keeps the plan's; the approvers may change while drafting.
		p.ReviewMonths = 0
		p.Approvers = []plan.Approver{{UserID: e.chair.ID}, {Role: authz.Committee}}
		p, err := e.plans.UpdatePlan(office, p)
		if err != nil || p.ReviewMonths != 6 || len(p.Approvers) != 2 {
			t.Fatalf("update: %v, review months %d, approvers %+v", err, p.ReviewMonths, p.Approvers)
		}
		if v, err = e.plans.Submit(office, p.ID, 1); err != nil {
			t.Fatal(err)
		}
		wantCode(t, plan.MayDecide(&p, &v, principal(e.office), e.east.Path), errs.Forbidden, "plan.approve")
		withBoth := e.office
		withBoth.Grants = append(withBoth.Grants, authz.Grant{Role: authz.Committee, UnitID: e.group.ID})
		wantCode(t, plan.MayDecide(&p, &v, principal(withBoth), e.east.Path), errs.Forbidden, "author")
		if err := plan.MayDecide(&p, &v, principal(e.chair), e.east.Path); err != nil {
			t.Fatalf("the chair may decide: %v", err)
		}

		// Once in review the approvers and the quorum are fixed; other fields may change.
		changed := p
		changed.Approvers = []plan.Approver{{Role: authz.Committee}}
		_, err = e.plans.UpdatePlan(office, changed)
		wantCode(t, err, errs.Conflict, "approval has started")
		if fs := errs.FieldsOf(err); len(fs) != 1 || fs[0].Field != "approvers" {
			t.Fatalf("fields %+v", fs)
		}
		changed = p
		changed.Quorum = 1
		_, err = e.plans.UpdatePlan(office, changed)
		wantCode(t, err, errs.Conflict, "approval has started")
		changed = p
		changed.Code = "ZX-09"
		if _, err := e.plans.UpdatePlan(office, changed); err != nil {
			t.Fatalf("changing the code in review: %v", err)
		}

		if v, err = e.plans.Decide(e.as(e.chair), p.ID, 1, plan.Approve, ""); err != nil {
			t.Fatal(err)
		}
		// Having decided, the chair may not decide again; another committee member may.
		wantCode(t, plan.MayDecide(&p, &v, principal(e.chair), e.east.Path), errs.Conflict, "already decided")
		if err := plan.MayDecide(&p, &v, principal(e.member), e.east.Path); err != nil {
			t.Fatalf("a committee member may decide: %v", err)
		}
		if _, err := e.plans.Withdraw(office, p.ID, 1); err != nil {
			t.Fatal(err)
		}
		// Back in draft, the approvers may change again.
		changed = p
		changed.Code = "ZX-09"
		changed.Approvers = []plan.Approver{{Role: authz.Committee}}
		if _, err := e.plans.UpdatePlan(office, changed); err != nil {
			t.Fatalf("changing approvers in draft: %v", err)
		}
	})
}

// fakeNotifier records reminders and, like the notification engine, sends
// each dedup key once.
type fakeNotifier struct {
	keys map[string]bool
	sent []plan.ReviewReminder
}

func (f *fakeNotifier) RemindReview(_ context.Context, r plan.ReviewReminder, key string) (bool, error) {
	if f.keys[key] {
		return false, nil
	}
	f.keys[key] = true
	f.sent = append(f.sent, r)
	return true, nil
}

func TestReviewRemindersAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		office, chair := e.as(e.office), e.as(e.chair)
		publish := func(p plan.Plan) {
			t.Helper()
			if _, err := e.plans.Submit(office, p.ID, 1); err != nil {
				t.Fatal(err)
			}
			if _, err := e.plans.Decide(chair, p.ID, 1, plan.Approve, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := e.plans.Publish(office, p.ID, 1); err != nil {
				t.Fatal(err)
			}
		}
		owned, _ := e.create(t, office, plan.Plan{Code: "O", Kind: plan.General, UnitID: e.group.ID, OwnerID: e.li.ID})
		publish(owned) // due 2027-03-01
		orphan, _ := e.create(t, office, plan.Plan{Code: "N", Kind: plan.DRP, UnitID: e.group.ID})
		publish(orphan)
		e.create(t, office, plan.Plan{Code: "D", Kind: plan.Special, UnitID: e.group.ID, OwnerID: e.li.ID}) // a draft

		// The library filters by owner and by review due date.
		list := func(f plan.Filter) []string {
			t.Helper()
			ps, _, err := e.plans.Plans(e.sys, f)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, p := range ps {
				codes = append(codes, p.Code)
			}
			return codes
		}
		if got := list(plan.Filter{OwnerID: e.li.ID}); !reflect.DeepEqual(got, []string{"O", "D"}) {
			t.Errorf("owned by Li: %v", got)
		}
		if got := list(plan.Filter{ReviewDueBy: "2027-02-28"}); len(got) != 0 {
			t.Errorf("due by 2027-02-28: %v", got)
		}
		if got := list(plan.Filter{ReviewDueBy: "2027-03-01"}); !reflect.DeepEqual(got, []string{"O", "N"}) {
			t.Errorf("due by 2027-03-01: %v", got)
		}
		_, _, err := e.plans.Plans(e.sys, plan.Filter{ReviewDueBy: "next year"})
		wantCode(t, err, errs.Invalid, "review_due_by")

		// Reminders need a notifier and plan.write.
		_, err = e.plans.RemindReviews(e.sys, time.Now())
		wantCode(t, err, errs.Internal, "no notifier")
		n := &fakeNotifier{keys: map[string]bool{}}
		e.plans.SetNotifier(n)
		_, err = e.plans.RemindReviews(e.as(e.viewer), time.Now())
		wantCode(t, err, errs.Forbidden, "plan.write")

		remind := func(day string, wantSent int) plan.RemindResult {
			t.Helper()
			at, _ := time.Parse(plan.DateLayout, day)
			res, err := e.plans.RemindReviews(e.sys, at)
			if err != nil {
				t.Fatal(err)
			}
			if res.Sent != wantSent {
				t.Fatalf("%s: sent %d, want %d (%+v)", day, res.Sent, wantSent, res)
			}
			return res
		}
		remind("2027-01-15", 0)        // not yet in the window
		res := remind("2027-02-01", 1) // a month ahead: the owner of O; N has none
		if res.Due != 2 || !reflect.DeepEqual(res.NoOwner, []int64{orphan.ID}) || n.sent[0].OwnerID != e.li.ID {
			t.Fatalf("a month ahead: %+v %+v", res, n.sent)
		}
		remind("2027-02-10", 0) // same stage: not again
		remind("2027-02-23", 1) // the last week
		remind("2027-03-01", 1) // the day
		remind("2027-03-02", 1) // overdue, first week
		remind("2027-03-08", 0) // still the first week
		remind("2027-03-09", 1) // second week
		var stages []string
		for _, r := range n.sent {
			stages = append(stages, r.ReminderStage())
		}
		if !reflect.DeepEqual(stages, []string{"month", "week", "due", "overdue-1", "overdue-2"}) {
			t.Fatalf("stages %v", stages)
		}
		// A confirmed review moves the due date: reminders start afresh a year on.
		e.clock.Set(time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC))
		if _, err := e.plans.ConfirmReview(office, owned.ID, ""); err != nil {
			t.Fatal(err)
		}
		remind("2027-03-11", 0)
		remind("2028-02-15", 1)
	})
}
