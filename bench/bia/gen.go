// Package biabench generates large dependency graphs of a realistic shape
// for the business impact analysis benchmarks: processes depend on
// applications, key roles, suppliers, sites and upstream processes;
// applications on infrastructure, data, other applications and suppliers;
// data on infrastructure; infrastructure on sites, suppliers and other
// infrastructure. Targets are drawn with a skew, so that a few shared
// resources (a core network, a main data centre) carry many dependents,
// and about a tenth of the dependencies on suppliers, sites and
// infrastructure have an alternative of the same kind. Links between
// nodes of one layer make cycles, as real inventories have.
package biabench

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/continuo-bcm/continuo/internal/bia/graph"
)

// layer is a block of nodes of one kind.
type layer struct {
	kind  graph.Kind
	share float64 // of the nodes
	first int     // index of the first node
	n     int
}

// link is a class of dependencies: each node of from gets on average per
// dependencies on nodes of to.
type link struct {
	from, to string
	per      float64
	alt      bool
}

// Shape is the layers and links of a generated graph, by layer name.
var layers = []struct {
	name  string
	kind  graph.Kind
	share float64
}{
	{"process", graph.KindProcess, 0.10},
	{"application", graph.KindApplication, 0.30},
	{"data", graph.KindData, 0.15},
	{"infrastructure", graph.KindEquipment, 0.20},
	{"site", graph.KindSite, 0.05},
	{"supplier", graph.KindSupplier, 0.10},
	{"role", graph.KindRole, 0.10},
}

// links add up to 50 dependencies per 10 nodes: 500,000 edges for
// 100,000 nodes.
var links = []link{
	{"process", "application", 8, false},
	{"process", "role", 2, false},
	{"process", "supplier", 1, true},
	{"process", "site", 1, true},
	{"process", "process", 0.5, false},
	{"application", "infrastructure", 3, true},
	{"application", "data", 3, false},
	{"application", "application", 17.0 / 6, false},
	{"application", "supplier", 1, true},
	{"data", "infrastructure", 2, true},
	{"infrastructure", "site", 1, true},
	{"infrastructure", "infrastructure", 1, false},
	{"role", "site", 0.5, false},
	{"supplier", "site", 0.5, false},
}

var recoveries = []time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 24 * time.Hour, 72 * time.Hour}

// Generate makes a graph of n nodes and about 5n edges from seed. Node
// ids are "n0", "n1", …; the nodes of each layer are contiguous.
func Generate(n int, seed uint64) ([]graph.Node, []graph.Edge) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	byName := map[string]*layer{}
	var ls []*layer
	first := 0
	for i, l := range layers {
		c := int(float64(n) * l.share)
		if i == len(layers)-1 {
			c = n - first
		}
		ly := &layer{kind: l.kind, share: l.share, first: first, n: max(c, 1)}
		first += c
		byName[l.name] = ly
		ls = append(ls, ly)
	}
	id := func(i int) graph.ID { return graph.ID(fmt.Sprintf("n%d", i)) }
	nodes := make([]graph.Node, 0, n)
	for _, ly := range ls {
		for i := range ly.n {
			if len(nodes) == n {
				break
			}
			nd := graph.Node{ID: id(ly.first + i), Kind: ly.kind}
			if ly.kind == graph.KindProcess {
				rto := recoveries[rng.IntN(len(recoveries))]
				nd.RTO, nd.MTPD = rto, 3*rto
				nd.Important = rng.IntN(5) == 0
				nd.Thresholds = []graph.Threshold{
					{After: rto / 2, Level: 1, Label: "minor"},
					{After: rto, Level: 2, Label: "major"},
					{After: 2 * rto, Level: 3, Label: "severe"},
				}
			} else if rng.IntN(10) != 0 { // a tenth have no stated recovery time
				nd.Recovery = recoveries[rng.IntN(len(recoveries))]
			}
			nodes = append(nodes, nd)
		}
	}
	// pick draws a node of a layer, skewed towards its first nodes.
	pick := func(ly *layer) int {
		u := rng.Float64()
		return ly.first + int(float64(ly.n)*u*u*u)
	}
	edges := make([]graph.Edge, 0, 5*n)
	for _, lk := range links {
		from, to := byName[lk.from], byName[lk.to]
		total := int(lk.per * float64(from.n))
		for range total {
			f := from.first + rng.IntN(from.n)
			t := pick(to)
			if f == t {
				continue
			}
			e := graph.Edge{From: id(f), To: id(t), Type: lk.from + "→" + lk.to}
			if lk.alt && to.n > 1 && rng.IntN(10) == 0 {
				a := to.first + rng.IntN(to.n)
				if a == t {
					a = to.first + (a-to.first+1)%to.n
				}
				e.Alt = id(a)
			}
			edges = append(edges, e)
		}
	}
	return nodes, edges
}

// Infrastructure is the id of the most depended-on infrastructure node of
// a graph of n nodes made by Generate.
func Infrastructure(n int) graph.ID {
	first := 0
	for _, l := range layers {
		if l.name == "infrastructure" {
			return graph.ID(fmt.Sprintf("n%d", first))
		}
		first += int(float64(n) * l.share)
	}
	return ""
}
