package biabench_test

import (
	"testing"

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
