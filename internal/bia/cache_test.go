package bia_test

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// TestAnalysisCacheFollowsChanges checks that the whole-graph analyses are
// computed once per revision and shared, and answered again after a
// change, made by this service or by another sharing the database.
func TestAnalysisCacheFollowsChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		other := bia.NewService(db, db, e.audit, e.clock)
		dispatch := e.process(t, bia.Process{Code: "P-DSP", Name: "出库发运", NameEn: "Dispatch", Important: true,
			Values: bia.Values{RTOMinutes: ptr(240)}})
		wms := e.resource(t, bia.Application, "WMS", 480)
		e.depend(t, dispatch.Ref(), wms.Ref(), "")

		// Concurrent first callers share one result.
		reps := make([]*bia.FeasibilityReport, 4)
		var wg sync.WaitGroup
		for i := range reps {
			wg.Go(func() {
				r, err := e.bia.FeasibilityReport(e.sys)
				if err != nil {
					t.Error(err)
				}
				reps[i] = r
			})
		}
		wg.Wait()
		first := reps[0]
		for _, r := range reps[1:] {
			if r != first {
				t.Fatalf("concurrent callers at one revision got different results")
			}
		}
		if first.Processes() != 1 || first.GapOf(dispatch.ID) == nil || first.GapOf(dispatch.ID).Bottleneck.Name != "WMS" {
			t.Fatalf("gaps before the change: %+v", first.Gaps)
		}
		if again, _ := e.bia.FeasibilityReport(e.sys); again != first {
			t.Errorf("a second call at the same revision computed the analysis again")
		}
		req, err := e.bia.RequirementReport(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		if q := req.For(wms.Ref()); q == nil || !q.Gap || q.RequiredMinutes != 240 || len(req.TooSlow()) != 1 {
			t.Fatalf("WMS requirement before the change: %+v", q)
		}

		// This service makes the WMS recover in 2 h: no gap any more.
		wms.RecoveryMinutes = ptr(120)
		if _, err := e.bia.SaveResource(e.sys, wms); err != nil {
			t.Fatal(err)
		}
		after, err := e.bia.FeasibilityReport(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		if after == first || after.Revision <= first.Revision || after.Processes() != 0 || after.GapOf(dispatch.ID) != nil {
			t.Errorf("gaps after the WMS recovers in 2h: %+v (revision %d, before %d)", after.Gaps, after.Revision, first.Revision)
		}
		if gaps, _ := e.bia.Feasibility(e.sys); len(gaps) != 0 {
			t.Errorf("Feasibility after the change: %+v", gaps)
		}
		if req2, _ := e.bia.RequirementReport(e.sys); req2.For(wms.Ref()) == nil || req2.For(wms.Ref()).Gap || len(req2.TooSlow()) != 0 {
			t.Errorf("WMS requirement after the change: %+v", req2.For(wms.Ref()))
		}

		// Another service on the same database adds a slow data centre under
		// the WMS: this one's cached result follows.
		dc := e.resource(t, bia.Site, "数据中心", 1440)
		if _, err := other.SaveDependency(e.sys, bia.Dependency{From: wms.Ref(), To: dc.Ref()}); err != nil {
			t.Fatal(err)
		}
		last, err := e.bia.FeasibilityReport(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		g := last.GapOf(dispatch.ID)
		if last.Processes() != 1 || g == nil || g.Bottleneck.Ref != dc.Ref() || g.RecoveryMinutes != 1440 {
			t.Errorf("gaps after another service added the data centre: %+v", last.Gaps)
		}
		if spofs, _ := e.bia.SinglePointsOfFailure(e.sys); len(spofs) != 2 {
			t.Errorf("single points of failure: %+v", spofs)
		}
		// Callers may reorder what they get without touching the cache.
		gaps, _ := e.bia.Feasibility(e.sys)
		slices.Reverse(gaps)
		if again, _ := e.bia.FeasibilityReport(e.sys); again != last {
			t.Errorf("the cached result changed without a change of the graph")
		}
	})
}

// TestFindNodes checks the picker's search: best matches first, bounded.
func TestFindNodes(t *testing.T) {
	db := storetest.New(t, store.SQLite)
	e := newEnv(t, db)
	dispatch := e.process(t, bia.Process{Code: "P-DSP", Name: "出库发运", NameEn: "Dispatch", Important: true,
		Values: bia.Values{RTOMinutes: ptr(240)}})
	billing := e.process(t, bia.Process{Code: "P-BIL", Name: "结算", NameEn: "Billing", Values: bia.Values{RTOMinutes: ptr(1440)}})
	wms := e.resource(t, bia.Application, "WMS", 480)
	refs := func(ns []bia.Node) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.Ref)
		}
		return out
	}
	for _, c := range []struct {
		q    bia.NodeQuery
		want []string
	}{
		{bia.NodeQuery{Query: "p-dsp"}, []string{dispatch.Ref()}},
		{bia.NodeQuery{Query: "P-"}, []string{dispatch.Ref(), billing.Ref()}},
		{bia.NodeQuery{Query: "结算"}, []string{billing.Ref()}},
		{bia.NodeQuery{Query: "wms"}, []string{wms.Ref()}},
		{bia.NodeQuery{Query: "wms", Family: "process"}, nil},
		{bia.NodeQuery{Query: wms.Ref()}, []string{wms.Ref()}},
		{bia.NodeQuery{}, []string{dispatch.Ref(), billing.Ref(), wms.Ref()}},
		{bia.NodeQuery{Family: "resource"}, []string{wms.Ref()}},
		{bia.NodeQuery{Limit: 1}, []string{dispatch.Ref()}},
	} {
		got, err := e.bia.FindNodes(e.sys, c.q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(refs(got), c.want) {
			t.Errorf("%+v: %v, want %v", c.q, refs(got), c.want)
		}
	}
	ns, err := e.bia.Nodes(e.sys, wms.Ref(), "r999999")
	if err != nil || len(ns) != 1 || ns[wms.Ref()].Name != "WMS" {
		t.Errorf("Nodes: %+v %v", ns, err)
	}
}

// TestSPOFInBackground checks that on a large graph the single points of
// failure are computed in the background and then answered, equal to the
// blocking call.
func TestSPOFInBackground(t *testing.T) {
	db := storetest.New(t, store.SQLite)
	e := newEnv(t, db)
	now := e.clock.Now()
	var d bia.GraphData
	for i := range 10 {
		d.Processes = append(d.Processes, bia.Process{Name: fmt.Sprint("P", i), UnitID: e.east.ID, Important: i < 2,
			Values: bia.Values{RTOMinutes: ptr(60)}, CreatedAt: now, UpdatedAt: now})
		d.Dependencies = append(d.Dependencies, bia.Dependency{From: fmt.Sprint("p", i+1), To: fmt.Sprint("r", i+1), Type: bia.Uses,
			CreatedAt: now, UpdatedAt: now})
	}
	for i := range bia.SPOFSyncNodes {
		d.Resources = append(d.Resources, bia.Resource{Kind: bia.Application, Name: fmt.Sprint("R", i), CreatedAt: now, UpdatedAt: now})
	}
	if err := db.ImportBIA(e.sys, &d); err != nil {
		t.Fatal(err)
	}
	if _, ready, err := e.bia.SinglePointsOfFailureIfReady(e.sys); err != nil || ready {
		t.Fatalf("ready %v at once on %d nodes, %v", ready, len(d.Processes)+len(d.Resources), err)
	}
	want, err := e.bia.SinglePointsOfFailure(e.sys) // waits for the same computation
	if err != nil {
		t.Fatal(err)
	}
	got, ready, err := e.bia.SinglePointsOfFailureIfReady(e.sys)
	if err != nil || !ready || len(got) != 2 || !reflect.DeepEqual(got, want) {
		t.Errorf("after the computation: ready %v, %+v, want %+v, %v", ready, got, want, err)
	}
}
