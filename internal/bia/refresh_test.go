package bia_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// changeCounter counts how the service's refreshes were answered: from the
// change log, or by loading the whole graph.
type changeCounter struct {
	*store.DB
	full, incremental int
}

func (c *changeCounter) BIAChanges(ctx context.Context, since int64) (bia.GraphChanges, error) {
	ch, err := c.DB.BIAChanges(ctx, since)
	if err == nil && ch.Full {
		c.full++
	} else if err == nil && ch.Revision != since {
		c.incremental++
	}
	return ch, err
}

// analyses is everything the service answers about the graph.
type analyses struct {
	Graph     bia.GraphView
	Impacts   map[string]bia.ImpactReport
	Orders    map[string][]bia.RecoveryStep
	Gaps      []bia.Gap
	Required  []bia.Requirement
	SPOFs     []bia.SPOF
	Cycles    []bia.Cycle
	Revisions int64
}

func analyse(t *testing.T, ctx context.Context, s *bia.Service) analyses {
	t.Helper()
	var a analyses
	var err error
	if a.Graph, err = s.Graph(ctx); err != nil {
		t.Fatal(err)
	}
	a.Impacts = map[string]bia.ImpactReport{}
	a.Orders = map[string][]bia.RecoveryStep{}
	for _, n := range a.Graph.Nodes {
		if a.Impacts[n.Ref], err = s.Impact(ctx, []string{n.Ref}, true); err != nil {
			t.Fatal(err)
		}
	}
	if len(a.Graph.Nodes) >= 2 {
		refs := []string{a.Graph.Nodes[0].Ref, a.Graph.Nodes[len(a.Graph.Nodes)-1].Ref}
		if a.Orders["ends"], err = s.RecoveryOrder(ctx, refs); err != nil {
			t.Fatal(err)
		}
	}
	if a.Gaps, err = s.Feasibility(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Required, err = s.RequiredRecovery(ctx, true); err != nil {
		t.Fatal(err)
	}
	if a.SPOFs, err = s.SinglePointsOfFailure(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Cycles, err = s.Cycles(ctx); err != nil {
		t.Fatal(err)
	}
	a.Revisions = a.Graph.Revision
	return a
}

// TestIncrementalRefreshEqualsFullBuild makes random changes of every kind
// through one service (as another server process would) and checks after
// each that a service kept up to date from the change log answers exactly
// like a service that loads the whole graph, and that it did use the log.
func TestIncrementalRefreshEqualsFullBuild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		log := &changeCounter{DB: db}
		kept := bia.NewService(log, db, e.audit, e.clock)
		writer := e.bia
		rng := rand.New(rand.NewPCG(3, 5))

		var procs []bia.Process
		var res []bia.Resource
		var deps []bia.Dependency
		node := func() string {
			if len(procs) > 0 && (len(res) == 0 || rng.IntN(3) == 0) {
				return procs[rng.IntN(len(procs))].Ref()
			}
			if len(res) == 0 {
				return ""
			}
			return res[rng.IntN(len(res))].Ref()
		}
		minutes := func() *int {
			if rng.IntN(5) == 0 {
				return nil
			}
			return ptr(30 * (1 + rng.IntN(8)))
		}
		kinds := []bia.ResourceKind{bia.Application, bia.Equipment, bia.Supplier}
		if _, err := kept.Refresh(e.sys); err != nil { // first load: the whole (empty) graph
			t.Fatal(err)
		}
		changes := 0
		for step := range 120 {
			var what string
			var err error
			switch op := rng.IntN(10); {
			case op == 0 || len(procs) < 2:
				what = "create process"
				var p bia.Process
				p, err = writer.SaveProcess(e.sys, bia.Process{Name: fmt.Sprintf("流程 %d", step), UnitID: e.warehouse.ID,
					Important: rng.IntN(2) == 0, Values: bia.Values{RTOMinutes: minutes()}})
				if err == nil {
					procs = append(procs, p)
				}
			case op == 1 || len(res) < 3:
				what = "create resource"
				var r bia.Resource
				r, err = writer.SaveResource(e.sys, bia.Resource{Kind: kinds[rng.IntN(len(kinds))], Name: fmt.Sprintf("资源 %d", step),
					RecoveryMinutes: minutes()})
				if err == nil {
					res = append(res, r)
				}
			case op == 2:
				what = "update process"
				i := rng.IntN(len(procs))
				p := procs[i]
				p.RTOMinutes, p.Important, p.Name = minutes(), !p.Important, p.Name+"′"
				if p, err = writer.SaveProcess(e.sys, p); err == nil {
					procs[i] = p
				}
			case op == 3:
				what = "update resource"
				i := rng.IntN(len(res))
				r := res[i]
				r.RecoveryMinutes, r.Name = minutes(), r.Name+"′"
				if r, err = writer.SaveResource(e.sys, r); err == nil {
					res[i] = r
				}
			case op == 4 && rng.IntN(2) == 0:
				what = "delete process"
				i := rng.IntN(len(procs))
				err = writer.DeleteProcess(e.sys, procs[i].ID)
				procs = append(procs[:i], procs[i+1:]...)
			case op == 4:
				what = "delete resource"
				i := rng.IntN(len(res))
				err = writer.DeleteResource(e.sys, res[i].ID)
				res = append(res[:i], res[i+1:]...)
			case op <= 7 || len(deps) == 0:
				what = "create dependency"
				d := bia.Dependency{From: node(), To: node(), Type: bia.Uses}
				if rng.IntN(3) == 0 {
					d.Alternative = node()
				}
				var saved bia.Dependency
				if saved, err = writer.SaveDependency(e.sys, d); err == nil {
					deps = append(deps, saved)
				}
			case op == 8:
				what = "update dependency"
				i := rng.IntN(len(deps))
				d := deps[i]
				d.From, d.To, d.Alternative = node(), node(), ""
				if rng.IntN(2) == 0 {
					d.Alternative = node()
				}
				var saved bia.Dependency
				if saved, err = writer.SaveDependency(e.sys, d); err == nil {
					deps[i] = saved
				}
			default:
				what = "delete dependency"
				i := rng.IntN(len(deps))
				err = writer.DeleteDependency(e.sys, deps[i].ID)
				deps = append(deps[:i], deps[i+1:]...)
			}
			// Refused changes (a self-dependency, a pair twice, a
			// dependency deleted with its node) change nothing.
			if err == nil {
				changes++
			}
			got := analyse(t, e.sys, kept)
			want := analyse(t, e.sys, bia.NewService(db, db, e.audit, e.clock))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("step %d (%s, err %v): the graph kept up to date differs from a full build:\n got %+v\nwant %+v", step, what, err, got, want)
			}
		}
		if log.full != 1 || log.incremental != changes || changes < 80 {
			t.Errorf("%d full loads and %d incremental refreshes for %d changes, want 1 full load and one incremental refresh per change",
				log.full, log.incremental, changes)
		}
	})
}

// TestRefreshAfterImport checks that an import, recorded as a change of
// everything, makes the next refresh load the whole graph.
func TestRefreshAfterImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		log := &changeCounter{DB: db}
		kept := bia.NewService(log, db, e.audit, e.clock)
		if _, err := kept.Refresh(e.sys); err != nil {
			t.Fatal(err)
		}
		d := bia.GraphData{
			Processes:    []bia.Process{{Name: "出库", UnitID: e.warehouse.ID, Values: bia.Values{RTOMinutes: ptr(60)}, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}},
			Resources:    []bia.Resource{{Kind: bia.Application, Name: "WMS", RecoveryMinutes: ptr(240), CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}},
			Dependencies: []bia.Dependency{{From: "p1", To: "r1", Type: bia.Uses, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}},
		}
		if err := db.ImportBIA(e.sys, &d); err != nil {
			t.Fatal(err)
		}
		gaps, err := kept.Feasibility(e.sys)
		if err != nil || len(gaps) != 1 || gaps[0].Bottleneck.Name != "WMS" {
			t.Errorf("gaps after the import: %+v %v", gaps, err)
		}
		if log.full != 2 {
			t.Errorf("%d full loads, want 2 (first load and after the import)", log.full)
		}
	})
}
