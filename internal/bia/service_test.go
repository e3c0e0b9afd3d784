package bia_test

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
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

var _ bia.Store = (*store.DB)(nil)

// env is a small organisation: the group, an east branch with a warehouse
// department, a west branch, a site, and one person in the warehouse.
type env struct {
	db    *store.DB
	bia   *bia.Service
	org   *org.Service
	audit *audit.Log
	clock *clock.Fake
	sys   context.Context

	group, east, warehouse, west org.Unit
	site                         org.Site
	zhang                        org.Person
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	e := &env{db: db, bia: bia.NewService(db, db, a, clk), org: org.NewService(db, db, a, clk), audit: a, clock: clk,
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
	var err error
	if e.site, err = e.org.SaveSite(e.sys, org.Site{Name: "嘉兴仓", NameEn: "Jiaxing warehouse"}); err != nil {
		t.Fatal(err)
	}
	if e.zhang, err = e.org.SavePerson(e.sys, org.Person{Name: "张伟", UnitID: e.warehouse.ID, Active: true}); err != nil {
		t.Fatal(err)
	}
	return e
}

func as(role authz.Role, u org.Unit) context.Context {
	return authz.WithPrincipal(context.Background(), authz.Principal{UserID: 7, Name: "tester",
		Grants: []authz.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}})
}

func (e *env) process(t *testing.T, p bia.Process) bia.Process {
	t.Helper()
	if p.UnitID == 0 {
		p.UnitID = e.warehouse.ID
	}
	p, err := e.bia.SaveProcess(e.sys, p)
	if err != nil {
		t.Fatalf("save process %s: %v", p.Name, err)
	}
	return p
}

func (e *env) resource(t *testing.T, kind bia.ResourceKind, name string, recovery int) bia.Resource {
	t.Helper()
	r := bia.Resource{Kind: kind, Name: name}
	if recovery > 0 {
		r.RecoveryMinutes = &recovery
	}
	r, err := e.bia.SaveResource(e.sys, r)
	if err != nil {
		t.Fatalf("save resource %s: %v", name, err)
	}
	return r
}

func (e *env) depend(t *testing.T, from, to, alt string) bia.Dependency {
	t.Helper()
	d, err := e.bia.SaveDependency(e.sys, bia.Dependency{From: from, To: to, Alternative: alt})
	if err != nil {
		t.Fatalf("%s depends on %s: %v", from, to, err)
	}
	return d
}

func wantField(t *testing.T, err error, field, contains string) {
	t.Helper()
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("err %v, want invalid input", err)
	}
	if msg := fieldErr(err, field); !strings.Contains(msg, contains) {
		t.Errorf("%s: %q, want %q; all: %v", field, msg, contains, err)
	}
}

func TestProcessesAndResources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.process(t, bia.Process{Code: "BP-01", Name: "订单受理", NameEn: "Order intake", OwnerID: &e.zhang.ID, Important: true,
			Values: bia.Values{Impacts: []bia.ImpactPoint{
				{Category: bia.Financial, AfterMinutes: 60, Level: 2, Amount: ptr(50000.0)},
				{Category: bia.Financial, AfterMinutes: 240, Level: 4, Amount: ptr(400000.0)},
			}, RTOMinutes: ptr(120), RPOMinutes: ptr(0), PeakPeriods: "双十一", MinStaff: ptr(3)}})
		got, err := e.bia.Process(e.sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.MTPDMinutes == nil || *got.MTPDMinutes != 240 || !got.MTPDDerived || *got.RPOMinutes != 0 || len(got.Impacts) != 2 ||
			*got.Impacts[1].Amount != 400000 || got.PeakPeriods != "双十一" || *got.MinStaff != 3 || *got.OwnerID != e.zhang.ID {
			t.Errorf("stored process %+v", got)
		}

		// Unknown references name their field.
		_, err = e.bia.SaveProcess(e.sys, bia.Process{Name: "X", UnitID: 999999})
		wantField(t, err, "unit_id", "no org unit with id 999999")
		_, err = e.bia.SaveProcess(e.sys, bia.Process{Name: "X", UnitID: e.east.ID, OwnerID: ptr(int64(999999))})
		wantField(t, err, "owner_id", "no person with id 999999")
		_, err = e.bia.SaveProcess(e.sys, bia.Process{Name: "X", UnitID: e.east.ID, Values: bia.Values{RTOMinutes: ptr(600), MTPDMinutes: ptr(300)}})
		wantField(t, err, "rto_minutes", "must not be greater than the MTPD")
		_, err = e.bia.SaveProcess(e.sys, bia.Process{Code: "BP-01", Name: "Another", UnitID: e.east.ID})
		if !errs.Is(err, errs.Conflict) || !strings.Contains(fieldErr(err, "code"), "订单受理") {
			t.Errorf("duplicate code: %v", err)
		}
		_, err = e.bia.SaveResource(e.sys, bia.Resource{Kind: bia.Site, Name: "X", SiteID: ptr(int64(999999))})
		wantField(t, err, "site_id", "no site with id 999999")
		_, err = e.bia.SaveResource(e.sys, bia.Resource{Kind: bia.Application, Name: "X", SiteID: &e.site.ID})
		wantField(t, err, "site_id", "kind site only")

		// Scope: a department lead of the east branch writes east processes,
		// not west ones, and not organisation-wide resources.
		lead := as(authz.DepartmentLead, e.east)
		if _, err := e.bia.SaveProcess(lead, bia.Process{Name: "仓内拣货", UnitID: e.warehouse.ID}); err != nil {
			t.Errorf("lead in own subtree: %v", err)
		}
		if _, err := e.bia.SaveProcess(lead, bia.Process{Name: "西南配送", UnitID: e.west.ID}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("lead outside subtree: %v", err)
		}
		if _, err := e.bia.SaveResource(lead, bia.Resource{Kind: bia.Application, Name: "ERP"}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("lead on an organisation-wide resource: %v", err)
		}
		if _, err := e.bia.SaveResource(lead, bia.Resource{Kind: bia.Equipment, Name: "叉车", UnitID: &e.warehouse.ID}); err != nil {
			t.Errorf("lead on a resource of the own unit: %v", err)
		}
		viewer := as(authz.Viewer, e.group)
		if _, err := e.bia.Processes(viewer, bia.ProcessFilter{}); err != nil {
			t.Errorf("viewer reads: %v", err)
		}
		if _, err := e.bia.SaveProcess(viewer, bia.Process{Name: "X", UnitID: e.east.ID}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("viewer writes: %v", err)
		}

		// Filters.
		ps, err := e.bia.Processes(e.sys, bia.ProcessFilter{UnitID: e.east.ID})
		if err != nil || len(ps) != 2 || ps[0].Code != "BP-01" {
			t.Errorf("east subtree: %d processes, %v", len(ps), err)
		}
		ps, _ = e.bia.Processes(e.sys, bia.ProcessFilter{Query: "order"})
		if len(ps) != 1 {
			t.Errorf("query order: %d", len(ps))
		}
		ps, _ = e.bia.Processes(e.sys, bia.ProcessFilter{Important: true})
		if len(ps) != 1 {
			t.Errorf("important: %d", len(ps))
		}

		// Every change is audited.
		entries, err := e.audit.List(e.sys, audit.Filter{Entity: "bia_process"})
		if err != nil || len(entries) != 2 {
			t.Errorf("%d audit entries for processes, %v", len(entries), err)
		}
	})
}

func TestDependencies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.process(t, bia.Process{Name: "出库发运", Important: true, Values: bia.Values{RTOMinutes: ptr(240)}})
		carrier := e.resource(t, bia.Supplier, "顺达运输", 1440)
		backup := e.resource(t, bia.Supplier, "备用承运商", 480)
		d := e.depend(t, p.Ref(), carrier.Ref(), backup.Ref())
		if d.Type != bia.Uses || d.Alternative != backup.Ref() {
			t.Errorf("stored %+v", d)
		}

		_, err := e.bia.SaveDependency(e.sys, bia.Dependency{From: p.Ref(), To: p.Ref()})
		wantField(t, err, "to", "cannot depend on itself")
		_, err = e.bia.SaveDependency(e.sys, bia.Dependency{From: p.Ref(), To: "r999999", Alternative: "r999998"})
		wantField(t, err, "to", "no resource with id 999999")
		wantField(t, err, "alternative", "no resource with id 999998")
		_, err = e.bia.SaveDependency(e.sys, bia.Dependency{From: "p999999", To: carrier.Ref()})
		wantField(t, err, "from", "no process with id 999999")
		_, err = e.bia.SaveDependency(e.sys, bia.Dependency{From: p.Ref(), To: carrier.Ref()})
		if !errs.Is(err, errs.Conflict) {
			t.Errorf("same pair twice: %v", err)
		}

		// Deleting the alternative leaves the dependency without one;
		// deleting the target removes it.
		if err := e.bia.DeleteResource(e.sys, backup.ID); err != nil {
			t.Fatal(err)
		}
		d, err = e.bia.Dependency(e.sys, d.ID)
		if err != nil || d.Alternative != "" {
			t.Errorf("after deleting the alternative: %+v %v", d, err)
		}
		if err := e.bia.DeleteResource(e.sys, carrier.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.bia.Dependency(e.sys, d.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("dependency on a deleted resource: %v", err)
		}
	})
}

// TestAnalysis builds a small logistics chain and checks every analysis
// with the names attached.
func TestAnalysis(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		dispatch := e.process(t, bia.Process{Name: "出库发运", NameEn: "Dispatch", Important: true,
			Values: bia.Values{RTOMinutes: ptr(240), MTPDMinutes: ptr(1440), Impacts: []bia.ImpactPoint{
				{Category: bia.Customer, AfterMinutes: 60, Level: 2}, {Category: bia.Customer, AfterMinutes: 240, Level: 4}}}})
		billing := e.process(t, bia.Process{Name: "结算", NameEn: "Billing", Values: bia.Values{RTOMinutes: ptr(1440)}})
		wms := e.resource(t, bia.Application, "WMS", 480)
		dc := e.resource(t, bia.Site, "数据中心", 240)
		carrier := e.resource(t, bia.Supplier, "承运商", 60)
		backup := e.resource(t, bia.Supplier, "备用承运商", 60)
		e.depend(t, dispatch.Ref(), wms.Ref(), "")
		e.depend(t, wms.Ref(), dc.Ref(), "")
		e.depend(t, dispatch.Ref(), carrier.Ref(), backup.Ref())
		e.depend(t, billing.Ref(), dispatch.Ref(), "")

		im, err := e.bia.Impact(e.sys, []string{dc.Ref()}, true)
		if err != nil {
			t.Fatal(err)
		}
		if im.Processes != 2 || im.Important != 1 || im.RTOBreached != 0 {
			t.Errorf("impact of the data centre: %+v", im)
		}
		var got []string
		for _, a := range im.Affected {
			got = append(got, a.Name)
			if a.Ref == dispatch.Ref() {
				if strings.Join(a.Path, ">") != dispatch.Ref()+">"+wms.Ref()+">"+dc.Ref() || *a.OutageMinutes != 240 || a.Direct ||
					len(a.Crossed) != 1 || a.Crossed[0].Level != 2 || *a.RTOMinutes != 240 {
					t.Errorf("dispatch: %+v", a)
				}
			}
		}
		if strings.Join(got, ",") != "数据中心,WMS,出库发运,结算" {
			t.Errorf("affected %v", got)
		}
		if _, err := e.bia.Impact(e.sys, []string{"r999999"}, false); fieldErr(err, "failed[0]") == "" {
			t.Errorf("unknown node: %v", err)
		}

		// The WMS takes 8 h to recover, dispatch needs 4 h: a gap with the
		// chain dispatch → WMS, and billing is fine (24 h vs dispatch's 4 h).
		gaps, err := e.bia.Feasibility(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(gaps) != 1 || gaps[0].Process.Name != "出库发运" || gaps[0].Bottleneck.Name != "WMS" || gaps[0].RecoveryMinutes != 480 ||
			len(gaps[0].Chain) != 2 || gaps[0].Chain[1].Ref != wms.Ref() {
			t.Errorf("gaps %+v", gaps)
		}
		req, err := e.bia.RequiredRecovery(e.sys, false)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]bia.Requirement{}
		for _, r := range req {
			byName[r.Node.Name] = r
		}
		if r := byName["WMS"]; r.RequiredMinutes != 240 || r.By.Name != "出库发运" || !r.Gap {
			t.Errorf("WMS requirement %+v", r)
		}
		if r := byName["数据中心"]; r.RequiredMinutes != 240 || r.Gap {
			t.Errorf("data centre requirement %+v", r)
		}
		if _, ok := byName["承运商"]; ok {
			t.Error("a resource with an alternative inherits no requirement")
		}

		spofs, err := e.bia.SinglePointsOfFailure(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range spofs {
			names = append(names, s.Resource.Name)
		}
		if strings.Join(names, ",") != "WMS,数据中心" {
			t.Errorf("single points of failure %v", names)
		}

		steps, err := e.bia.RecoveryOrder(e.sys, []string{dispatch.Ref(), dc.Ref(), wms.Ref()})
		if err != nil {
			t.Fatal(err)
		}
		if len(steps) != 3 || steps[0].Nodes[0].Name != "数据中心" || steps[2].Nodes[0].Name != "出库发运" {
			t.Errorf("recovery order %+v", steps)
		}
		if cs, _ := e.bia.Cycles(e.sys); len(cs) != 0 {
			t.Errorf("cycles %+v", cs)
		}
		e.depend(t, dc.Ref(), wms.Ref(), "") // monitoring runs on the WMS host: a cycle
		cs, err := e.bia.Cycles(e.sys)
		if err != nil || len(cs) != 1 || len(cs[0].Nodes) != 2 {
			t.Errorf("cycles after the loop: %+v %v", cs, err)
		}
	})
}

// TestGraphFollowsOtherProcesses checks that a service sees changes made
// through another service on the same database (another server process)
// without being told.
func TestGraphFollowsOtherProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		other := bia.NewService(db, db, e.audit, e.clock)
		p := e.process(t, bia.Process{Name: "配送", Important: true, Values: bia.Values{RTOMinutes: ptr(60)}})
		fleet := e.resource(t, bia.Equipment, "车队", 120)
		if spofs, _ := e.bia.SinglePointsOfFailure(e.sys); len(spofs) != 0 {
			t.Fatalf("spofs before: %+v", spofs)
		}
		rev, err := e.bia.Refresh(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.SaveDependency(e.sys, bia.Dependency{From: p.Ref(), To: fleet.Ref()}); err != nil {
			t.Fatal(err)
		}
		spofs, err := e.bia.SinglePointsOfFailure(e.sys)
		if err != nil || len(spofs) != 1 || spofs[0].Resource.Name != "车队" {
			t.Errorf("spofs after another process added a dependency: %+v %v", spofs, err)
		}
		if rev2, _ := e.bia.Refresh(e.sys); rev2 <= rev {
			t.Errorf("revision %d after %d", rev2, rev)
		}
		// A change of recovery time shows too.
		fleet.RecoveryMinutes = ptr(30)
		if _, err := other.SaveResource(e.sys, fleet); err != nil {
			t.Fatal(err)
		}
		if gaps, _ := e.bia.Feasibility(e.sys); len(gaps) != 0 {
			t.Errorf("gaps after the fleet recovers in 30 min: %+v", gaps)
		}
	})
}

// TestTransitiveDependents compares the recursive query in the database
// with the in-memory impact on a graph without alternatives, where the two
// must find the same nodes.
func TestTransitiveDependents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var ps []bia.Process
		for i := range 6 {
			ps = append(ps, e.process(t, bia.Process{Name: "P" + string(rune('A'+i)), Values: bia.Values{RTOMinutes: ptr(60)}}))
		}
		var rs []bia.Resource
		for i := range 5 {
			rs = append(rs, e.resource(t, bia.Application, "R"+string(rune('A'+i)), 60))
		}
		// r0 ← r1 ← r2, r3 ← r0 (cycle r0 r3), p0 → r2, p1 → r1, p2 → p0, p3 → p2, p4 → r4, p5 → p4, p5 → r3
		edges := [][2]string{{rs[1].Ref(), rs[0].Ref()}, {rs[2].Ref(), rs[1].Ref()}, {rs[0].Ref(), rs[3].Ref()}, {rs[3].Ref(), rs[0].Ref()},
			{ps[0].Ref(), rs[2].Ref()}, {ps[1].Ref(), rs[1].Ref()}, {ps[2].Ref(), ps[0].Ref()}, {ps[3].Ref(), ps[2].Ref()},
			{ps[4].Ref(), rs[4].Ref()}, {ps[5].Ref(), ps[4].Ref()}, {ps[5].Ref(), rs[3].Ref()}}
		for _, x := range edges {
			e.depend(t, x[0], x[1], "")
		}
		for _, start := range append([]string{ps[0].Ref(), ps[4].Ref()}, rs[0].Ref(), rs[1].Ref(), rs[4].Ref()) {
			sqlSet, err := db.TransitiveDependents(e.sys, start)
			if err != nil {
				t.Fatal(err)
			}
			im, err := e.bia.Impact(e.sys, []string{start}, true)
			if err != nil {
				t.Fatal(err)
			}
			var mem []string
			for _, a := range im.Affected {
				if !a.Failed {
					mem = append(mem, a.Ref)
				}
			}
			slices.Sort(sqlSet)
			slices.Sort(mem)
			if !slices.Equal(sqlSet, mem) {
				t.Errorf("from %s: database %v, memory %v", start, sqlSet, mem)
			}
		}
	})
}

func TestCampaign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.process(t, bia.Process{Name: "仓库收货", OwnerID: &e.zhang.ID, Values: bia.Values{RTOMinutes: ptr(480), PeakPeriods: "月末"}})
		other := e.process(t, bia.Process{Name: "西南配送", UnitID: e.west.ID})

		lead := as(authz.DepartmentLead, e.east)
		if _, err := e.bia.LaunchCampaign(lead, bia.Campaign{Name: "X", ProcessIDs: []int64{p.ID}}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("lead launches: %v", err)
		}
		_, err := e.bia.LaunchCampaign(e.sys, bia.Campaign{Name: "2026 年度 BIA", ProcessIDs: []int64{p.ID, 999999}})
		wantField(t, err, "process_ids[1]", "no process with id 999999")
		c, err := e.bia.LaunchCampaign(e.sys, bia.Campaign{Name: "2026 年度 BIA", NameEn: "2026 BIA", Due: "2026-03-31", ProcessIDs: []int64{p.ID, other.ID}})
		if err != nil {
			t.Fatal(err)
		}
		answers, err := e.bia.Answers(e.sys, bia.AnswerFilter{CampaignID: c.ID})
		if err != nil || len(answers) != 2 {
			t.Fatalf("%d answers, %v", len(answers), err)
		}
		a := answers[0]
		if a.ProcessID != p.ID || a.Status != bia.Pending || *a.Values.RTOMinutes != 480 || a.Values.PeakPeriods != "月末" {
			t.Errorf("the questionnaire starts from the current values: %+v", a)
		}

		// The owner's unit answers; the west branch's lead could not.
		if _, err := e.bia.SaveAnswer(lead, answers[1].ID, bia.Values{}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("lead answers for another branch: %v", err)
		}
		_, err = e.bia.SaveAnswer(lead, a.ID, bia.Values{RTOMinutes: ptr(600), MTPDMinutes: ptr(480)})
		wantField(t, err, "rto_minutes", "must not be greater than the MTPD")

		full := bia.Values{RTOMinutes: ptr(240), RPOMinutes: ptr(60), MBCO: "50% 收货能力", PeakPeriods: "双十一", MinStaff: ptr(6)}
		st := bia.DefaultSettings()
		for _, cat := range bia.Categories {
			for i, tp := range st.TimePoints {
				ip := bia.ImpactPoint{Category: cat, AfterMinutes: tp, Level: min(i+1, 5)}
				full.Impacts = append(full.Impacts, ip)
			}
		}
		partial := full
		partial.Impacts = full.Impacts[:3]
		if a, err = e.bia.SaveAnswer(lead, a.ID, partial); err != nil || a.Status != bia.Draft {
			t.Fatalf("save draft: %v %+v", err, a)
		}
		_, err = e.bia.Submit(lead, a.ID)
		wantField(t, err, "impacts", "financial impact is not rated at 3d, 1w")
		if !strings.Contains(err.Error(), "impacts: operational impact is not rated at 1h, 4h, 1d, 3d, 1w") {
			t.Errorf("incomplete answer: %v", err)
		}

		if a, err = e.bia.SaveAnswer(lead, a.ID, full); err != nil {
			t.Fatal(err)
		}
		if *a.Values.MTPDMinutes != 4320 || !a.Values.MTPDDerived {
			t.Errorf("derived MTPD %v", a.Values.MTPDMinutes)
		}
		if a, err = e.bia.Submit(lead, a.ID); err != nil || a.Status != bia.Submitted || a.SubmittedByName != "tester" {
			t.Fatalf("submit: %v %+v", err, a)
		}
		if _, err := e.bia.SaveAnswer(lead, a.ID, full); !errs.Is(err, errs.Conflict) {
			t.Errorf("edit after submit: %v", err)
		}
		if _, err := e.bia.Approve(lead, a.ID, ""); !errs.Is(err, errs.Forbidden) {
			t.Errorf("lead approves: %v", err)
		}
		_, err = e.bia.Return(e.sys, a.ID, "  ")
		wantField(t, err, "comment", "is required")
		if a, err = e.bia.Return(e.sys, a.ID, "RPO 60 分钟与每日备份不符,请核实"); err != nil || a.Status != bia.Returned {
			t.Fatalf("return: %v %+v", err, a)
		}
		// Not yet current.
		if cur, _ := e.bia.Process(e.sys, p.ID); *cur.RTOMinutes != 480 {
			t.Errorf("returned answer changed the process: RTO %d", *cur.RTOMinutes)
		}
		full.RPOMinutes = ptr(1440)
		if _, err = e.bia.SaveAnswer(lead, a.ID, full); err != nil {
			t.Fatal(err)
		}
		if _, err = e.bia.Submit(lead, a.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
		if a, err = e.bia.Approve(e.sys, a.ID, "同意"); err != nil || a.Status != bia.Approved {
			t.Fatalf("approve: %v %+v", err, a)
		}
		cur, err := e.bia.Process(e.sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if *cur.RTOMinutes != 240 || *cur.RPOMinutes != 1440 || *cur.MTPDMinutes != 4320 || cur.MBCO != "50% 收货能力" ||
			cur.ApprovedAnswerID == nil || *cur.ApprovedAnswerID != a.ID || cur.ApprovedAt == nil || len(cur.Impacts) != 30 {
			t.Errorf("approved values not current: %+v", cur)
		}
		if _, err := e.bia.Approve(e.sys, a.ID, ""); !errs.Is(err, errs.Conflict) {
			t.Errorf("approve twice: %v", err)
		}

		hist, err := e.bia.AnswerHistory(e.sys, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, h := range hist {
			steps = append(steps, h.Action)
		}
		if strings.Join(steps, ",") != "sent,saved,saved,submitted,returned,saved,submitted,approved" {
			t.Errorf("history %v", steps)
		}
		if hist[4].Comment != "RPO 60 分钟与每日备份不符,请核实" || *hist[3].Values.RPOMinutes != 60 || *hist[7].Values.RPOMinutes != 1440 {
			t.Errorf("history keeps each version: %+v", hist[3:5])
		}

		c, err = e.bia.Campaign(e.sys, c.ID)
		if err != nil || c.Progress.Approved != 1 || c.Progress.Pending != 1 || c.Progress.Total != 2 || len(c.ProcessIDs) != 2 {
			t.Errorf("progress %+v %v", c, err)
		}
		if c, err = e.bia.CloseCampaign(e.sys, c.ID); err != nil || c.Status != bia.CampaignClosed {
			t.Fatalf("close: %v", err)
		}
		if _, err := e.bia.SaveAnswer(e.sys, answers[1].ID, bia.Values{}); !errs.Is(err, errs.Conflict) {
			t.Errorf("answer in a closed campaign: %v", err)
		}
		entries, _ := e.audit.List(e.sys, audit.Filter{Entity: "bia_answer"})
		if len(entries) != 4 { // submit, return, submit, approve
			t.Errorf("%d audit entries for answers", len(entries))
		}
	})
}

// TestImportBIA checks the bulk import: positional references become the
// stored ones, and the graph sees the import.
func TestImportBIA(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.resource(t, bia.Site, "先有的站点", 60) // ids of the import do not start at 1
		now := e.clock.Now()
		d := bia.GraphData{
			Processes: []bia.Process{
				{Name: "A", UnitID: e.east.ID, Important: true, Values: bia.Values{RTOMinutes: ptr(60)}, CreatedAt: now, UpdatedAt: now},
				{Name: "B", UnitID: e.east.ID, CreatedAt: now, UpdatedAt: now},
			},
			Resources: []bia.Resource{
				{Kind: bia.Application, Name: "X", RecoveryMinutes: ptr(120), CreatedAt: now, UpdatedAt: now},
				{Kind: bia.Supplier, Name: "Y", CreatedAt: now, UpdatedAt: now},
				{Kind: bia.Supplier, Name: "Y2", CreatedAt: now, UpdatedAt: now},
			},
			Dependencies: []bia.Dependency{
				{From: "p1", To: "r1", Type: bia.Uses, CreatedAt: now, UpdatedAt: now},
				{From: "p2", To: "p1", Type: bia.Input, CreatedAt: now, UpdatedAt: now},
				{From: "r1", To: "r2", Alternative: "r3", Type: bia.SuppliedBy, CreatedAt: now, UpdatedAt: now},
			},
		}
		before, _ := e.bia.Refresh(e.sys)
		if err := db.ImportBIA(e.sys, &d); err != nil {
			t.Fatal(err)
		}
		if d.Resources[0].ID == 1 || d.Processes[1].ID == 0 {
			t.Fatalf("ids not set: %+v %+v", d.Processes, d.Resources)
		}
		deps, err := e.bia.Dependencies(e.sys, "")
		if err != nil || len(deps) != 3 {
			t.Fatalf("%d dependencies, %v", len(deps), err)
		}
		if deps[0].From != d.Processes[0].Ref() || deps[0].To != d.Resources[0].Ref() ||
			deps[2].Alternative != d.Resources[2].Ref() || deps[1].To != d.Processes[0].Ref() {
			t.Errorf("references not translated: %+v", deps)
		}
		if after, _ := e.bia.Refresh(e.sys); after <= before {
			t.Errorf("revision %d after import, %d before", after, before)
		}
		gaps, err := e.bia.Feasibility(e.sys)
		if err != nil || len(gaps) != 1 || gaps[0].Process.Name != "A" || gaps[0].Bottleneck.Name != "X" {
			t.Errorf("gaps after import %+v %v", gaps, err)
		}
		bad := bia.GraphData{Dependencies: []bia.Dependency{{From: "p1", To: "r9", CreatedAt: now, UpdatedAt: now}}}
		if err := db.ImportBIA(e.sys, &bad); err == nil || !strings.Contains(err.Error(), "no node p1 in the import") {
			t.Errorf("bad import: %v", err)
		}
	})
}

// TestConcurrentAnalyses runs analyses while dependencies change; run with
// -race it checks that the graph is swapped safely, and at the end the
// analysis must see every change.
func TestConcurrentAnalyses(t *testing.T) {
	db := storetest.New(t, store.SQLite)
	e := newEnv(t, db)
	p := e.process(t, bia.Process{Name: "P", Important: true, Values: bia.Values{RTOMinutes: ptr(60)}})
	var rs []bia.Resource
	for i := range 10 {
		rs = append(rs, e.resource(t, bia.Application, "R"+string(rune('0'+i)), 120))
	}
	done := make(chan struct{})
	errc := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errc <- nil
					return
				default:
				}
				if _, err := e.bia.Feasibility(e.sys); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	for _, r := range rs {
		e.depend(t, p.Ref(), r.Ref(), "")
	}
	close(done)
	for range 4 {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	spofs, err := e.bia.SinglePointsOfFailure(e.sys)
	if err != nil || len(spofs) != 10 {
		t.Errorf("%d single points of failure after the changes, %v", len(spofs), err)
	}
}
