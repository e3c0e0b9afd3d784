package graph_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/continuo-bcm/continuo/internal/bia/graph"
)

// TestPathSmallAndLargeLoss checks Path both when the loss touches a small
// part of the graph and when it touches most of it (positions are kept
// differently in the two cases).
func TestPathSmallAndLargeLoss(t *testing.T) {
	nodes := []graph.Node{proc("P", 2*h, 4*h, true), res("A", graph.KindApplication, h), res("S", graph.KindSite, 3*h)}
	edges := []graph.Edge{dep("P", "A"), dep("A", "S")}
	for i := range 100 {
		id := fmt.Sprintf("R%d", i)
		nodes = append(nodes, res(id, graph.KindEquipment, h))
		if i < 60 {
			edges = append(edges, dep(id, "S"))
		}
	}
	g := build(t, nodes, edges)

	small, err := g.Impact("A")
	if err != nil {
		t.Fatal(err)
	}
	if len(small.Affected) != 2 || !reflect.DeepEqual(small.Path("P"), ids("P", "A")) || small.Path("S") != nil || small.Path("R1") != nil {
		t.Errorf("small loss: %d affected, path %v", len(small.Affected), small.Path("P"))
	}
	large, err := g.Impact("S")
	if err != nil {
		t.Fatal(err)
	}
	if len(large.Affected) != 63 || !reflect.DeepEqual(large.Path("P"), ids("P", "A", "S")) ||
		!reflect.DeepEqual(large.Path("R59"), ids("R59", "S")) || large.Path("R60") != nil || large.Path("nope") != nil {
		t.Errorf("large loss: %d affected, path %v", len(large.Affected), large.Path("P"))
	}
}
