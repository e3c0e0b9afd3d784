package biabench_test

import (
	"context"
	"testing"
	"time"

	biabench "github.com/continuo-bcm/continuo/bench/bia"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
)

// memStore serves a generated graph to the BIA service without a
// database, so that the service's own cost (building the snapshot, turning
// analyses into reports) can be measured and profiled alone.
type memStore struct {
	bia.Store
	data bia.GraphData
}

func (m *memStore) BIARevision(context.Context) (int64, error) { return m.data.Revision, nil }

func (m *memStore) BIAGraphData(context.Context) (bia.GraphData, error) { return m.data, nil }

// BIAChanges answers the first load with the whole graph and a refresh
// with a change of the first resource's recovery time, as the store's
// change log does after one UpdateResource.
func (m *memStore) BIAChanges(_ context.Context, since int64) (bia.GraphChanges, error) {
	if since < 0 {
		return bia.GraphChanges{Revision: m.data.Revision, Full: true, Data: m.data}, nil
	}
	r := m.data.Resources[0]
	r.RecoveryMinutes = ptr(int(m.data.Revision % 1000))
	c := bia.GraphChanges{Revision: m.data.Revision, Resources: []bia.Resource{r}}
	for _, d := range m.data.Dependencies {
		if d.From == r.Ref() {
			c.Dependencies = append(c.Dependencies, d)
		}
	}
	return c, nil
}

func ptr[T any](v T) *T { return &v }

func newService(b *testing.B) (*bia.Service, *memStore, context.Context, map[string]string) {
	b.Helper()
	nodes, edges := biabench.Generate(size, 1)
	d, ref := biabench.AsImport(nodes, edges, 1, time.Now())
	for i := range d.Processes {
		d.Processes[i].ID = int64(i + 1)
	}
	for i := range d.Resources {
		d.Resources[i].ID = int64(i + 1)
	}
	for i := range d.Dependencies {
		d.Dependencies[i].ID = int64(i + 1)
	}
	d.Revision = 1
	refs := make(map[string]string, len(ref))
	for id, r := range ref {
		refs[string(id)] = r
	}
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	m := &memStore{data: d}
	svc := bia.NewService(m, nil, nil, clock.Real{})
	if _, err := svc.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	return svc, m, ctx, refs
}

// BenchmarkServiceRefresh is the refresh after one change of a resource
// (the store's work left out: bench/cmd/bia measures it with a database).
func BenchmarkServiceRefresh(b *testing.B) {
	svc, m, ctx, _ := newService(b)
	for b.Loop() {
		m.data.Revision++
		if _, err := svc.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServiceImpact is the impact query as the API and bench/cmd/bia
// run it: the analysis and the report of the affected processes.
func BenchmarkServiceImpact(b *testing.B) {
	svc, _, ctx, refs := newService(b)
	target := []string{refs[string(biabench.Infrastructure(size))]}
	for b.Loop() {
		if _, err := svc.Impact(ctx, target, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServiceFeasibility is the whole-graph RTO feasibility as the
// process list and the analysis page ask for it: "first" after a change
// (computed for the new revision; the refresh itself is left out of the
// time) and "repeated" at the same revision (the result cached for it).
// "gaps" is the number of processes with an RTO gap.
func BenchmarkServiceFeasibility(b *testing.B) {
	svc, m, ctx, _ := newService(b)
	b.Run("first", func(b *testing.B) {
		var rep *bia.FeasibilityReport
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			m.data.Revision++
			if _, err := svc.Refresh(ctx); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			var err error
			if rep, err = svc.FeasibilityReport(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rep.Processes()), "gaps")
	})
	b.Run("repeated", func(b *testing.B) {
		var rep *bia.FeasibilityReport
		for b.Loop() {
			var err error
			if rep, err = svc.FeasibilityReport(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rep.Processes()), "gaps")
	})
}

// BenchmarkServiceFindNodes is the pickers' search: a text found in many
// codes, at most 51 matches returned (the search keys made once per
// revision, before the timer).
func BenchmarkServiceFindNodes(b *testing.B) {
	svc, _, ctx, _ := newService(b)
	if _, err := svc.FindNodes(ctx, bia.NodeQuery{Query: "warm up"}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ns, err := svc.FindNodes(ctx, bia.NodeQuery{Query: "1", Limit: 51})
		if err != nil || len(ns) != 51 {
			b.Fatalf("%d matches, %v", len(ns), err)
		}
	}
}
