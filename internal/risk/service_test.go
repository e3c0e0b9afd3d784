package risk_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

var _ risk.Store = (*store.DB)(nil)

// env is a small organisation: the group with an east branch (and its
// warehouse department) and a west branch, and two people.
type env struct {
	db    *store.DB
	risks *risk.Service
	org   *org.Service
	audit *audit.Log
	clock *clock.Fake
	sys   context.Context

	group, east, warehouse, west org.Unit
	zhang, li                    org.Person
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	e := &env{db: db, risks: risk.NewService(db, db, a, clk), org: org.NewService(db, db, a, clk), audit: a, clock: clk,
		sys: authz.WithPrincipal(context.Background(), authz.SystemPrincipal)}
	unit := func(parent *org.Unit, kind org.UnitKind, name string) org.Unit {
		u := org.Unit{Kind: kind, Name: name}
		if parent != nil {
			u.ParentID = &parent.ID
		}
		u, err := e.org.CreateUnit(e.sys, u)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.group = unit(nil, org.KindGroup, "物流集团")
	e.east = unit(&e.group, org.KindBranch, "华东分公司")
	e.warehouse = unit(&e.east, org.KindDepartment, "华东仓储部")
	e.west = unit(&e.group, org.KindBranch, "西南分公司")
	person := func(name string, unit int64) org.Person {
		p, err := e.org.SavePerson(e.sys, org.Person{Name: name, UnitID: unit, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	e.zhang = person("张伟", e.warehouse.ID)
	e.li = person("李娜", e.west.ID)
	return e
}

func as(role authz.Role, u org.Unit) context.Context {
	return authz.WithPrincipal(context.Background(), authz.Principal{UserID: 7, Name: "tester",
		Grants: []authz.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}})
}

func (e *env) risk(t *testing.T, r risk.Risk) risk.Risk {
	t.Helper()
	r, err := e.risks.SaveRisk(e.sys, r)
	if err != nil {
		t.Fatalf("save risk %s: %v", r.Title, err)
	}
	return r
}

func (e *env) assess(t *testing.T, id int64, matrix string, kind risk.Kind, l, i int) risk.Assessment {
	t.Helper()
	a, err := e.risks.Assess(e.sys, risk.Assessment{RiskID: id, MatrixID: matrix, Kind: kind, Likelihood: l, Impact: i})
	if err != nil {
		t.Fatalf("assess risk %d %s %d×%d: %v", id, kind, l, i, err)
	}
	return a
}

func TestStoredMatricesAreTheBuiltinOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		got, err := e.risks.Matrices(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		want := risk.BuiltinMatrices()
		if len(got) != len(want) {
			t.Fatalf("%d matrices stored, %d built in", len(got), len(want))
		}
		for i := range want {
			if !equalMatrix(got[i], want[i]) {
				t.Errorf("stored matrix %s differs from risk.BuiltinMatrices:\n got %+v\nwant %+v", want[i].ID, got[i], want[i])
			}
		}
		if _, err := e.risks.Matrix(e.sys, "6x6"); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("unknown matrix: %v", err)
		}
	})
}

func equalMatrix(a, b risk.Matrix) bool {
	return a.ID == b.ID && a.Name == b.Name && a.NameEn == b.NameEn && a.Builtin == b.Builtin &&
		slices.Equal(a.Likelihood, b.Likelihood) && slices.Equal(a.Impact, b.Impact) && slices.Equal(a.Bands, b.Bands)
}

func TestSaveRiskRoundTripAndReferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		biaSvc := bia.NewService(db, db, e.audit, e.clock)
		var procs []int64
		for _, name := range []string{"入库", "出库"} {
			p, err := biaSvc.SaveProcess(e.sys, bia.Process{Name: name, UnitID: e.warehouse.ID})
			if err != nil {
				t.Fatal(err)
			}
			procs = append(procs, p.ID)
		}
		// Affected processes must be processes of the BIA.
		if _, err := e.risks.SaveRisk(e.sys, risk.Risk{Title: "x", Category: risk.Other, UnitID: e.warehouse.ID, ProcessIDs: []int64{procs[0], 4242}}); !hasField(err, "process_ids[1]") {
			t.Fatalf("unknown process: %v", err)
		}
		r := e.risk(t, risk.Risk{Code: "R-001", Title: "仓库火灾", TitleEn: "Warehouse fire", Category: risk.SafetyAccident,
			Cause: "电气线路老化", Consequence: "货物损毁, 停运", OwnerID: &e.zhang.ID, UnitID: e.warehouse.ID, ProcessIDs: procs,
			Controls: "自动喷淋, 每日巡检", Treatment: risk.Reduce, Status: risk.StatusOpen, ReviewDate: "2026-06-30",
			Actions: []risk.Action{{Description: "更换老化线路", OwnerID: &e.zhang.ID, Due: "2026-04-15"}, {Description: "投保财产险", Done: true}}})
		got, err := e.risks.Risk(e.sys, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Code != "R-001" || got.TitleEn != "Warehouse fire" || *got.OwnerID != e.zhang.ID || got.UnitID != e.warehouse.ID ||
			!slices.Equal(got.ProcessIDs, procs) || len(got.Actions) != 2 || got.Actions[0].Due != "2026-04-15" ||
			*got.Actions[0].OwnerID != e.zhang.ID || !got.Actions[1].Done || got.ReviewDate != "2026-06-30" ||
			got.Inherent != nil || got.Level != "" || !got.CreatedAt.Equal(e.clock.Now()) {
			t.Fatalf("stored risk differs: %+v", got)
		}

		bad := []struct {
			name  string
			r     risk.Risk
			code  errs.Code
			field string
		}{
			{"unknown category", risk.Risk{Title: "x", Category: "weather", UnitID: e.east.ID}, errs.Invalid, "category"},
			{"unknown unit", risk.Risk{Title: "x", Category: risk.Other, UnitID: 9999}, errs.Invalid, "unit_id"},
			{"unknown owner", risk.Risk{Title: "x", Category: risk.Other, UnitID: e.east.ID, OwnerID: ptr(int64(9999))}, errs.Invalid, "owner_id"},
			{"unknown action owner", risk.Risk{Title: "x", Category: risk.Other, UnitID: e.east.ID,
				Actions: []risk.Action{{Description: "a", OwnerID: ptr(int64(9999))}}}, errs.Invalid, "actions[0].owner_id"},
			{"duplicate code", risk.Risk{Code: "R-001", Title: "x", Category: risk.Other, UnitID: e.east.ID}, errs.Conflict, "code"},
		}
		for _, c := range bad {
			_, err := e.risks.SaveRisk(e.sys, c.r)
			if errs.CodeOf(err) != c.code || !hasField(err, c.field) {
				t.Errorf("%s: got %v, want %s on %s", c.name, err, c.code, c.field)
			}
		}
		if _, total, _ := e.risks.Risks(e.sys, risk.Filter{}); total != 1 {
			t.Errorf("bad input stored something: %d risks", total)
		}

		// An update keeps the ratings: they change only by assessment.
		e.assess(t, r.ID, "5x5", risk.Inherent, 3, 5)
		r.Title, r.Code = "仓库火灾(华东)", "R-001"
		r.Inherent, r.Level = nil, ""
		e.clock.Advance(time.Hour)
		upd, err := e.risks.SaveRisk(e.sys, r)
		if err != nil {
			t.Fatal(err)
		}
		got, _ = e.risks.Risk(e.sys, r.ID)
		if got.Title != "仓库火灾(华东)" || got.Inherent == nil || got.Inherent.Score != 15 || got.Level != risk.Critical ||
			!got.UpdatedAt.Equal(e.clock.Now()) || upd.Inherent == nil {
			t.Fatalf("after update: %+v", got)
		}
		entries, err := e.audit.List(e.sys, audit.Filter{Entity: "risk"})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
		}
		if !slices.Contains(actions, "risk.create") || !slices.Contains(actions, "risk.assess") || !slices.Contains(actions, "risk.update") {
			t.Errorf("audit log has %v", actions)
		}

		if err := e.risks.DeleteRisk(e.sys, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.risks.Risk(e.sys, r.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("deleted risk: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestAssessmentHistoryAndRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.risk(t, risk.Risk{Title: "勒索病毒", Category: risk.CyberSecurity, UnitID: e.group.ID})

		bad := []struct {
			name  string
			a     risk.Assessment
			field string
		}{
			{"likelihood above the matrix", risk.Assessment{MatrixID: "3x3", Kind: risk.Inherent, Likelihood: 4, Impact: 2}, "likelihood"},
			{"impact below the matrix", risk.Assessment{MatrixID: "5x5", Kind: risk.Inherent, Likelihood: 2, Impact: 0}, "impact"},
			{"unknown matrix", risk.Assessment{MatrixID: "6x6", Kind: risk.Inherent, Likelihood: 1, Impact: 1}, "matrix_id"},
			{"unknown kind", risk.Assessment{MatrixID: "5x5", Kind: "gross", Likelihood: 1, Impact: 1}, "kind"},
			{"predictability out of range", risk.Assessment{MatrixID: "5x5", Kind: risk.Inherent, Likelihood: 1, Impact: 1, Predictability: ptr(4)}, "predictability"},
			{"residual without inherent", risk.Assessment{MatrixID: "5x5", Kind: risk.Residual, Likelihood: 1, Impact: 1}, "kind"},
		}
		for _, c := range bad {
			c.a.RiskID = r.ID
			if _, err := e.risks.Assess(e.sys, c.a); errs.CodeOf(err) != errs.Invalid || !hasField(err, c.field) {
				t.Errorf("%s: got %v, want invalid %s", c.name, err, c.field)
			}
		}
		if _, err := e.risks.Assess(e.sys, risk.Assessment{RiskID: 9999, MatrixID: "5x5", Kind: risk.Inherent, Likelihood: 1, Impact: 1}); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("assessing an unknown risk: %v", err)
		}

		first, err := e.risks.Assess(as(authz.BCMManager, e.group), risk.Assessment{RiskID: r.ID, MatrixID: "5x5", Kind: risk.Inherent,
			Likelihood: 4, Impact: 5, Predictability: ptr(1), Note: "行业内多起事件"})
		if err != nil {
			t.Fatal(err)
		}
		if first.Score != 20 || first.Level != risk.Critical || first.AssessedBy != 7 || first.AssessedByName != "tester" {
			t.Fatalf("first assessment: %+v", first)
		}
		if _, err := e.risks.Assess(e.sys, risk.Assessment{RiskID: r.ID, MatrixID: "3x3", Kind: risk.Residual, Likelihood: 1, Impact: 1}); !hasField(err, "matrix_id") {
			t.Errorf("residual on another matrix than the inherent one: %v", err)
		}
		e.clock.Advance(24 * time.Hour)
		e.assess(t, r.ID, "5x5", risk.Residual, 2, 5) // 10 high
		got, _ := e.risks.Risk(e.sys, r.ID)
		if got.Inherent.Score != 20 || got.Residual.Score != 10 || got.Level != risk.High || !got.Residual.AssessedAt.Equal(e.clock.Now()) {
			t.Fatalf("after residual: inherent %+v residual %+v level %s", got.Inherent, got.Residual, got.Level)
		}
		e.clock.Advance(24 * time.Hour)
		e.assess(t, r.ID, "5x5", risk.Residual, 1, 4) // 4 low: the treatment works
		// Re-rating the inherent risk on another matrix clears the residual rating made on the old one.
		e.clock.Advance(24 * time.Hour)
		e.assess(t, r.ID, "3x3", risk.Inherent, 2, 3)
		got, _ = e.risks.Risk(e.sys, r.ID)
		if got.Residual != nil || got.Inherent.MatrixID != "3x3" || got.Level != risk.High {
			t.Fatalf("after inherent on 3x3: inherent %+v residual %+v level %s", got.Inherent, got.Residual, got.Level)
		}

		hist, err := e.risks.Assessments(as(authz.Viewer, e.group), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var trend []int
		for _, a := range hist {
			trend = append(trend, a.Score)
		}
		if !slices.Equal(trend, []int{20, 10, 4, 6}) {
			t.Fatalf("history scores %v, want [20 10 4 6]", trend)
		}
		if *hist[0].Predictability != 1 || hist[0].Note != "行业内多起事件" || hist[1].Predictability != nil || !hist[3].AssessedAt.After(hist[2].AssessedAt) {
			t.Errorf("history details: %+v", hist)
		}
		if _, err := e.risks.Assessments(e.sys, 9999); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("history of an unknown risk: %v", err)
		}
		// The history goes with a deleted risk.
		if err := e.risks.DeleteRisk(e.sys, r.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRankedListAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		typhoon := e.risk(t, risk.Risk{Title: "台风", TitleEn: "Typhoon", Category: risk.NaturalDisaster, UnitID: e.east.ID, OwnerID: &e.zhang.ID, ReviewDate: "2026-02-15"})
		fire := e.risk(t, risk.Risk{Title: "仓库火灾", Category: risk.SafetyAccident, UnitID: e.warehouse.ID, OwnerID: &e.zhang.ID, ReviewDate: "2026-03-10"})
		leak := e.risk(t, risk.Risk{Title: "客户数据泄露", Category: risk.CyberSecurity, UnitID: e.group.ID, ReviewDate: "2026-01-01", Status: risk.StatusClosed})
		drivers := e.risk(t, risk.Risk{Title: "司机短缺", Category: risk.Personnel, UnitID: e.west.ID, OwnerID: &e.li.ID})
		fuel := e.risk(t, risk.Risk{Title: "燃油价格上涨", Category: risk.Financial, UnitID: e.west.ID}) // not assessed
		e.assess(t, typhoon.ID, "5x5", risk.Inherent, 4, 4)                                        // 16 critical
		e.assess(t, fire.ID, "5x5", risk.Inherent, 3, 5)                                           // 15 critical
		e.assess(t, fire.ID, "5x5", risk.Residual, 2, 3)                                           // 6 medium
		e.assess(t, leak.ID, "5x5", risk.Inherent, 5, 5)                                           // 25 critical
		e.assess(t, drivers.ID, "3x3", risk.Inherent, 3, 2)                                        // 6 high

		ids := func(f risk.Filter) []int64 {
			t.Helper()
			rs, total, err := e.risks.Risks(as(authz.Viewer, e.group), f)
			if err != nil {
				t.Fatal(err)
			}
			if f.Limit == 0 && total != len(rs) {
				t.Errorf("total %d, %d on the page", total, len(rs))
			}
			out := []int64{}
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		cases := []struct {
			name string
			f    risk.Filter
			want []int64
		}{
			{"ranked", risk.Filter{}, []int64{leak.ID, typhoon.ID, drivers.ID, fire.ID, fuel.ID}},
			{"category", risk.Filter{Category: risk.SafetyAccident}, []int64{fire.ID}},
			{"unit subtree", risk.Filter{UnitID: e.east.ID}, []int64{typhoon.ID, fire.ID}},
			{"leaf unit", risk.Filter{UnitID: e.warehouse.ID}, []int64{fire.ID}},
			{"current level uses the residual rating", risk.Filter{Level: risk.Medium}, []int64{fire.ID}},
			{"level critical", risk.Filter{Level: risk.Critical}, []int64{leak.ID, typhoon.ID}},
			{"owner", risk.Filter{OwnerID: e.zhang.ID}, []int64{typhoon.ID, fire.ID}},
			{"status", risk.Filter{Status: risk.StatusClosed}, []int64{leak.ID}},
			{"overdue review skips closed risks", risk.Filter{OverdueReview: true}, []int64{typhoon.ID}},
			{"text", risk.Filter{Query: "typh"}, []int64{typhoon.ID}},
			{"text with LIKE wildcards", risk.Filter{Query: "%"}, []int64{}},
			{"combined", risk.Filter{UnitID: e.west.ID, Category: risk.Personnel, Level: risk.High}, []int64{drivers.ID}},
		}
		for _, c := range cases {
			if got := ids(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
		// Time passes: the fire's review date is now overdue too.
		e.clock.Set(time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC))
		if got := ids(risk.Filter{OverdueReview: true}); !slices.Equal(got, []int64{typhoon.ID, fire.ID}) {
			t.Errorf("overdue after ten days: %v", got)
		}
		// Paging keeps the ranking and the total.
		page, total, err := e.risks.Risks(e.sys, risk.Filter{Limit: 2, Offset: 2})
		if err != nil || total != 5 || len(page) != 2 || page[0].ID != drivers.ID || page[1].ID != fire.ID {
			t.Errorf("page 2: total %d %v %v", total, len(page), err)
		}
		for _, f := range []struct {
			f     risk.Filter
			field string
		}{
			{risk.Filter{Category: "weather"}, "category"},
			{risk.Filter{Level: "severe"}, "level"},
			{risk.Filter{Status: "done"}, "status"},
			{risk.Filter{UnitID: 9999}, "unit_id"},
		} {
			if _, _, err := e.risks.Risks(e.sys, f.f); !hasField(err, f.field) {
				t.Errorf("filter %+v: %v", f.f, err)
			}
		}
	})
}

func TestHeatmap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		mk := func(title string, unit int64, cat risk.Category) risk.Risk {
			return e.risk(t, risk.Risk{Title: title, Category: cat, UnitID: unit})
		}
		a := mk("台风", e.east.ID, risk.NaturalDisaster)
		b := mk("洪水", e.warehouse.ID, risk.NaturalDisaster)
		c := mk("系统宕机", e.west.ID, risk.ITFailure)
		d := mk("已关闭风险", e.west.ID, risk.ITFailure)
		f := mk("三级矩阵风险", e.west.ID, risk.Other)
		e.assess(t, a.ID, "5x5", risk.Inherent, 4, 5)
		e.assess(t, b.ID, "5x5", risk.Inherent, 4, 5)
		e.assess(t, c.ID, "5x5", risk.Inherent, 2, 3)
		e.assess(t, d.ID, "5x5", risk.Inherent, 4, 5)
		e.assess(t, f.ID, "3x3", risk.Inherent, 1, 1)
		e.assess(t, a.ID, "5x5", risk.Residual, 2, 5)
		d.Status = risk.StatusClosed
		e.risk(t, d)

		h, err := e.risks.Heatmap(as(authz.Viewer, e.group), risk.HeatmapQuery{MatrixID: "5x5", Kind: risk.Inherent})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Cells) != 25 || h.Total != 3 || h.Matrix.ID != "5x5" {
			t.Fatalf("heatmap: %d cells, total %d", len(h.Cells), h.Total)
		}
		cell := func(h risk.Heatmap, l, i int) risk.Cell {
			for _, c := range h.Cells {
				if c.Likelihood == l && c.Impact == i {
					return c
				}
			}
			t.Fatalf("no cell %d×%d", l, i)
			return risk.Cell{}
		}
		if c45 := cell(h, 4, 5); c45.Count != 2 || !slices.Equal(c45.RiskIDs, []int64{b.ID, a.ID}) || c45.Score != 20 || c45.Level != risk.Critical {
			// The flood ranks first: the typhoon's current (residual) rating is lower.
			t.Errorf("cell 4×5: %+v (the closed risk must not count)", c45)
		}
		if c23 := cell(h, 2, 3); c23.Count != 1 || c23.RiskIDs[0] != c.ID || c23.Level != risk.Medium {
			t.Errorf("cell 2×3: %+v", c23)
		}
		if c11 := cell(h, 1, 1); c11.Count != 0 || c11.RiskIDs == nil || c11.Level != risk.Low {
			t.Errorf("empty cell 1×1: %+v", c11)
		}
		// Residual: the typhoon moved from 4×5 to 2×5.
		h, _ = e.risks.Heatmap(e.sys, risk.HeatmapQuery{MatrixID: "5x5", Kind: risk.Residual})
		if h.Total != 1 || cell(h, 2, 5).Count != 1 {
			t.Errorf("residual heatmap: total %d", h.Total)
		}
		// Filters and the per-cell bound on ids.
		h, _ = e.risks.Heatmap(e.sys, risk.HeatmapQuery{MatrixID: "5x5", UnitID: e.east.ID, IDsPerCell: 1})
		if c45 := cell(h, 4, 5); h.Total != 2 || c45.Count != 2 || len(c45.RiskIDs) != 1 {
			t.Errorf("east heatmap with one id per cell: %+v", c45)
		}
		h, _ = e.risks.Heatmap(e.sys, risk.HeatmapQuery{MatrixID: "5x5", Category: risk.ITFailure})
		if h.Total != 1 {
			t.Errorf("IT failure heatmap total %d", h.Total)
		}
		h, _ = e.risks.Heatmap(e.sys, risk.HeatmapQuery{MatrixID: "3x3"})
		if len(h.Cells) != 9 || h.Total != 1 {
			t.Errorf("3x3 heatmap: %d cells total %d", len(h.Cells), h.Total)
		}
		if _, err := e.risks.Heatmap(e.sys, risk.HeatmapQuery{MatrixID: "9x9", Kind: "net"}); !hasField(err, "matrix") || !hasField(err, "kind") {
			t.Errorf("bad heatmap query: %v", err)
		}
	})
}

func TestRiskAuthorization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		eastRisk := e.risk(t, risk.Risk{Title: "台风", Category: risk.NaturalDisaster, UnitID: e.warehouse.ID})
		lead := as(authz.DepartmentLead, e.east)
		viewer := as(authz.Viewer, e.group)

		if _, err := e.risks.SaveRisk(viewer, risk.Risk{Title: "x", Category: risk.Other, UnitID: e.east.ID}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("viewer creating a risk: %v", err)
		}
		if _, err := e.risks.Assess(viewer, risk.Assessment{RiskID: eastRisk.ID, MatrixID: "3x3", Kind: risk.Inherent, Likelihood: 1, Impact: 1}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("viewer assessing: %v", err)
		}
		if _, _, err := e.risks.Risks(viewer, risk.Filter{}); err != nil {
			t.Errorf("viewer reading the register: %v", err)
		}
		if _, _, err := e.risks.Risks(context.Background(), risk.Filter{}); errs.CodeOf(err) != errs.Unauthorized {
			t.Errorf("anonymous reading the register: %v", err)
		}
		// A department lead works in their own subtree only.
		if _, err := e.risks.SaveRisk(lead, risk.Risk{Title: "暴雨内涝", Category: risk.NaturalDisaster, UnitID: e.warehouse.ID}); err != nil {
			t.Errorf("lead creating in own subtree: %v", err)
		}
		if _, err := e.risks.Assess(lead, risk.Assessment{RiskID: eastRisk.ID, MatrixID: "3x3", Kind: risk.Inherent, Likelihood: 3, Impact: 3}); err != nil {
			t.Errorf("lead assessing in own subtree: %v", err)
		}
		if _, err := e.risks.SaveRisk(lead, risk.Risk{Title: "x", Category: risk.Other, UnitID: e.west.ID}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("lead creating in another branch: %v", err)
		}
		moved := eastRisk
		moved.UnitID = e.west.ID
		if _, err := e.risks.SaveRisk(lead, moved); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("lead moving a risk out of their subtree: %v", err)
		}
		if err := e.risks.DeleteRisk(as(authz.DepartmentLead, e.west), eastRisk.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("west lead deleting an east risk: %v", err)
		}
		if got, _ := e.risks.Risk(e.sys, eastRisk.ID); got.UnitID != e.warehouse.ID {
			t.Errorf("refused move was stored: unit %d", got.UnitID)
		}
	})
}

func TestTopRisksByUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		mk := func(unit org.Unit, title string, l, i int) risk.Risk {
			r := e.risk(t, risk.Risk{Title: title, Category: risk.Other, UnitID: unit.ID})
			if l > 0 {
				e.assess(t, r.ID, "5x5", risk.Inherent, l, i)
			}
			return r
		}
		w1 := mk(e.warehouse, "仓库低", 1, 2)
		w2 := mk(e.warehouse, "仓库重大", 5, 4)
		w3 := mk(e.warehouse, "仓库较大", 3, 4)
		mk(e.warehouse, "仓库未评估", 0, 0)
		closed := mk(e.warehouse, "仓库已关闭", 5, 5)
		closed.Status = risk.StatusClosed
		if _, err := e.risks.SaveRisk(e.sys, closed); err != nil {
			t.Fatal(err)
		}
		x := mk(e.west, "西南一般", 2, 3)

		top, err := e.risks.TopRisks(as(authz.Viewer, e.group), risk.TopQuery{N: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(top) != 2 || top[0].UnitID != e.warehouse.ID || top[1].UnitID != e.west.ID {
			t.Fatalf("units %+v, want warehouse then west", top)
		}
		if top[0].Open != 4 || len(top[0].Risks) != 2 || top[0].Risks[0].ID != w2.ID || top[0].Risks[1].ID != w3.ID {
			t.Errorf("warehouse top: open %d, risks %+v; want 4 open and %d, %d", top[0].Open, top[0].Risks, w2.ID, w3.ID)
		}
		if top[1].Open != 1 || len(top[1].Risks) != 1 || top[1].Risks[0].ID != x.ID || top[1].UnitName != "西南分公司" {
			t.Errorf("west top: %+v", top[1])
		}
		east, err := e.risks.TopRisks(as(authz.Viewer, e.group), risk.TopQuery{UnitID: e.east.ID, N: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(east) != 1 || len(east[0].Risks) != 3 || east[0].Risks[2].ID != w1.ID {
			t.Errorf("east subtree: %+v", east)
		}
		if _, err := e.risks.TopRisks(as(authz.Viewer, e.group), risk.TopQuery{UnitID: 9999}); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("unknown unit: %v", err)
		}
		// A category narrows both the counts and the risks listed.
		fire := e.risk(t, risk.Risk{Title: "仓库火灾", Category: risk.SafetyAccident, UnitID: e.warehouse.ID})
		e.assess(t, fire.ID, "5x5", risk.Inherent, 1, 1)
		safety, err := e.risks.TopRisks(as(authz.Viewer, e.group), risk.TopQuery{Category: risk.SafetyAccident, N: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(safety) != 1 || safety[0].UnitID != e.warehouse.ID || safety[0].Open != 1 || len(safety[0].Risks) != 1 || safety[0].Risks[0].ID != fire.ID {
			t.Errorf("top safety risks: %+v", safety)
		}
		if _, err := e.risks.TopRisks(as(authz.Viewer, e.group), risk.TopQuery{Category: "weather"}); !hasField(err, "category") {
			t.Errorf("unknown category: %v", err)
		}
	})
}

func TestBackdatedAssessment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.risk(t, risk.Risk{Title: "台风", Category: risk.NaturalDisaster, UnitID: e.warehouse.ID})
		past := e.clock.Now().Add(-90 * 24 * time.Hour)
		in := risk.Assessment{RiskID: r.ID, MatrixID: "5x5", Kind: risk.Inherent, Likelihood: 4, Impact: 4, AssessedAt: past}
		if _, err := e.risks.Assess(as(authz.DepartmentLead, e.east), in); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("back-dated assessment by a department lead: %v, want forbidden", err)
		}
		future := in
		future.AssessedAt = e.clock.Now().Add(time.Hour)
		if _, err := e.risks.Assess(e.sys, future); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("assessment in the future: %v", err)
		}
		a, err := e.risks.Assess(as(authz.BCMManager, e.group), in)
		if err != nil {
			t.Fatal(err)
		}
		if !a.AssessedAt.Equal(past) {
			t.Errorf("assessed at %v, want %v", a.AssessedAt, past)
		}
		e.assess(t, r.ID, "5x5", risk.Inherent, 3, 4)
		older := in
		older.AssessedAt = past.Add(24 * time.Hour)
		if _, err := e.risks.Assess(e.sys, older); errs.CodeOf(err) != errs.Invalid || errs.FieldsOf(err)[0].Field != "assessed_at" {
			t.Errorf("assessment older than the current one: %v", err)
		}
		hist, err := e.risks.Assessments(e.sys, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || !hist[0].AssessedAt.Equal(past) || hist[1].Score != 12 {
			t.Errorf("history %+v", hist)
		}
		got, _ := e.risks.Risk(e.sys, r.ID)
		if got.Inherent.Score != 12 {
			t.Errorf("current rating %+v", got.Inherent)
		}
	})
}

func TestImportRisksChecksEveryItem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		old := e.risk(t, risk.Risk{Code: "R-1", Title: "旧", Category: risk.Other, UnitID: e.warehouse.ID})
		lead := as(authz.DepartmentLead, e.east)
		items := []risk.ImportItem{
			{Risk: risk.Risk{Title: "新", Category: risk.Other, UnitID: e.warehouse.ID},
				Ratings: []risk.Assessment{{MatrixID: "5x5", Kind: risk.Inherent, Likelihood: 4, Impact: 4}, {MatrixID: "5x5", Kind: risk.Residual, Likelihood: 2, Impact: 3}}},
			{Risk: risk.Risk{Title: "西南", Category: risk.Other, UnitID: e.west.ID}},
			{Risk: risk.Risk{Title: "无主", Category: risk.Other, UnitID: e.east.ID, OwnerID: ptr(int64(9999))}},
			{Risk: risk.Risk{Title: "超范围", Category: risk.Other, UnitID: e.east.ID}, Ratings: []risk.Assessment{{MatrixID: "3x3", Kind: risk.Inherent, Likelihood: 4, Impact: 1}}},
			{Risk: risk.Risk{Title: "只有剩余", Category: risk.Other, UnitID: e.east.ID}, Ratings: []risk.Assessment{{MatrixID: "5x5", Kind: risk.Residual, Likelihood: 1, Impact: 1}}},
		}
		err := e.risks.ImportRisks(lead, items)
		got := map[string]bool{}
		for _, f := range errs.FieldsOf(err) {
			got[f.Field] = true
		}
		for _, f := range []string{"items[1].unit_id", "items[2].owner_id", "items[3].likelihood", "items[4].kind"} {
			if !got[f] {
				t.Errorf("no problem on %s: %v", f, err)
			}
		}
		if got["items[0].unit_id"] || len(got) != 4 {
			t.Errorf("problems %v", got)
		}
		if _, n, _ := e.risks.Risks(e.sys, risk.Filter{}); n != 1 {
			t.Errorf("%d risks stored by a refused batch", n)
		}
		if err := e.risks.ImportRisks(as(authz.Viewer, e.group), items[:1]); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("viewer: %v", err)
		}

		old.Title = "旧风险改名"
		ok := []risk.ImportItem{items[0], {Risk: old, Ratings: []risk.Assessment{{MatrixID: "4x4", Kind: risk.Inherent, Likelihood: 2, Impact: 3}}}}
		if err := e.risks.ImportRisks(lead, ok); err != nil {
			t.Fatal(err)
		}
		created, _ := e.risks.Risk(e.sys, ok[0].Risk.ID)
		if created.Inherent == nil || created.Inherent.Score != 16 || created.Residual.Score != 6 || created.Level != risk.Medium {
			t.Errorf("imported risk %+v", created)
		}
		updated, _ := e.risks.Risk(e.sys, old.ID)
		hist, _ := e.risks.Assessments(e.sys, old.ID)
		if updated.Title != "旧风险改名" || updated.Inherent.MatrixID != "4x4" || len(hist) != 1 || hist[0].AssessedByName != "tester" {
			t.Errorf("updated risk %+v, history %+v", updated, hist)
		}
		entries, err := e.audit.List(e.sys, audit.Filter{Action: "risk.import"})
		if err != nil || len(entries) != 2 {
			t.Errorf("%d audit entries (%v)", len(entries), err)
		}
	})
}

func TestUnitWithRisksCannotBeDeleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.risk(t, risk.Risk{Title: "分拨中心停电", Category: risk.Utilities, UnitID: e.west.ID})
		if err := e.org.DeletePerson(e.sys, e.li.ID); err != nil {
			t.Fatal(err)
		}
		err := e.org.DeleteUnit(e.sys, e.west.ID)
		if errs.CodeOf(err) != errs.Conflict || !strings.Contains(err.Error(), "1 risks") {
			t.Fatalf("delete a unit holding a risk: %v", err)
		}
		if err := e.risks.DeleteRisk(e.sys, r.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.org.DeleteUnit(e.sys, e.west.ID); err != nil {
			t.Fatalf("delete the unit once its risk is gone: %v", err)
		}
	})
}
