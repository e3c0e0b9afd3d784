package graph

import "time"

// Infeasible is a process whose RTO cannot be met: it depends, through
// dependencies without alternative, on Bottleneck, whose recovery time
// (its RTO if it is a process) Recovery is greater than the process's RTO.
type Infeasible struct {
	Process    ID            `json:"process"`
	RTO        time.Duration `json:"rto"`
	Recovery   time.Duration `json:"recovery"`
	Bottleneck ID            `json:"bottleneck"`
	// Chain is the dependencies from the process (first) to the
	// bottleneck (last).
	Chain []ID `json:"chain"`
}

// reach is the result of the roll-up of recovery times over dependencies
// without alternative.
type reach struct {
	scc sccResult
	ert []time.Duration // per component: the greatest recovery time reached
	bn  []int32         // per component: the node with that recovery time
	nxt []int32         // per node: next node on a chain to its component's bottleneck
}

// rollUp computes, for every node, the greatest stated recovery time of
// what it reaches through dependencies without alternative (itself
// included) and a chain to it. Components come dependencies first, so one
// pass over them suffices; inside a component, a backward search from the
// component's anchor gives every member a chain to it.
func (g *Graph) rollUp() reach {
	r := reach{scc: g.sccs(nil, true)}
	nc := len(r.scc.start) - 1
	r.ert = make([]time.Duration, nc)
	r.bn = make([]int32, nc)
	r.nxt = make([]int32, len(g.ids))
	seen := make([]int32, len(g.ids)) // component+1 of the backward search that reached the node
	for i := range r.nxt {
		r.nxt[i] = -1
	}
	comp := r.scc.comp
	var queue []int32
	for c := range int32(nc) {
		ms := r.scc.members[r.scc.start[c]:r.scc.start[c+1]]
		best, bn, au, av := time.Duration(0), int32(-1), int32(-1), int32(-1)
		for _, u := range ms {
			if g.rec[u] > best {
				best, bn, au, av = g.rec[u], u, u, -1
			}
		}
		for _, u := range ms {
			for e := g.outStart[u]; e < g.outStart[u+1]; e++ {
				if g.eAlt[e] >= 0 {
					continue
				}
				v := g.eTo[e]
				if d := comp[v]; d != c && r.ert[d] > best {
					best, bn, au, av = r.ert[d], r.bn[d], u, v
				}
			}
		}
		r.ert[c], r.bn[c] = best, bn
		if bn < 0 {
			continue
		}
		r.nxt[au] = av
		if len(ms) == 1 {
			continue
		}
		queue = append(queue[:0], au)
		seen[au] = c + 1
		for i := 0; i < len(queue); i++ {
			x := queue[i]
			for _, e := range g.inEdge[g.inStart[x]:g.inStart[x+1]] {
				u := g.eFrom[e]
				if g.eAlt[e] >= 0 || g.eTo[e] != x || comp[u] != c || seen[u] == c+1 {
					continue
				}
				seen[u] = c + 1
				r.nxt[u] = x
				queue = append(queue, u)
			}
		}
	}
	return r
}

// Feasibility lists the processes whose RTO is shorter than the recovery
// time of something they depend on without alternative (package
// documentation), in the order the processes were given to Build.
func (g *Graph) Feasibility() []Infeasible {
	r := g.rollUp()
	var out []Infeasible
	for v := range int32(len(g.ids)) {
		if !g.proc[v] || g.rto[v] == 0 {
			continue
		}
		c := r.scc.comp[v]
		if r.ert[c] <= g.rto[v] {
			continue
		}
		chain := []ID{g.ids[v]}
		for x := r.nxt[v]; x >= 0; x = r.nxt[x] {
			chain = append(chain, g.ids[x])
		}
		out = append(out, Infeasible{
			Process: g.ids[v], RTO: g.rto[v], Recovery: r.ert[c],
			Bottleneck: g.ids[r.bn[c]], Chain: chain,
		})
	}
	return out
}

// Requirement is the recovery time a node must meet for the processes
// that need it: Required is the smallest RTO of the processes that reach
// it through dependencies without alternative (a process counts itself),
// By is that process. Recovery is the node's own recovery time (its RTO
// for a process, zero when not stated) and Gap says it is greater than
// Required.
type Requirement struct {
	Node     ID            `json:"node"`
	Kind     Kind          `json:"kind"`
	Required time.Duration `json:"required"`
	By       ID            `json:"by"`
	Recovery time.Duration `json:"recovery,omitempty"`
	Gap      bool          `json:"gap"`
}

// RequiredRecovery rolls recovery targets down from processes to what they
// depend on and returns the requirement of every node that has one, in
// the order the nodes were given to Build.
func (g *Graph) RequiredRecovery() []Requirement {
	s := g.sccs(nil, true)
	nc := int32(len(s.start) - 1)
	req := make([]time.Duration, nc)
	by := make([]int32, nc)
	// Components come dependencies first; walking them backwards visits
	// every dependent component before what it depends on.
	for c := nc - 1; c >= 0; c-- {
		best, b := time.Duration(0), int32(-1)
		take := func(d time.Duration, p int32) {
			if d > 0 && (best == 0 || d < best) {
				best, b = d, p
			}
		}
		ms := s.members[s.start[c]:s.start[c+1]]
		for _, u := range ms {
			if g.proc[u] {
				take(g.rto[u], u)
			}
		}
		for _, u := range ms {
			for _, e := range g.inEdge[g.inStart[u]:g.inStart[u+1]] {
				if g.eAlt[e] >= 0 || g.eTo[e] != u {
					continue
				}
				if d := s.comp[g.eFrom[e]]; d != c {
					take(req[d], by[d])
				}
			}
		}
		req[c], by[c] = best, b
	}
	var out []Requirement
	for v := range int32(len(g.ids)) {
		c := s.comp[v]
		if req[c] == 0 {
			continue
		}
		out = append(out, Requirement{
			Node: g.ids[v], Kind: g.kind[v], Required: req[c], By: g.ids[by[c]],
			Recovery: g.rec[v], Gap: g.rec[v] > req[c],
		})
	}
	return out
}
