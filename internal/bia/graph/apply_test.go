package graph

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"
)

// numeric orders the ids "n<k>" of these tests by k.
func numeric(a, b ID) int {
	x, _ := strconv.Atoi(string(a[1:]))
	y, _ := strconv.Atoi(string(b[1:]))
	return cmp.Compare(x, y)
}

func randomNode(rng *rand.Rand, k int) Node {
	kinds := []Kind{KindProcess, KindApplication, KindSite, KindSupplier}
	nd := Node{ID: ID("n" + strconv.Itoa(k)), Kind: kinds[rng.IntN(len(kinds))]}
	if nd.Kind == KindProcess {
		nd.RTO = time.Duration(rng.IntN(5)) * time.Hour
		if nd.RTO > 0 {
			nd.MTPD = nd.RTO * time.Duration(1+rng.IntN(3))
		}
		nd.Important = rng.IntN(2) == 0
		if rng.IntN(2) == 0 {
			nd.Thresholds = []Threshold{{After: 3 * time.Hour, Level: 2, Label: "b"}, {After: time.Hour, Level: 1, Label: "a"}}
		}
	} else {
		nd.Recovery = time.Duration(rng.IntN(6)) * time.Hour
	}
	return nd
}

func randomEdges(rng *rand.Rand, from ID, ids []ID, k int) []Edge {
	var out []Edge
	for range k {
		e := Edge{From: from, To: ids[rng.IntN(len(ids))], Type: fmt.Sprintf("t%d", rng.IntN(4))}
		if rng.IntN(4) == 0 {
			if a := ids[rng.IntN(len(ids))]; a != e.To {
				e.Alt = a
			}
		}
		out = append(out, e)
	}
	return out
}

// TestApplyEqualsBuild checks, on random graphs and random changes of
// every kind (attributes changed, nodes added anywhere in the order,
// nodes removed with the edges to them, alternatives lost, rows of edges
// replaced or emptied), that Apply gives exactly what Build gives for the
// changed graph, down to the positions and the answers of the analyses.
func TestApplyEqualsBuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 300 {
		size := 1 + rng.IntN(40)
		var nodes []Node
		for k := range size {
			if rng.IntN(4) != 0 { // gaps leave room for added nodes in the middle
				nodes = append(nodes, randomNode(rng, 2*k))
			}
		}
		if len(nodes) == 0 {
			continue
		}
		ids := make([]ID, len(nodes))
		for i, nd := range nodes {
			ids[i] = nd.ID
		}
		var edges []Edge
		for _, id := range ids {
			edges = append(edges, randomEdges(rng, id, ids, rng.IntN(4))...)
		}
		g, err := Build(nodes, edges)
		if err != nil {
			t.Fatal(err)
		}

		// The change, and what the whole changed graph is.
		var d Delta
		d.Compare = numeric
		gone := map[ID]bool{}
		setAt := map[ID]Node{}
		for _, id := range ids {
			switch rng.IntN(8) {
			case 0:
				d.Remove = append(d.Remove, id)
				gone[id] = true
			case 1:
				k, _ := strconv.Atoi(string(id[1:]))
				nd := randomNode(rng, k)
				d.Set = append(d.Set, nd)
				setAt[id] = nd
			}
		}
		if rng.IntN(3) == 0 {
			d.Remove = append(d.Remove, "n-unknown")
		}
		for k := range rng.IntN(4) {
			var nd Node
			if rng.IntN(2) == 0 {
				nd = randomNode(rng, 2*size+k) // after the others
			} else {
				nd = randomNode(rng, 2*rng.IntN(size)+1) // in a gap
			}
			if _, dup := setAt[nd.ID]; dup {
				continue
			}
			d.Set = append(d.Set, nd)
			setAt[nd.ID] = nd
		}
		var want []Node
		for _, nd := range nodes {
			if gone[nd.ID] {
				continue
			}
			if x, ok := setAt[nd.ID]; ok {
				nd = x
			}
			want = append(want, nd)
		}
		for _, nd := range d.Set {
			if !g.Has(nd.ID) {
				want = append(want, nd)
			}
		}
		slices.SortStableFunc(want, func(a, b Node) int { return numeric(a.ID, b.ID) })
		wantIDs := make([]ID, len(want))
		for i, nd := range want {
			wantIDs[i] = nd.ID
		}
		if len(want) > 0 {
			d.Out = map[ID][]Edge{}
			for _, id := range wantIDs {
				if rng.IntN(5) == 0 {
					d.Out[id] = randomEdges(rng, id, wantIDs, rng.IntN(3))
				}
			}
		}
		var wantEdges []Edge
		for _, id := range wantIDs {
			if es, ok := d.Out[id]; ok {
				wantEdges = append(wantEdges, es...)
				continue
			}
			for _, e := range edges {
				if e.From != id || gone[e.To] {
					continue
				}
				if gone[e.Alt] {
					e.Alt = ""
				}
				wantEdges = append(wantEdges, e)
			}
		}

		got, err := g.Apply(d)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		full, err := Build(want, wantEdges)
		if err != nil {
			t.Fatalf("round %d: build: %v", round, err)
		}
		sameGraph(t, fmt.Sprintf("round %d", round), got, full)
		// g itself is untouched.
		sameGraph(t, fmt.Sprintf("round %d (original)", round), g, mustBuild(t, nodes, edges))
	}
}

func mustBuild(t *testing.T, nodes []Node, edges []Edge) *Graph {
	t.Helper()
	g, err := Build(nodes, edges)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// sameGraph compares two graphs field by field (edge types by name) and
// by the answers of every analysis.
func sameGraph(t *testing.T, what string, got, want *Graph) {
	t.Helper()
	eq := func(field string, a, b any) {
		t.Helper()
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: %s differ:\n got %v\nwant %v", what, field, a, b)
		}
	}
	eq("ids", got.ids, want.ids)
	eq("kinds", got.kind, want.kind)
	eq("important", got.imp, want.imp)
	eq("rto", got.rto, want.rto)
	eq("mtpd", got.mtpd, want.mtpd)
	eq("recovery", got.rec, want.rec)
	eq("thresholds", got.thr, want.thr)
	eq("index", got.index, want.index)
	eq("out rows", got.outStart, want.outStart)
	eq("edge sources", got.eFrom, want.eFrom)
	eq("edge targets", got.eTo, want.eTo)
	eq("alternatives", got.eAlt, want.eAlt)
	types := func(g *Graph) []string {
		out := make([]string, len(g.eType))
		for i, x := range g.eType {
			out[i] = g.types[x]
		}
		return out
	}
	eq("edge types", types(got), types(want))
	eq("in rows", got.inStart, want.inStart)
	eq("in edges", got.inEdge, want.inEdge)
	eq("cycles", got.Cycles(), want.Cycles())
	eq("feasibility", got.Feasibility(), want.Feasibility())
	eq("required recovery", got.RequiredRecovery(), want.RequiredRecovery())
	eq("single points of failure", got.SinglePointsOfFailure(), want.SinglePointsOfFailure())
	for _, id := range want.ids {
		a, err := got.Impact(id)
		if err != nil {
			t.Fatal(err)
		}
		b, err := want.Impact(id)
		if err != nil {
			t.Fatal(err)
		}
		eq("impact of "+string(id), a.Affected, b.Affected)
		for i := range b.Affected {
			eq("path", a.PathAt(i), b.PathAt(i))
		}
	}
}

func TestApplyErrors(t *testing.T) {
	g := mustBuild(t, []Node{{ID: "a", Kind: KindProcess}, {ID: "b", Kind: KindSite}}, []Edge{{From: "a", To: "b"}})
	for _, c := range []struct {
		name string
		d    Delta
	}{
		{"set and removed", Delta{Set: []Node{{ID: "a", Kind: KindProcess}}, Remove: []ID{"a"}}},
		{"set twice", Delta{Set: []Node{{ID: "c", Kind: KindSite}, {ID: "c", Kind: KindSite}}}},
		{"bad node", Delta{Set: []Node{{ID: "c"}}}},
		{"edges of a removed node", Delta{Remove: []ID{"b"}, Out: map[ID][]Edge{"b": nil}}},
		{"edge to an unknown node", Delta{Out: map[ID][]Edge{"a": {{From: "a", To: "x"}}}}},
		{"edge under another node", Delta{Out: map[ID][]Edge{"a": {{From: "b", To: "a"}}}}},
		{"alternative is the target", Delta{Out: map[ID][]Edge{"a": {{From: "a", To: "b", Alt: "b"}}}}},
	} {
		if _, err := g.Apply(c.d); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	// A failed Apply leaves the graph as it was.
	sameGraph(t, "after errors", g, mustBuild(t, []Node{{ID: "a", Kind: KindProcess}, {ID: "b", Kind: KindSite}}, []Edge{{From: "a", To: "b"}}))
}

// TestApplyUnchangedRows checks the common refresh: a node's attributes
// change and its row of edges is given again unchanged; the edges are then
// shared with the old graph, and the result still equals a full build.
func TestApplyUnchangedRows(t *testing.T) {
	nodes := []Node{{ID: "n1", Kind: KindProcess, RTO: time.Hour}, {ID: "n2", Kind: KindApplication, Recovery: 2 * time.Hour}, {ID: "n3", Kind: KindSite}}
	edges := []Edge{{From: "n1", To: "n2", Type: "uses"}, {From: "n1", To: "n3", Alt: "n2", Type: "at"}, {From: "n2", To: "n3", Type: "at"}}
	g := mustBuild(t, nodes, edges)
	changed := Node{ID: "n2", Kind: KindApplication, Recovery: 30 * time.Minute}
	got, err := g.Apply(Delta{Set: []Node{changed}, Out: map[ID][]Edge{"n2": {edges[2]}}, Compare: numeric})
	if err != nil {
		t.Fatal(err)
	}
	if &got.eTo[0] != &g.eTo[0] || &got.inEdge[0] != &g.inEdge[0] {
		t.Error("unchanged edges were copied, not shared")
	}
	nodes[1] = changed
	sameGraph(t, "attributes changed", got, mustBuild(t, nodes, edges))
	// The same row with one more edge is a change of the edges.
	more := []Edge{edges[2], {From: "n2", To: "n1", Type: "uses"}}
	got, err = g.Apply(Delta{Out: map[ID][]Edge{"n2": more}, Compare: numeric})
	if err != nil {
		t.Fatal(err)
	}
	nodes[1] = Node{ID: "n2", Kind: KindApplication, Recovery: 2 * time.Hour}
	sameGraph(t, "edge added", got, mustBuild(t, nodes, append(edges[:2:2], more...)))
}
