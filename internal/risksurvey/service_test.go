package risksurvey_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

var _ risksurvey.Store = (*store.DB)(nil)

type env struct {
	db      *store.DB
	risks   *risk.Service
	surveys *risksurvey.Service
	ids     *identity.Service
	clock   *clock.Fake
	sys     context.Context
	sent    *fakeNotifier

	group, warehouse, transport org.Unit
	zhang                       org.Person
}

// fakeNotifier sends each dedup key once, as the notification service does.
type fakeNotifier struct {
	keys map[string]risksurvey.Reminder
}

func (f *fakeNotifier) Remind(_ context.Context, r risksurvey.Reminder) (bool, error) {
	if _, ok := f.keys[r.DedupKey()]; ok {
		return false, nil
	}
	f.keys[r.DedupKey()] = r
	return true, nil
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	orgs := org.NewService(db, db, a, clk)
	e := &env{db: db, risks: risk.NewService(db, db, a, clk), clock: clk, sent: &fakeNotifier{keys: map[string]risksurvey.Reminder{}},
		sys: authz.WithPrincipal(context.Background(), authz.SystemPrincipal)}
	e.surveys = risksurvey.NewService(db, db, a, clk, e.risks)
	e.surveys.SetNotifier(e.sent)
	e.ids = identity.NewService(db, orgs, db, a, clk)
	unit := func(parent *org.Unit, kind org.UnitKind, name string) org.Unit {
		u := org.Unit{Kind: kind, Name: name}
		if parent != nil {
			u.ParentID = &parent.ID
		}
		u, err := orgs.CreateUnit(e.sys, u)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.group = unit(nil, org.KindGroup, "物流集团")
	e.warehouse = unit(&e.group, org.KindDepartment, "仓储部")
	e.transport = unit(&e.group, org.KindDepartment, "运输部")
	p, err := orgs.SavePerson(e.sys, org.Person{Name: "张伟", UnitID: e.warehouse.ID, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	e.zhang = p
	// The warehouse's department lead has an account linked to 张伟.
	if _, err := e.ids.CreateUser(e.sys, identity.NewUser{Username: "zhang", Password: "a-long-password-1", PersonID: &p.ID,
		Grants: []authz.Grant{{Role: authz.DepartmentLead, UnitID: e.warehouse.ID}}}); err != nil {
		t.Fatal(err)
	}
	return e
}

func as(role authz.Role, u org.Unit) context.Context {
	return authz.WithPrincipal(context.Background(), authz.Principal{UserID: 7, Name: "tester",
		Grants: []authz.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}})
}

func (e *env) template(t *testing.T, code string) risksurvey.Template {
	t.Helper()
	ts, err := e.surveys.Templates(e.sys)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.Code == code {
			return x
		}
	}
	t.Fatalf("no built-in checklist %s", code)
	return risksurvey.Template{}
}

func (e *env) launch(t *testing.T, units ...int64) risksurvey.Campaign {
	t.Helper()
	tpl := e.template(t, "department")
	c, err := e.surveys.Launch(as(authz.BCMManager, e.group), risksurvey.Launch{Title: "2026年度风险排查", TemplateID: tpl.ID, MatrixID: "5x5",
		Due: "2026-04-15", UnitIDs: units})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fieldOf(err error) string {
	if fs := errs.FieldsOf(err); len(fs) > 0 {
		return fs[0].Field
	}
	return ""
}

func TestStoredChecklistsAreTheBuiltinOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		stored, err := e.surveys.Templates(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		want := risksurvey.BuiltinTemplates()
		if len(stored) != len(want) {
			t.Fatalf("%d checklists stored, want %d", len(stored), len(want))
		}
		for i, w := range want {
			got := stored[i]
			if err := w.Validate(); err != nil {
				t.Errorf("built-in %s: %v", w.Code, err)
			}
			a, _ := json.Marshal(got.Questions)
			b, _ := json.Marshal(w.Questions)
			if got.Code != w.Code || got.Name != w.Name || got.NameEn != w.NameEn || got.Description != w.Description ||
				got.DescriptionEn != w.DescriptionEn || string(a) != string(b) || !got.Builtin {
				t.Errorf("checklist %s in migration 0005 differs from BuiltinTemplates", w.Code)
			}
		}
	})
}

func TestLaunchValidatesAndStoresNothingOnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tpl := e.template(t, "department")
		office := as(authz.BCMManager, e.group)
		for _, tc := range []struct {
			in    risksurvey.Launch
			field string
		}{
			{risksurvey.Launch{TemplateID: tpl.ID, MatrixID: "5x5", Due: "2026-04-15", UnitIDs: []int64{e.warehouse.ID}}, "title"},
			{risksurvey.Launch{Title: "x", TemplateID: tpl.ID, MatrixID: "5x5", Due: "2026-03-31", UnitIDs: []int64{e.warehouse.ID}}, "due"},
			{risksurvey.Launch{Title: "x", TemplateID: tpl.ID, MatrixID: "5x5", Due: "2026-04-15"}, "unit_ids"},
			{risksurvey.Launch{Title: "x", TemplateID: 999, MatrixID: "5x5", Due: "2026-04-15", UnitIDs: []int64{e.warehouse.ID}}, "template_id"},
			{risksurvey.Launch{Title: "x", TemplateID: tpl.ID, MatrixID: "9x9", Due: "2026-04-15", UnitIDs: []int64{e.warehouse.ID}}, "matrix_id"},
			{risksurvey.Launch{Title: "x", TemplateID: tpl.ID, MatrixID: "5x5", Due: "2026-04-15", UnitIDs: []int64{e.warehouse.ID, 4242}}, "unit_ids[1]"},
		} {
			_, err := e.surveys.Launch(office, tc.in)
			if !errs.Is(err, errs.Invalid) || fieldOf(err) != tc.field {
				t.Errorf("launch %+v: got %v, want invalid %s", tc.in, err, tc.field)
			}
		}
		if _, err := e.surveys.Launch(as(authz.DepartmentLead, e.group), risksurvey.Launch{Title: "x", TemplateID: tpl.ID, MatrixID: "5x5",
			Due: "2026-04-15", UnitIDs: []int64{e.warehouse.ID}}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("department lead launching: %v, want forbidden", err)
		}
		cs, err := e.surveys.Campaigns(e.sys)
		if err != nil || len(cs) != 0 {
			t.Fatalf("campaigns after refused launches: %d, %v", len(cs), err)
		}
	})
}

func TestSurveyAnswerReviewAccept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		existing, err := e.risks.SaveRisk(e.sys, risk.Risk{Title: "仓库火灾", Category: risk.SafetyAccident, UnitID: e.warehouse.ID})
		if err != nil {
			t.Fatal(err)
		}
		c := e.launch(t, e.warehouse.ID, e.transport.ID)
		if len(c.Units) != 2 || c.Units[0].Status != risksurvey.NotStarted || c.Units[0].Questions != 12 {
			t.Fatalf("launched campaign progress: %+v", c.Units)
		}
		lead := as(authz.DepartmentLead, e.warehouse)
		sh, err := e.surveys.Sheet(lead, c.ID, e.warehouse.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sh.Answers) != 12 {
			t.Fatalf("%d answers on a new sheet, want one per question", len(sh.Answers))
		}
		// The lead of the warehouse cannot answer for transport.
		if _, err := e.surveys.SaveSheet(lead, c.ID, e.transport.ID, nil, false); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("answering for another unit: %v, want forbidden", err)
		}
		// Everything "no" except: natural (yes, new risk), safety (yes,
		// confirms the stored fire risk with its controls), plus one
		// risk the checklist does not name.
		in := make([]risksurvey.AnswerInput, len(sh.Answers))
		for i, a := range sh.Answers {
			in[i] = risksurvey.AnswerInput{ID: a.ID, Present: risksurvey.No}
			switch a.QuestionKey {
			case "natural":
				in[i] = risksurvey.AnswerInput{ID: a.ID, Present: risksurvey.Yes, Title: "台风导致仓库进水", Controls: "沙袋、排水泵", Likelihood: 4, Impact: 4}
			case "safety":
				in[i] = risksurvey.AnswerInput{ID: a.ID, Present: risksurvey.Yes, RiskID: &existing.ID, Controls: "自动喷淋、每月消防检查", Likelihood: 2, Impact: 5}
			}
		}
		in = append(in, risksurvey.AnswerInput{Title: "叉车操作人员无证上岗", Category: risk.SafetyAccident, Likelihood: 3, Impact: 3})
		// Unanswered, as a draft: fine; a partial draft keeps the rest.
		if _, err := e.surveys.SaveSheet(lead, c.ID, e.warehouse.ID, in[:2], false); err != nil {
			t.Fatalf("draft: %v", err)
		}
		// Submitting with an answer out of the matrix names it.
		bad := append([]risksurvey.AnswerInput(nil), in...)
		bad[0].Present, bad[0].Likelihood, bad[0].Impact, bad[0].Title = risksurvey.Yes, 6, 1, "x"
		if _, err := e.surveys.SaveSheet(lead, c.ID, e.warehouse.ID, bad, true); fieldOf(err) != "answers[0].likelihood" {
			t.Fatalf("submit out of range: %v", err)
		}
		sh, err = e.surveys.SaveSheet(lead, c.ID, e.warehouse.ID, in, true)
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		if sh.Progress.Status != risksurvey.Submitted || sh.Progress.Present != 3 || sh.Progress.Answered != 12 || len(sh.Answers) != 13 {
			t.Fatalf("after submit: %+v, %d answers", sh.Progress, len(sh.Answers))
		}
		if _, err := e.surveys.SaveSheet(lead, c.ID, e.warehouse.ID, in, false); !errs.Is(err, errs.Conflict) {
			t.Fatalf("changing a submitted sheet: %v, want conflict", err)
		}
		byKey := map[string]risksurvey.Answer{}
		for _, a := range sh.Answers {
			byKey[a.QuestionKey] = a
		}
		office := as(authz.BCMManager, e.group)
		// Department leads cannot review.
		if _, _, err := e.surveys.Accept(lead, byKey["natural"].ID, risksurvey.Acceptance{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("lead accepting: %v", err)
		}
		// Return the added risk with a comment.
		if _, err := e.surveys.Return(office, byKey[""].ID, "  "); fieldOf(err) != "comment" {
			t.Fatalf("return without comment: %v", err)
		}
		if _, err := e.surveys.Return(office, byKey[""].ID, "请补充可能后果"); err != nil {
			t.Fatal(err)
		}
		// The sheet is back with the department, but only the returned
		// answer may change: the others wait for review.
		if sh, _ := e.surveys.Sheet(lead, c.ID, e.warehouse.ID); sh.Progress.Status != risksurvey.Returned {
			t.Fatalf("after a return: %+v", sh.Progress)
		}
		if _, err := e.surveys.SaveSheet(lead, c.ID, e.warehouse.ID, []risksurvey.AnswerInput{{ID: byKey["natural"].ID, Present: risksurvey.Yes,
			Title: "台风导致仓库进水", Controls: "沙袋、排水泵", Likelihood: 1, Impact: 4}}, false); fieldOf(err) != "answers[0]" {
			t.Fatalf("changing an answer under review: %v", err)
		}
		// Accepting with a rating out of range stores nothing.
		before, total, _ := e.risks.Risks(e.sys, risk.Filter{})
		if _, _, err := e.surveys.Accept(office, byKey["natural"].ID, risksurvey.Acceptance{Likelihood: 9}); fieldOf(err) != "likelihood" {
			t.Fatalf("accept out of range: %v", err)
		}
		_, total2, _ := e.risks.Risks(e.sys, risk.Filter{})
		if total2 != total {
			t.Fatalf("a refused acceptance stored a risk: %d → %d (%v)", total, total2, before)
		}
		a, r, err := e.surveys.Accept(office, byKey["natural"].ID, risksurvey.Acceptance{})
		if err != nil {
			t.Fatal(err)
		}
		if a.State != risksurvey.StateAccepted || a.AcceptedRiskID == nil || *a.AcceptedRiskID != r.ID {
			t.Fatalf("accepted answer: %+v", a)
		}
		if r.Title != "台风导致仓库进水" || r.UnitID != e.warehouse.ID || r.Category != risk.NaturalDisaster || r.Controls != "沙袋、排水泵" ||
			r.Inherent == nil || r.Inherent.MatrixID != "5x5" || r.Inherent.Score != 16 || r.Level != risk.Critical {
			t.Fatalf("risk from the survey: %+v %+v", r, r.Inherent)
		}
		_, r2, err := e.surveys.Accept(office, byKey["safety"].ID, risksurvey.Acceptance{Likelihood: 3})
		if err != nil {
			t.Fatal(err)
		}
		if r2.ID != existing.ID || r2.Controls != "自动喷淋、每月消防检查" || r2.Inherent == nil || r2.Inherent.Score != 15 {
			t.Fatalf("updated risk: %+v %+v", r2, r2.Inherent)
		}
		if _, _, err := e.surveys.Accept(office, byKey["safety"].ID, risksurvey.Acceptance{}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("accepting twice: %v", err)
		}
		sh, _ = e.surveys.Sheet(office, c.ID, e.warehouse.ID)
		if sh.Progress.Status != risksurvey.Returned || sh.Progress.Accepted != 2 || sh.Progress.Returned != 1 {
			t.Fatalf("after review: %+v", sh.Progress)
		}
		// The lead corrects the returned answer and submits again; the
		// accepted answers are left alone.
		var again []risksurvey.AnswerInput
		for _, a := range sh.Answers {
			if a.State == risksurvey.StateAccepted {
				continue
			}
			x := risksurvey.AnswerInput{ID: a.ID, Present: a.Present, Title: a.Title, Category: a.Category, Controls: a.Controls,
				Likelihood: a.Likelihood, Impact: a.Impact}
			if a.QuestionKey == "" {
				x.Consequence = "人员伤亡、停工"
			}
			again = append(again, x)
		}
		if sh, err = e.surveys.SaveSheet(lead, c.ID, e.warehouse.ID, again, true); err != nil {
			t.Fatal(err)
		}
		var added risksurvey.Answer
		for _, a := range sh.Answers {
			if a.QuestionKey == "" {
				added = a
			}
		}
		if added.State != risksurvey.StateSubmitted || added.Consequence != "人员伤亡、停工" {
			t.Fatalf("resubmitted answer: %+v", added)
		}
		if _, _, err := e.surveys.Accept(office, added.ID, risksurvey.Acceptance{}); err != nil {
			t.Fatal(err)
		}
		c, _ = e.surveys.Campaign(office, c.ID)
		if c.Units[0].UnitID != e.warehouse.ID || c.Units[0].Status != risksurvey.Completed || c.Counts().Completed != 1 {
			t.Fatalf("campaign after review: %+v", c.Units)
		}
		// The register holds the accepted risks, rated.
		rs, _, err := e.risks.Risks(e.sys, risk.Filter{UnitID: e.warehouse.ID})
		if err != nil || len(rs) != 3 {
			t.Fatalf("register of the warehouse: %d risks, %v", len(rs), err)
		}
		for _, r := range rs {
			if r.Inherent == nil {
				t.Errorf("risk %s not rated", r.Title)
			}
		}
		hist, _ := e.risks.Assessments(e.sys, existing.ID)
		if len(hist) != 1 || hist[0].Note != "风险排查 2026年度风险排查" {
			t.Errorf("history of the confirmed risk: %+v", hist)
		}
	})
}

func TestRemindersOncePerDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.launch(t, e.warehouse.ID, e.transport.ID)
		office := as(authz.BCMManager, e.group)
		res, err := e.surveys.RemindLate(office, 0)
		if err != nil || res.Sent != 0 {
			t.Fatalf("before the due date: %+v, %v", res, err)
		}
		if _, err := e.surveys.RemindLate(as(authz.DepartmentLead, e.group), 0); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("lead sending reminders: %v", err)
		}
		e.clock.Advance(15 * 24 * time.Hour) // 2026-04-16: one day late
		res, err = e.surveys.RemindLate(office, 0)
		if err != nil {
			t.Fatal(err)
		}
		// Transport has no account to remind.
		if res.Sent != 1 || len(res.NoRecipients) != 1 || res.NoRecipients[0] != e.transport.ID {
			t.Fatalf("first round: %+v", res)
		}
		key := "risk_survey:" + itoa(c.ID) + ":" + itoa(e.warehouse.ID) + ":2026-04-16"
		rem, ok := e.sent.keys[key]
		if !ok || len(rem.Recipients) != 1 || rem.Recipients[0] != e.zhang.ID {
			t.Fatalf("reminder %s: %+v (sent %v)", key, rem, e.sent.keys)
		}
		res, _ = e.surveys.RemindLate(e.sys, c.ID)
		if res.Sent != 0 || res.AlreadySent != 1 {
			t.Fatalf("second round the same day: %+v", res)
		}
		e.clock.Advance(24 * time.Hour)
		res, _ = e.surveys.RemindLate(e.sys, 0)
		if res.Sent != 1 {
			t.Fatalf("next day: %+v", res)
		}
		c, _ = e.surveys.Campaign(office, c.ID)
		if c.Units[0].Reminders != 2 || c.Units[0].RemindedOn != "2026-04-17" || !c.Units[0].Late {
			t.Fatalf("progress after reminders: %+v", c.Units[0])
		}
		// Submitted sheets are not late.
		sh, _ := e.surveys.Sheet(office, c.ID, e.warehouse.ID)
		var in []risksurvey.AnswerInput
		for _, a := range sh.Answers {
			in = append(in, risksurvey.AnswerInput{ID: a.ID, Present: risksurvey.No})
		}
		if sh, err = e.surveys.SaveSheet(as(authz.DepartmentLead, e.warehouse), c.ID, e.warehouse.ID, in, true); err != nil {
			t.Fatal(err)
		}
		if sh.Progress.Status != risksurvey.Completed || sh.Progress.Late {
			t.Fatalf("all-no sheet after submit: %+v", sh.Progress)
		}
		e.clock.Advance(24 * time.Hour)
		if res, _ = e.surveys.RemindLate(e.sys, 0); res.Sent != 0 {
			t.Fatalf("reminded a unit that answered: %+v", res)
		}
		// Closing ends reminders and answers.
		if _, err := e.surveys.Close(office, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.surveys.SaveSheet(e.sys, c.ID, e.transport.ID, nil, false); !errs.Is(err, errs.Conflict) {
			t.Fatalf("answering a closed campaign: %v", err)
		}
	})
}

func TestTemplates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		office := as(authz.BCMManager, e.group)
		tpl, err := e.surveys.SaveTemplate(office, risksurvey.Template{Name: "仓库专项排查", Questions: []risksurvey.Question{
			{Category: risk.SafetyAccident, Text: "货架是否超载?"}, {Category: "weather", Text: "x"}}})
		if fieldOf(err) != "questions[1].category" {
			t.Fatalf("bad category: %v", err)
		}
		tpl, err = e.surveys.SaveTemplate(office, risksurvey.Template{Name: "仓库专项排查", Questions: []risksurvey.Question{
			{Category: risk.SafetyAccident, Text: "货架是否超载?", TextEn: "Are racks overloaded?"}}})
		if err != nil || tpl.Questions[0].Key != "q01" || tpl.Builtin {
			t.Fatalf("create: %+v %v", tpl, err)
		}
		if _, err := e.surveys.SaveTemplate(as(authz.DepartmentLead, e.group), tpl); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("lead editing: %v", err)
		}
		// A campaign keeps its questions when the checklist changes.
		c, err := e.surveys.Launch(office, risksurvey.Launch{Title: "专项", TemplateID: tpl.ID, MatrixID: "3x3", Due: "2026-04-02", UnitIDs: []int64{e.warehouse.ID}})
		if err != nil {
			t.Fatal(err)
		}
		tpl.Questions = append(tpl.Questions, risksurvey.Question{Category: risk.Utilities, Text: "备用电源?"})
		if tpl, err = e.surveys.SaveTemplate(office, tpl); err != nil || len(tpl.Questions) != 2 || tpl.Questions[1].Key != "q02" {
			t.Fatalf("update: %+v %v", tpl, err)
		}
		c, _ = e.surveys.Campaign(office, c.ID)
		if len(c.Questions) != 1 {
			t.Fatalf("campaign questions changed with the checklist: %d", len(c.Questions))
		}
		builtin := e.template(t, "department")
		if err := e.surveys.DeleteTemplate(office, builtin.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("deleting a built-in checklist: %v", err)
		}
		if err := e.surveys.DeleteTemplate(office, tpl.ID); err != nil {
			t.Fatal(err)
		}
		if c, err = e.surveys.Campaign(office, c.ID); err != nil || c.TemplateID != nil || len(c.Questions) != 1 {
			t.Fatalf("campaign after its checklist was deleted: %+v %v", c, err)
		}
		// The matrix of a campaign is in use.
		if err := e.risks.DeleteMatrix(office, "3x3"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("deleting a built-in matrix: %v", err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestUnitInSurveyCannotBeDeleted: a unit a campaign was sent to keeps its
// sheet, so deleting the unit is refused with the count, not a bare
// database error.
func TestUnitInSurveyCannotBeDeleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.launch(t, e.transport.ID)
		orgs := org.NewService(db, db, audit.NewLog(db, db, e.clock), e.clock)
		err := orgs.DeleteUnit(e.sys, e.transport.ID)
		if errs.CodeOf(err) != errs.Conflict || !strings.Contains(err.Error(), "1 risk surveys") {
			t.Fatalf("delete a unit a survey was sent to: %v", err)
		}
		if _, err := orgs.Unit(e.sys, e.transport.ID); err != nil {
			t.Fatalf("the unit is gone after a refused delete: %v", err)
		}
	})
}
