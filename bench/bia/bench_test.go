package biabench_test

import (
	"strconv"
	"testing"
	"time"

	biabench "github.com/continuo-bcm/continuo/bench/bia"
	"github.com/continuo-bcm/continuo/internal/bia/graph"
)

const size = 100_000

func setup(b *testing.B) *graph.Graph {
	b.Helper()
	nodes, edges := biabench.Generate(size, 1)
	g, err := graph.Build(nodes, edges)
	if err != nil {
		b.Fatal(err)
	}
	return g
}

func TestGenerateShape(t *testing.T) {
	nodes, edges := biabench.Generate(10_000, 1)
	if len(nodes) != 10_000 {
		t.Errorf("%d nodes", len(nodes))
	}
	if len(edges) < 49_000 || len(edges) > 50_500 {
		t.Errorf("%d edges, want about 50,000", len(edges))
	}
	if _, err := graph.Build(nodes, edges); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkBuild(b *testing.B) {
	nodes, edges := biabench.Generate(size, 1)
	for b.Loop() {
		if _, err := graph.Build(nodes, edges); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImpact measures the loss of the most depended-on
// infrastructure node (the first of its layer), the largest impact the
// generator makes.
func BenchmarkImpact(b *testing.B) {
	g := setup(b)
	id := biabench.Infrastructure(size)
	for b.Loop() {
		if _, err := g.Impact(id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFeasibility(b *testing.B) {
	g := setup(b)
	for b.Loop() {
		g.Feasibility()
	}
}

func BenchmarkRequiredRecovery(b *testing.B) {
	g := setup(b)
	for b.Loop() {
		g.RequiredRecovery()
	}
}

func BenchmarkCycles(b *testing.B) {
	g := setup(b)
	for b.Loop() {
		g.Cycles()
	}
}

func TestAsImport(t *testing.T) {
	nodes, edges := biabench.Generate(2_000, 1)
	d, ref := biabench.AsImport(nodes, edges, 1, time.Now())
	if len(d.Processes)+len(d.Resources) != len(nodes) || len(ref) != len(nodes) {
		t.Fatalf("%d processes + %d resources for %d nodes", len(d.Processes), len(d.Resources), len(nodes))
	}
	pairs := map[[2]string]bool{}
	for _, dep := range d.Dependencies {
		k := [2]string{dep.From, dep.To}
		if pairs[k] {
			t.Fatalf("pair %v twice", k)
		}
		pairs[k] = true
		if err := dep.Validate(); err != nil {
			t.Fatalf("dependency %+v: %v", dep, err)
		}
	}
	if len(d.Dependencies) < len(edges)*9/10 {
		t.Errorf("%d dependencies kept of %d edges", len(d.Dependencies), len(edges))
	}
	if ref[nodes[0].ID] != "p1" || biabench.MustRef(ref, biabench.Infrastructure(2_000))[0] != 'r' {
		t.Errorf("references %s %s", ref[nodes[0].ID], biabench.MustRef(ref, biabench.Infrastructure(2_000)))
	}
}

// BenchmarkSinglePointsOfFailure measures the whole single-point-of-failure
// analysis at 5,000 nodes (the largest graph the analysis page waits for)
// and at 20,000. (At 100,000 nodes the generator's graph has 72,859 single
// points of failure listing some 130 million processes in all; the
// analysis takes about half a minute, most of it building that list.)
func BenchmarkSinglePointsOfFailure(b *testing.B) {
	for _, n := range []int{5_000, 20_000} {
		nodes, edges := biabench.Generate(n, 1)
		g, err := graph.Build(nodes, edges)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var spofs []graph.SPOF
			for b.Loop() {
				spofs = g.SinglePointsOfFailure()
			}
			b.ReportMetric(float64(len(spofs)), "spofs")
		})
	}
}
