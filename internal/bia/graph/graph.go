// Package graph is the in-memory dependency graph of a business impact
// analysis (ISO 22301 8.2.2, ISO/TS 22317) and the analyses run on it. It
// has no dependencies beyond the standard library: the bia service builds a
// Graph from what is stored and rebuilds it when something changes; a Graph
// is immutable once built and safe for concurrent use.
//
// # Model
//
// Nodes are business processes (Kind KindProcess) and the resources they
// depend on (every other kind: applications, data, sites, suppliers,
// equipment, key roles). A process has an RTO (recovery time objective) and
// an MTPD (maximum tolerable period of disruption) and may have impact
// thresholds ("after 4h the impact is severe"); a resource has a recovery
// time (how long it takes to restore it once lost). A zero duration means
// "not stated" everywhere and never counts as zero time.
//
// An edge "X depends on Y" (From X, To Y) has a type (free text, e.g.
// "uses", "hosted_on") and optionally an alternative node A: the
// dependency is satisfied while Y or A is available. Without an
// alternative it is satisfied only while Y is available.
//
// # Availability and "affected"
//
// Given a set of failed nodes, a node is unavailable if it failed, or if
// one of its dependencies is unsatisfied: a dependency without alternative
// whose target is unavailable, or a dependency with alternative whose
// target and alternative are both unavailable. Impact computes the least
// set closed under that rule (so a cycle that nothing failed in does not
// take itself down). "Affected" means unavailable and not in the failed
// set, plus the failed nodes themselves, which are reported with
// Failed=true.
//
// Recovery is non-additive: a failed node is back after its own recovery
// time (a failed process after its RTO) and a dependent node is available
// again as soon as all its dependencies are satisfied; there is no
// restart time of its own. The outage of an affected node is therefore
// exactly the smallest t such that the node is available when only the
// failed nodes with a recovery time greater than t are still down. A
// failed node with no stated recovery time is treated as down
// indefinitely, and the outage of what it takes down is unknown.
//
// For an affected process, the impact thresholds crossed are those whose
// time is before the end of its outage (all of them if the outage is
// unknown), and RTOBreached/MTPDBreached say whether the outage exceeds
// its RTO/MTPD.
//
// # Feasibility and roll-up
//
// The recovery time a dependent sees of a node is the node's recovery
// time for a resource and its RTO for a process (its commitment to the
// processes downstream). Feasibility follows dependencies without
// alternative only: a dependency with an alternative is assumed covered
// by the alternative when its target alone is lost. A process with a
// stated RTO is infeasible when some node it reaches through dependencies
// without alternative (directly or transitively) has a stated recovery
// time greater than the RTO. Feasibility reports, for each infeasible
// process, the node with the greatest such recovery time (the bottleneck)
// and a chain of dependencies from the process to it.
//
// RequiredRecovery is the dual roll-up along the same edges: a node's
// required recovery time is the smallest RTO of the processes that reach
// it through dependencies without alternative (a process counts itself).
// Every node an infeasible process reaches with a recovery time greater
// than the process's RTO therefore has a recovery time greater than its
// required recovery time (a gap).
//
// Common-mode failures behind an alternative (a primary and a backup
// supplier that share one site) are not seen by Feasibility; they are
// seen by Impact and by SinglePointsOfFailure, which use the full
// availability rule above.
//
// # Single points of failure, cycles, recovery order
//
// A single point of failure is a resource whose loss alone makes at least
// one important process unavailable under the availability rule. A
// resource behind a dependency with alternative is therefore not a single
// point of failure for that dependency, unless it also takes the
// alternative down (shared site, shared supplier, or a dependency cycle).
//
// Cycles are the strongly connected components of the graph over all
// edges (targets and alternatives) with more than one node, and the nodes
// that depend on themselves.
//
// RecoveryOrder orders a set of failed nodes so that a node comes after
// every failed node it depends on directly or transitively (through any
// path, including through nodes that did not fail and through
// alternatives); failed nodes that depend on each other through a cycle
// form one step, marked as a cycle, as is a failed node that lies on a
// cycle of nodes that did not fail.
package graph

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"
)

// ID identifies a node. IDs are opaque: the bia service uses "p12" for
// process 12 and "r7" for resource 7.
type ID string

// Kind is the kind of a node. KindProcess is a business process; every
// other kind is a resource.
type Kind string

// The node kinds Continuo knows. The graph only distinguishes processes
// from resources; any non-empty kind other than KindProcess is a resource.
const (
	KindProcess     Kind = "process"
	KindApplication Kind = "application" // IT systems and applications
	KindData        Kind = "data"
	KindSite        Kind = "site"
	KindSupplier    Kind = "supplier" // suppliers and service providers
	KindEquipment   Kind = "equipment"
	KindRole        Kind = "role" // key people and roles
)

// Threshold says that once a process has been disrupted for After, its
// impact reaches Level (higher is worse), described by Label.
type Threshold struct {
	After time.Duration `json:"after"`
	Level int           `json:"level"`
	Label string        `json:"label,omitempty"`
}

// Node is a process or resource as given to Build.
type Node struct {
	ID   ID
	Kind Kind
	// Important marks a process that supports important business; only
	// those count for SinglePointsOfFailure.
	Important bool
	// RTO and MTPD are for processes; zero means not stated.
	RTO, MTPD time.Duration
	// Recovery is the recovery time of a resource; zero means not stated.
	Recovery time.Duration
	// Thresholds of a process, in any order.
	Thresholds []Threshold
}

// Edge says that From depends on To, or on Alt when Alt is not empty.
type Edge struct {
	From, To ID
	Type     string
	Alt      ID
}

// Graph is the compact, immutable form of a dependency graph: ids are
// mapped to dense indices, and the edges are kept as compressed sparse
// rows both ways.
type Graph struct {
	ids   []ID
	index map[ID]int32
	kind  []Kind
	imp   []bool
	proc  []bool
	rto   []time.Duration // processes
	mtpd  []time.Duration
	rec   []time.Duration // what dependents see: recovery time, or RTO for processes
	thr   [][]Threshold

	// Edges sorted by source; the edges of node v are outStart[v]..outStart[v+1].
	outStart []int32
	eFrom    []int32
	eTo      []int32
	eAlt     []int32 // -1: no alternative
	eType    []uint16
	types    []string

	// inStart/inEdge: for node m, the edges whose target or alternative is m.
	inStart []int32
	inEdge  []int32

	works sync.Pool // *work, scratch space of propagations
}

// Build checks nodes and edges and builds the graph. It refuses duplicate
// or empty ids, an empty kind, a process whose RTO exceeds its MTPD,
// negative durations, edges that name an unknown node, and an alternative
// equal to the target; the error says which node or edge is wrong.
// Self-dependencies are accepted here (Cycles reports them); the bia
// service refuses them before they reach the graph.
func Build(nodes []Node, edges []Edge) (*Graph, error) {
	n := len(nodes)
	if n > 1<<31-2 || len(edges) > 1<<31-2 {
		return nil, errors.New("graph: too many nodes or edges")
	}
	g := &Graph{
		ids:   make([]ID, n),
		index: make(map[ID]int32, n),
		kind:  make([]Kind, n),
		imp:   make([]bool, n),
		proc:  make([]bool, n),
		rto:   make([]time.Duration, n),
		mtpd:  make([]time.Duration, n),
		rec:   make([]time.Duration, n),
		thr:   make([][]Threshold, n),
	}
	for i, nd := range nodes {
		if err := checkNode(i, nd); err != nil {
			return nil, err
		}
		if _, dup := g.index[nd.ID]; dup {
			return nil, fmt.Errorf("graph: node %q given twice", nd.ID)
		}
		g.index[nd.ID] = int32(i)
		g.ids[i] = nd.ID
		g.setNode(int32(i), nd)
	}

	m := len(edges)
	from := make([]int32, m)
	to := make([]int32, m)
	alt := make([]int32, m)
	typ := make([]uint16, m)
	typeIndex := map[string]uint16{}
	lookup := func(i int, e Edge, id ID) (int32, error) {
		v, ok := g.index[id]
		if !ok {
			return 0, fmt.Errorf("graph: edge %d (%q depends on %q): unknown node %q", i, e.From, e.To, id)
		}
		return v, nil
	}
	var err error
	for i, e := range edges {
		if from[i], err = lookup(i, e, e.From); err != nil {
			return nil, err
		}
		if to[i], err = lookup(i, e, e.To); err != nil {
			return nil, err
		}
		alt[i] = -1
		if e.Alt != "" {
			if alt[i], err = lookup(i, e, e.Alt); err != nil {
				return nil, err
			}
			if alt[i] == to[i] {
				return nil, fmt.Errorf("graph: edge %d (%q depends on %q): the alternative is the dependency itself", i, e.From, e.To)
			}
		}
		t, ok := typeIndex[e.Type]
		if !ok {
			if len(g.types) >= 1<<16 {
				return nil, errors.New("graph: too many edge types")
			}
			t = uint16(len(g.types))
			typeIndex[e.Type] = t
			g.types = append(g.types, e.Type)
		}
		typ[i] = t
	}

	// Counting sort of the edges by source gives the out rows.
	g.outStart = make([]int32, n+1)
	for _, f := range from {
		g.outStart[f+1]++
	}
	for v := range n {
		g.outStart[v+1] += g.outStart[v]
	}
	pos := slices.Clone(g.outStart[:n])
	g.eFrom = make([]int32, m)
	g.eTo = make([]int32, m)
	g.eAlt = make([]int32, m)
	g.eType = make([]uint16, m)
	for i := range m {
		p := pos[from[i]]
		pos[from[i]]++
		g.eFrom[p], g.eTo[p], g.eAlt[p], g.eType[p] = from[i], to[i], alt[i], typ[i]
	}

	g.buildIn()
	return g, nil
}

// checkNode checks the attributes of the i-th node given.
func checkNode(i int, nd Node) error {
	switch {
	case nd.ID == "":
		return fmt.Errorf("graph: node %d: empty id", i)
	case nd.Kind == "":
		return fmt.Errorf("graph: node %q: empty kind", nd.ID)
	case nd.RTO < 0 || nd.MTPD < 0 || nd.Recovery < 0:
		return fmt.Errorf("graph: node %q: negative duration", nd.ID)
	case nd.Kind == KindProcess && nd.RTO > 0 && nd.MTPD > 0 && nd.RTO > nd.MTPD:
		return fmt.Errorf("graph: process %q: RTO %v is greater than MTPD %v", nd.ID, nd.RTO, nd.MTPD)
	}
	return nil
}

// setNode sets the attributes of node v (all but its id).
func (g *Graph) setNode(v int32, nd Node) {
	g.kind[v] = nd.Kind
	g.imp[v] = nd.Important
	g.proc[v] = nd.Kind == KindProcess
	g.rto[v], g.mtpd[v], g.rec[v], g.thr[v] = 0, 0, 0, nil
	if g.proc[v] {
		g.rto[v], g.mtpd[v], g.rec[v] = nd.RTO, nd.MTPD, nd.RTO
		if len(nd.Thresholds) > 0 {
			t := slices.Clone(nd.Thresholds)
			slices.SortStableFunc(t, func(a, b Threshold) int { return cmp.Compare(a.After, b.After) })
			g.thr[v] = t
		}
	} else {
		g.rec[v] = nd.Recovery
	}
}

// buildIn builds the in rows from the out rows: each edge once under its
// target and once under its alternative, in edge order.
func (g *Graph) buildIn() {
	n := len(g.ids)
	g.inStart = make([]int32, n+1)
	for e := range g.eTo {
		g.inStart[g.eTo[e]+1]++
		if g.eAlt[e] >= 0 {
			g.inStart[g.eAlt[e]+1]++
		}
	}
	for v := range n {
		g.inStart[v+1] += g.inStart[v]
	}
	g.inEdge = make([]int32, g.inStart[n])
	pos := slices.Clone(g.inStart[:n])
	for e := range g.eTo {
		t := g.eTo[e]
		g.inEdge[pos[t]] = int32(e)
		pos[t]++
		if a := g.eAlt[e]; a >= 0 {
			g.inEdge[pos[a]] = int32(e)
			pos[a]++
		}
	}
}

// Len is the number of nodes.
func (g *Graph) Len() int { return len(g.ids) }

// Edges is the number of edges.
func (g *Graph) Edges() int { return len(g.eTo) }

// Index is the position of a node in the graph: the order given to Build,
// or the order Apply placed it in. Positions are dense (0 to Len()-1) and
// fixed for the life of a Graph, so callers can keep what they know of
// each node in a slice.
func (g *Graph) Index(id ID) (int, bool) {
	v, ok := g.index[id]
	return int(v), ok
}

// ID is the id of the node at position i (0 ≤ i < Len()).
func (g *Graph) ID(i int) ID { return g.ids[i] }

// Has reports whether the graph has a node with this id.
func (g *Graph) Has(id ID) bool { _, ok := g.index[id]; return ok }

// KindOf is the kind of a node, "" for an unknown id.
func (g *Graph) KindOf(id ID) Kind {
	if v, ok := g.index[id]; ok {
		return g.kind[v]
	}
	return ""
}

// UnknownError is returned when an analysis is asked about an id the graph
// does not have.
type UnknownError struct{ ID ID }

func (e *UnknownError) Error() string { return fmt.Sprintf("graph: unknown node %q", e.ID) }

func (g *Graph) resolve(ids []ID) ([]int32, error) {
	out := make([]int32, 0, len(ids))
	for _, id := range ids {
		v, ok := g.index[id]
		if !ok {
			return nil, &UnknownError{ID: id}
		}
		out = append(out, v)
	}
	return out, nil
}

// sortedIDs sorts node indices and maps them to ids, for deterministic output.
func (g *Graph) sortedIDs(vs []int32) []ID {
	slices.Sort(vs)
	out := make([]ID, len(vs))
	for i, v := range vs {
		out[i] = g.ids[v]
	}
	return out
}

// succ is the successor at position p of node v's rows: position 2k is the
// target of the k-th edge, 2k+1 its alternative. It returns -1 for a
// position that is not followed (no alternative, or, when nonAlt is set,
// any part of an edge that has an alternative).
func (g *Graph) succ(p int32, nonAlt bool) int32 {
	e := p >> 1
	if nonAlt && g.eAlt[e] >= 0 {
		return -1
	}
	if p&1 == 0 {
		return g.eTo[e]
	}
	return g.eAlt[e]
}

// sccs computes the strongly connected components reachable from starts
// (all nodes when starts is nil) with an iterative Tarjan, so that deep
// graphs cannot overflow the stack. Components come out in reverse
// topological order: every component comes after those it depends on.
// comp[v] is the component of v, or -1 if v was not reached; members lists
// the nodes of component c at members[start[c]:start[c+1]].
type sccResult struct {
	comp    []int32
	start   []int32
	members []int32
}

func (g *Graph) sccs(starts []int32, nonAlt bool) sccResult {
	n := int32(len(g.ids))
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	comp := make([]int32, n)
	for i := range index {
		index[i] = -1
		comp[i] = -1
	}
	type frame struct{ v, p int32 }
	var frames []frame
	var stack []int32
	res := sccResult{start: []int32{0}}
	var counter, ncomp int32
	visit := func(s int32) {
		if index[s] >= 0 {
			return
		}
		index[s], low[s] = counter, counter
		counter++
		stack = append(stack, s)
		onStack[s] = true
		frames = append(frames, frame{s, g.outStart[s] * 2})
		for len(frames) > 0 {
			f := &frames[len(frames)-1]
			v := f.v
			end := g.outStart[v+1] * 2
			pushed := false
			for f.p < end {
				w := g.succ(f.p, nonAlt)
				f.p++
				if w < 0 {
					continue
				}
				if index[w] < 0 {
					index[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					frames = append(frames, frame{w, g.outStart[w] * 2})
					pushed = true
					break
				}
				if onStack[w] && index[w] < low[v] {
					low[v] = index[w]
				}
			}
			if pushed {
				continue
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = ncomp
					res.members = append(res.members, w)
					if w == v {
						break
					}
				}
				ncomp++
				res.start = append(res.start, int32(len(res.members)))
			}
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				u := frames[len(frames)-1].v
				if low[v] < low[u] {
					low[u] = low[v]
				}
			}
		}
	}
	if starts == nil {
		for v := range n {
			visit(v)
		}
	} else {
		for _, s := range starts {
			visit(s)
		}
	}
	res.comp = comp
	return res
}

// selfLoop reports whether v depends on itself (as target or alternative).
func (g *Graph) selfLoop(v int32) bool {
	for e := g.outStart[v]; e < g.outStart[v+1]; e++ {
		if g.eTo[e] == v || g.eAlt[e] == v {
			return true
		}
	}
	return false
}

// Cycles returns the strongly connected components with more than one
// node and the nodes that depend on themselves, each sorted by the order
// in which the nodes were given to Build, the components in the order of
// their first node.
func (g *Graph) Cycles() [][]ID {
	r := g.sccs(nil, false)
	var out [][]int32
	for c := 0; c+1 < len(r.start); c++ {
		ms := r.members[r.start[c]:r.start[c+1]]
		if len(ms) > 1 || g.selfLoop(ms[0]) {
			out = append(out, slices.Clone(ms))
		}
	}
	for _, ms := range out {
		slices.Sort(ms)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	ids := make([][]ID, len(out))
	for i, ms := range out {
		ids[i] = g.sortedIDs(ms)
	}
	return ids
}

// RecoveryStep is one step of a recovery order: a single node, or failed
// nodes that depend on each other through a cycle and must be recovered
// together.
type RecoveryStep struct {
	Nodes []ID `json:"nodes"`
	Cycle bool `json:"cycle"`
}

// RecoveryOrder orders the failed nodes so that each comes after every
// failed node it depends on, directly or through other nodes (see the
// package documentation). Duplicates in failed are ignored; an unknown id
// is an *UnknownError.
func (g *Graph) RecoveryOrder(failed ...ID) ([]RecoveryStep, error) {
	vs, err := g.resolve(failed)
	if err != nil {
		return nil, err
	}
	slices.Sort(vs)
	vs = slices.Compact(vs)
	r := g.sccs(vs, false)
	// Tarjan emits dependencies first, so component numbers are already
	// a valid order; failed nodes of one component form one step.
	byComp := map[int32][]int32{}
	var comps []int32
	for _, v := range vs {
		c := r.comp[v]
		if _, ok := byComp[c]; !ok {
			comps = append(comps, c)
		}
		byComp[c] = append(byComp[c], v)
	}
	slices.Sort(comps)
	steps := make([]RecoveryStep, 0, len(comps))
	for _, c := range comps {
		ms := byComp[c]
		cycle := r.start[c+1]-r.start[c] > 1 || g.selfLoop(ms[0])
		steps = append(steps, RecoveryStep{Nodes: g.sortedIDs(ms), Cycle: cycle})
	}
	return steps, nil
}
