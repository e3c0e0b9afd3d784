package graph_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/bia/graph"
)

// ref is a deliberately naive map-based model of the same semantics: the
// property tests compare the compact graph with it on random graphs.
type ref struct {
	order []graph.ID
	nodes map[graph.ID]graph.Node
	out   map[graph.ID][]graph.Edge
}

func newRef(nodes []graph.Node, edges []graph.Edge) *ref {
	r := &ref{nodes: map[graph.ID]graph.Node{}, out: map[graph.ID][]graph.Edge{}}
	for _, n := range nodes {
		r.order = append(r.order, n.ID)
		r.nodes[n.ID] = n
	}
	for _, e := range edges {
		r.out[e.From] = append(r.out[e.From], e)
	}
	return r
}

func (r *ref) isProc(id graph.ID) bool { return r.nodes[id].Kind == graph.KindProcess }

// rec is what dependents see of a node.
func (r *ref) rec(id graph.ID) time.Duration {
	if r.isProc(id) {
		return r.nodes[id].RTO
	}
	return r.nodes[id].Recovery
}

// down is the least fixpoint of the availability rule, by iterating until
// nothing changes.
func (r *ref) down(failed []graph.ID) map[graph.ID]bool {
	d := map[graph.ID]bool{}
	for _, f := range failed {
		d[f] = true
	}
	for changed := true; changed; {
		changed = false
		for _, id := range r.order {
			if d[id] {
				continue
			}
			for _, e := range r.out[id] {
				if d[e.To] && (e.Alt == "" || d[e.Alt]) {
					d[id] = true
					changed = true
					break
				}
			}
		}
	}
	return d
}

// outage is, for each affected node, the smallest t at which it is up
// again when the failed nodes with recovery time at most t are back.
func (r *ref) outage(failed []graph.ID) map[graph.ID]struct {
	d     time.Duration
	known bool
} {
	ts := []time.Duration{0}
	for _, f := range failed {
		ts = append(ts, r.rec(f))
	}
	slices.Sort(ts)
	all := r.down(failed)
	out := map[graph.ID]struct {
		d     time.Duration
		known bool
	}{}
	for id := range all {
		out[id] = struct {
			d     time.Duration
			known bool
		}{}
	}
	for _, t := range slices.Compact(ts) {
		var still []graph.ID
		for _, f := range failed {
			if x := r.rec(f); x == 0 || x > t {
				still = append(still, f)
			}
		}
		d := r.down(still)
		for id := range all {
			if o := out[id]; !o.known && !d[id] {
				o.d, o.known = t, true
				out[id] = o
			}
		}
	}
	return out
}

// reach is every node reachable from id (itself included), over all edges
// or only those without alternative.
func (r *ref) reach(id graph.ID, nonAlt bool) map[graph.ID]bool {
	seen := map[graph.ID]bool{id: true}
	queue := []graph.ID{id}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, e := range r.out[v] {
			if nonAlt && e.Alt != "" {
				continue
			}
			for _, w := range []graph.ID{e.To, e.Alt} {
				if w != "" && !seen[w] {
					seen[w] = true
					queue = append(queue, w)
				}
			}
		}
	}
	return seen
}

// reachStrict is what id reaches by at least one edge.
func (r *ref) reachStrict(id graph.ID) map[graph.ID]bool {
	seen := map[graph.ID]bool{}
	var queue []graph.ID
	push := func(w graph.ID) {
		if w != "" && !seen[w] {
			seen[w] = true
			queue = append(queue, w)
		}
	}
	for _, e := range r.out[id] {
		push(e.To)
		push(e.Alt)
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, e := range r.out[v] {
			push(e.To)
			push(e.Alt)
		}
	}
	return seen
}

func (r *ref) hasEdge(from, to graph.ID, nonAlt bool) bool {
	for _, e := range r.out[from] {
		if nonAlt && e.Alt != "" {
			continue
		}
		if e.To == to || e.Alt == to {
			return true
		}
	}
	return false
}

var kinds = []graph.Kind{graph.KindApplication, graph.KindData, graph.KindSite, graph.KindSupplier, graph.KindEquipment, graph.KindRole}
var durations = []time.Duration{0, time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 24 * time.Hour, 72 * time.Hour}

// randomGraph makes a small random graph: any shape, cycles and self loops
// included, about a third of the dependencies with an alternative.
func randomGraph(rng *rand.Rand) ([]graph.Node, []graph.Edge) {
	n := 1 + rng.IntN(24)
	nodes := make([]graph.Node, n)
	for i := range nodes {
		id := graph.ID(fmt.Sprintf("n%d", i))
		if rng.IntN(3) == 0 {
			rto := durations[rng.IntN(len(durations))]
			mtpd := time.Duration(0)
			if rng.IntN(2) == 0 {
				mtpd = rto + durations[rng.IntN(len(durations))]
			}
			var thr []graph.Threshold
			for range rng.IntN(4) {
				thr = append(thr, graph.Threshold{After: durations[rng.IntN(len(durations))], Level: rng.IntN(5)})
			}
			nodes[i] = graph.Node{ID: id, Kind: graph.KindProcess, RTO: rto, MTPD: mtpd, Important: rng.IntN(2) == 0, Thresholds: thr}
		} else {
			nodes[i] = graph.Node{ID: id, Kind: kinds[rng.IntN(len(kinds))], Recovery: durations[rng.IntN(len(durations))]}
		}
	}
	m := rng.IntN(3*n + 1)
	edges := make([]graph.Edge, 0, m)
	for range m {
		e := graph.Edge{From: nodes[rng.IntN(n)].ID, To: nodes[rng.IntN(n)].ID, Type: []string{"uses", "hosted_on", "supplied_by"}[rng.IntN(3)]}
		if e.From == e.To && rng.IntN(4) != 0 {
			continue // self loops rarer than chance would make them
		}
		if n > 1 && rng.IntN(3) == 0 {
			for e.Alt == "" || e.Alt == e.To {
				e.Alt = nodes[rng.IntN(n)].ID
			}
		}
		edges = append(edges, e)
	}
	return nodes, edges
}

const seeds = 3000

func TestPropertyImpact(t *testing.T) {
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 1))
		nodes, edges := randomGraph(rng)
		g, err := graph.Build(nodes, edges)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		r := newRef(nodes, edges)
		var failed []graph.ID
		for range 1 + rng.IntN(3) {
			failed = append(failed, nodes[rng.IntN(len(nodes))].ID)
		}
		im, err := g.Impact(failed...)
		if err != nil {
			t.Fatal(err)
		}
		want := r.down(failed)
		wantOut := r.outage(failed)
		if len(im.Affected) != len(want) {
			t.Fatalf("seed %d failed %v: %d affected, reference %d", seed, failed, len(im.Affected), len(want))
		}
		for _, a := range im.Affected {
			if !want[a.ID] {
				t.Fatalf("seed %d: %s affected, reference says not", seed, a.ID)
			}
			if a.Failed != slices.Contains(failed, a.ID) {
				t.Fatalf("seed %d: %s failed flag %v", seed, a.ID, a.Failed)
			}
			o := wantOut[a.ID]
			if a.OutageKnown != o.known || a.Outage != o.d {
				t.Fatalf("seed %d failed %v: %s outage %v/%v, reference %v/%v", seed, failed, a.ID, a.Outage, a.OutageKnown, o.d, o.known)
			}
			// The path is a chain of real dependencies through unavailable
			// nodes, ending at a failed node.
			path := im.Path(a.ID)
			if len(path) != a.Depth+1 || path[0] != a.ID || !slices.Contains(failed, path[len(path)-1]) {
				t.Fatalf("seed %d: path %v of %s (depth %d)", seed, path, a.ID, a.Depth)
			}
			for i := 0; i+1 < len(path); i++ {
				if !r.hasEdge(path[i], path[i+1], false) || !want[path[i+1]] {
					t.Fatalf("seed %d: path %v of %s: no dependency %s → %s", seed, path, a.ID, path[i], path[i+1])
				}
			}
			if r.isProc(a.ID) {
				nd := r.nodes[a.ID]
				crossed := 0
				for _, th := range nd.Thresholds {
					if !o.known || th.After < o.d {
						crossed++
					}
				}
				if len(a.Crossed) != crossed {
					t.Fatalf("seed %d: %s crossed %v, want %d thresholds", seed, a.ID, a.Crossed, crossed)
				}
				if a.RTOBreached != (nd.RTO > 0 && (!o.known || o.d > nd.RTO)) {
					t.Fatalf("seed %d: %s RTO breached %v", seed, a.ID, a.RTOBreached)
				}
			}
		}
	}
}

func TestPropertyFeasibilityAndRollUp(t *testing.T) {
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 2))
		nodes, edges := randomGraph(rng)
		g, err := graph.Build(nodes, edges)
		if err != nil {
			t.Fatal(err)
		}
		r := newRef(nodes, edges)
		got := map[graph.ID]graph.Infeasible{}
		for _, inf := range g.Feasibility() {
			got[inf.Process] = inf
		}
		for _, id := range r.order {
			nd := r.nodes[id]
			if !r.isProc(id) || nd.RTO == 0 {
				if _, ok := got[id]; ok {
					t.Fatalf("seed %d: %s flagged without an RTO", seed, id)
				}
				continue
			}
			var worst time.Duration
			reach := r.reach(id, true)
			for w := range reach {
				worst = max(worst, r.rec(w))
			}
			inf, flagged := got[id]
			if flagged != (worst > nd.RTO) {
				t.Fatalf("seed %d: %s flagged %v, reference worst recovery %v, RTO %v", seed, id, flagged, worst, nd.RTO)
			}
			if !flagged {
				continue
			}
			c := inf.Chain
			if inf.Recovery != worst || c[0] != id || c[len(c)-1] != inf.Bottleneck || r.rec(inf.Bottleneck) != worst {
				t.Fatalf("seed %d: %+v, reference worst %v", seed, inf, worst)
			}
			for i := 0; i+1 < len(c); i++ {
				if !r.hasEdge(c[i], c[i+1], true) {
					t.Fatalf("seed %d: chain %v: no dependency without alternative %s → %s", seed, c, c[i], c[i+1])
				}
			}
		}

		req := map[graph.ID]graph.Requirement{}
		for _, q := range g.RequiredRecovery() {
			req[q.Node] = q
		}
		for _, id := range r.order {
			var best time.Duration
			for _, p := range r.order {
				if rto := r.nodes[p].RTO; r.isProc(p) && rto > 0 && r.reach(p, true)[id] && (best == 0 || rto < best) {
					best = rto
				}
			}
			q, ok := req[id]
			if ok != (best > 0) || q.Required != best {
				t.Fatalf("seed %d: %s required %+v, reference %v", seed, id, q, best)
			}
			if ok && (r.nodes[q.By].RTO != best || !r.reach(q.By, true)[id] || q.Gap != (r.rec(id) > best)) {
				t.Fatalf("seed %d: %s requirement %+v", seed, id, q)
			}
		}
	}
}

func TestPropertyCyclesOrderSPOF(t *testing.T) {
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 3))
		nodes, edges := randomGraph(rng)
		g, err := graph.Build(nodes, edges)
		if err != nil {
			t.Fatal(err)
		}
		r := newRef(nodes, edges)
		strict := map[graph.ID]map[graph.ID]bool{}
		for _, id := range r.order {
			strict[id] = r.reachStrict(id)
		}
		mutual := func(a, b graph.ID) bool { return strict[a][b] && strict[b][a] }

		compOf := map[graph.ID]int{}
		for i, c := range g.Cycles() {
			for _, id := range c {
				if _, dup := compOf[id]; dup {
					t.Fatalf("seed %d: %s in two cycles", seed, id)
				}
				compOf[id] = i
			}
		}
		for _, a := range r.order {
			_, in := compOf[a]
			if in != strict[a][a] {
				t.Fatalf("seed %d: %s in a cycle: %v, reference %v", seed, a, in, strict[a][a])
			}
			for _, b := range r.order {
				ca, ina := compOf[a]
				cb, inb := compOf[b]
				if a != b && mutual(a, b) != (ina && inb && ca == cb) {
					t.Fatalf("seed %d: %s and %s mutual %v, same cycle %v", seed, a, b, mutual(a, b), ina && inb && ca == cb)
				}
			}
		}

		var failed []graph.ID
		for _, id := range r.order {
			if rng.IntN(2) == 0 {
				failed = append(failed, id)
			}
		}
		steps, err := g.RecoveryOrder(failed...)
		if err != nil {
			t.Fatal(err)
		}
		stepOf := map[graph.ID]int{}
		for i, s := range steps {
			if s.Cycle != (len(s.Nodes) > 1 || strict[s.Nodes[0]][s.Nodes[0]]) {
				t.Fatalf("seed %d: step %+v cycle flag", seed, s)
			}
			for _, id := range s.Nodes {
				stepOf[id] = i
			}
		}
		if len(stepOf) != len(failed) {
			t.Fatalf("seed %d: %d nodes ordered, %d failed", seed, len(stepOf), len(failed))
		}
		for _, a := range failed {
			for _, b := range failed {
				switch {
				case a == b:
				case mutual(a, b):
					if stepOf[a] != stepOf[b] {
						t.Fatalf("seed %d: %s and %s on a cycle, different steps", seed, a, b)
					}
				case strict[a][b] && stepOf[b] >= stepOf[a]:
					t.Fatalf("seed %d: %s depends on %s but comes first: %+v", seed, a, b, steps)
				}
			}
		}

		got := map[graph.ID][]graph.ID{}
		for _, s := range g.SinglePointsOfFailure() {
			got[s.Resource] = s.Processes
		}
		for _, id := range r.order {
			if r.isProc(id) {
				continue
			}
			var want []graph.ID
			for p := range r.down([]graph.ID{id}) {
				if r.isProc(p) && r.nodes[p].Important {
					want = append(want, p)
				}
			}
			slices.SortFunc(want, func(a, b graph.ID) int { return slices.Index(r.order, a) - slices.Index(r.order, b) })
			if !slices.Equal(got[id], want) {
				t.Fatalf("seed %d: spof %s: %v, reference %v", seed, id, got[id], want)
			}
		}
	}
}

// TestPropertySPOFLarge checks single points of failure on graphs large
// enough for several batches of 64 resources, with long cycles and
// alternatives, against one Impact per resource.
func TestPropertySPOFLarge(t *testing.T) {
	most := 0
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 17))
		n := 100 + rng.IntN(400)
		nodes := make([]graph.Node, n)
		for i := range nodes {
			id := graph.ID(fmt.Sprintf("n%d", i))
			if rng.IntN(4) == 0 {
				nodes[i] = graph.Node{ID: id, Kind: graph.KindProcess, Important: rng.IntN(3) > 0}
			} else {
				nodes[i] = graph.Node{ID: id, Kind: kinds[rng.IntN(len(kinds))]}
			}
		}
		// Mostly "downhill" edges (towards higher indices), some back
		// edges for cycles; sparse enough that losses do not take down
		// everything.
		var edges []graph.Edge
		for i := range n {
			for range rng.IntN(3) {
				j := i + 1 + rng.IntN(40)
				if rng.IntN(8) == 0 {
					j = rng.IntN(n)
				}
				if j >= n || j == i {
					continue
				}
				e := graph.Edge{From: nodes[i].ID, To: nodes[j].ID}
				if rng.IntN(3) == 0 {
					if a := rng.IntN(n); a != j {
						e.Alt = nodes[a].ID
					}
				}
				edges = append(edges, e)
			}
		}
		g, err := graph.Build(nodes, edges)
		if err != nil {
			t.Fatal(err)
		}
		idx := func(id graph.ID) int { i, _ := g.Index(id); return i }
		var want []graph.SPOF
		for _, nd := range nodes {
			if nd.Kind == graph.KindProcess {
				continue
			}
			im, err := g.Impact(nd.ID)
			if err != nil {
				t.Fatal(err)
			}
			var hit []graph.ID
			for _, a := range im.Affected {
				if a.Kind == graph.KindProcess && nodes[idx(a.ID)].Important {
					hit = append(hit, a.ID)
				}
			}
			if len(hit) > 0 {
				slices.SortFunc(hit, func(a, b graph.ID) int { return idx(a) - idx(b) })
				want = append(want, graph.SPOF{Resource: nd.ID, Kind: nd.Kind, Processes: hit})
			}
		}
		got := g.SinglePointsOfFailure()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d (%d nodes, %d edges): %d single points of failure, want %d\n got %v\nwant %v", seed, n, len(edges), len(got), len(want), got, want)
		}
		most = max(most, len(want))
	}
	if most <= 64 {
		t.Fatalf("at most %d single points of failure in a graph: too few to need several batches", most)
	}
}
