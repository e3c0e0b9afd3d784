package graph

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"
	"time"
)

// Affected is a node made unavailable by a loss (see the package
// documentation for the exact rule).
type Affected struct {
	ID   ID   `json:"id"`
	Kind Kind `json:"kind"`
	// Index is the node's position in the graph (see Graph.Index), for
	// callers that keep what they know of each node in a slice.
	Index int `json:"-"`
	// Failed is set for the nodes of the failed set.
	Failed bool `json:"failed"`
	// Via is the next node on the chain of dependencies that takes this
	// node down (empty for a failed node that went down on its own);
	// ViaType is the type of that dependency and ViaAlternative says it
	// has an alternative that is down too. Impact.Path follows Via to a
	// failed node.
	Via            ID     `json:"via,omitempty"`
	ViaType        string `json:"via_type,omitempty"`
	ViaAlternative bool   `json:"via_alternative,omitempty"`
	// Depth is the number of dependencies between the node and the failed
	// node at the end of its path.
	Depth int `json:"depth"`
	// Outage is how long the node stays unavailable; OutageKnown is false
	// when a failed node it depends on has no stated recovery time.
	Outage      time.Duration `json:"outage"`
	OutageKnown bool          `json:"outage_known"`
	// For processes: the RTO and MTPD, whether the outage exceeds them
	// (always true for a stated value when the outage is unknown), and the
	// impact thresholds crossed during the outage.
	RTO          time.Duration `json:"rto,omitempty"`
	MTPD         time.Duration `json:"mtpd,omitempty"`
	RTOBreached  bool          `json:"rto_breached,omitempty"`
	MTPDBreached bool          `json:"mtpd_breached,omitempty"`
	Crossed      []Crossing    `json:"crossed,omitempty"`
}

// Crossing is an impact threshold crossed at At after the loss.
type Crossing struct {
	At    time.Duration `json:"at"`
	Level int           `json:"level"`
	Label string        `json:"label,omitempty"`
}

// Impact is the result of a loss: the affected nodes in the order they
// went down (failed nodes with the longest recovery first, then breadth
// first along the dependencies).
type Impact struct {
	Affected []Affected
	g        *Graph
	// viaPos is, by position in Affected, the position of the node's Via
	// (-1 for none), so that paths are followed without looking ids up.
	viaPos []int32
	// Position in Affected + 1 by node index (0: not affected): in a slice
	// over all nodes for a large loss, in a map for a small one, so that a
	// small loss on a large graph still costs only what it touches.
	pos    []int32
	posMap map[int32]int32
}

// Path is the chain of dependencies from an affected node to the failed
// node that takes it down longest: the node itself first, the failed node
// last. It is nil for a node that is not affected.
func (im *Impact) Path(id ID) []ID {
	i, ok := im.position(id)
	if !ok {
		return nil
	}
	return im.PathAt(i)
}

// ViaAt is the position in Affected of the Via node of Affected[i], -1
// when it has none.
func (im *Impact) ViaAt(i int) int { return int(im.viaPos[i]) }

// PathAt is Path of Affected[i].
func (im *Impact) PathAt(i int) []ID {
	path := make([]ID, 0, im.Affected[i].Depth+1)
	for p := int32(i); p >= 0; p = im.viaPos[p] {
		path = append(path, im.Affected[p].ID)
	}
	return path
}

// position is the index in Affected of an affected node.
func (im *Impact) position(id ID) (int, bool) {
	v, ok := im.g.index[id]
	if !ok {
		return 0, false
	}
	var p int32
	if im.pos != nil {
		p = im.pos[v]
	} else {
		p = im.posMap[v]
	}
	if p == 0 {
		return 0, false
	}
	return int(p) - 1, true
}

// Processes is the affected processes, in the same order as Affected.
func (im *Impact) Processes() []Affected {
	var out []Affected
	for _, a := range im.Affected {
		if a.Kind == KindProcess {
			out = append(out, a)
		}
	}
	return out
}

// work is the scratch space of one propagation, reused through a pool and
// reset through the lists of what it touched, so that a small impact on a
// large graph costs only what it touches.
type work struct {
	down    []bool
	cnt     []uint8 // per edge with alternative: how many of target/alt are down
	outage  []time.Duration
	known   []bool
	viaEdge []int32
	via     []int32
	depth   []int32
	failed  []bool
	order   []int32 // nodes in the order they went down; also the BFS queue
	edges   []int32 // edges whose cnt was touched
}

func (g *Graph) getWork(p *sync.Pool) *work {
	if w, ok := p.Get().(*work); ok && len(w.down) == len(g.ids) {
		return w
	}
	n := len(g.ids)
	return &work{
		down: make([]bool, n), cnt: make([]uint8, len(g.eTo)),
		outage: make([]time.Duration, n), known: make([]bool, n),
		viaEdge: make([]int32, n), via: make([]int32, n), depth: make([]int32, n),
		failed: make([]bool, n),
	}
}

func (w *work) reset() {
	for _, v := range w.order {
		w.down[v], w.failed[v] = false, false
	}
	for _, e := range w.edges {
		w.cnt[e] = 0
	}
	w.order, w.edges = w.order[:0], w.edges[:0]
}

func (g *Graph) pool() *sync.Pool { return &g.works }

// propagate marks the failed nodes and everything they take down. The
// failed nodes go in by decreasing recovery time, unknown first, each
// group propagated before the next: a node first reached by the group of
// recovery time t is down exactly until t (package documentation).
func (g *Graph) propagate(w *work, failed []int32) {
	fs := slices.Clone(failed)
	slices.SortStableFunc(fs, func(a, b int32) int {
		ra, rb := g.rec[a], g.rec[b]
		switch {
		case ra == rb:
			return 0
		case ra == 0:
			return -1
		case rb == 0:
			return 1
		}
		return cmp.Compare(rb, ra)
	})
	for _, f := range fs {
		w.failed[f] = true
	}
	head := 0
	for i := 0; i < len(fs); {
		t := g.rec[fs[i]]
		j := i
		for j < len(fs) && g.rec[fs[j]] == t {
			f := fs[j]
			if !w.down[f] {
				w.down[f] = true
				w.outage[f], w.known[f] = t, t > 0
				w.via[f], w.viaEdge[f], w.depth[f] = -1, -1, 0
				w.order = append(w.order, f)
			}
			j++
		}
		i = j
		for ; head < len(w.order); head++ {
			m := w.order[head]
			for _, e := range g.inEdge[g.inStart[m]:g.inStart[m+1]] {
				v := g.eFrom[e]
				if w.down[v] {
					continue
				}
				if g.eAlt[e] >= 0 {
					if w.cnt[e] == 0 {
						w.edges = append(w.edges, e)
					}
					w.cnt[e]++
					if w.cnt[e] < 2 {
						continue
					}
				}
				w.down[v] = true
				w.outage[v], w.known[v] = t, t > 0
				w.via[v], w.viaEdge[v], w.depth[v] = m, e, w.depth[m]+1
				w.order = append(w.order, v)
			}
		}
	}
}

// Impact computes what the loss of the failed nodes takes down. An unknown
// id is an *UnknownError; duplicates are ignored.
func (g *Graph) Impact(failed ...ID) (*Impact, error) {
	vs, err := g.resolve(failed)
	if err != nil {
		return nil, err
	}
	p := g.pool()
	w := g.getWork(p)
	defer func() { w.reset(); p.Put(w) }()
	g.propagate(w, vs)

	// Positions are kept by node index rather than by id: for a loss that
	// takes down most of a large graph, hashing every id costs more than
	// the propagation.
	n := len(w.order)
	im := &Impact{Affected: make([]Affected, n), g: g, viaPos: make([]int32, n)}
	if n*16 >= len(g.ids) {
		im.pos = make([]int32, len(g.ids))
	} else {
		im.posMap = make(map[int32]int32, n)
	}
	// The crossings of every process share one backing array.
	crossings := 0
	for _, v := range w.order {
		if g.proc[v] {
			crossings += g.crossed(v, w.outage[v], w.known[v])
		}
	}
	cbuf := make([]Crossing, 0, crossings)
	for i, v := range w.order {
		a := &im.Affected[i]
		*a = Affected{
			ID: g.ids[v], Kind: g.kind[v], Index: int(v), Failed: w.failed[v], Depth: int(w.depth[v]),
			Outage: w.outage[v], OutageKnown: w.known[v],
		}
		im.viaPos[i] = -1
		if w.via[v] >= 0 {
			e := w.viaEdge[v]
			a.Via, a.ViaType, a.ViaAlternative = g.ids[w.via[v]], g.types[g.eType[e]], g.eAlt[e] >= 0
			// The via node went down earlier, so its position is set.
			if im.pos != nil {
				im.viaPos[i] = im.pos[w.via[v]] - 1
			} else {
				im.viaPos[i] = im.posMap[w.via[v]] - 1
			}
		}
		if g.proc[v] {
			a.RTO, a.MTPD = g.rto[v], g.mtpd[v]
			a.RTOBreached = a.RTO > 0 && (!a.OutageKnown || a.Outage > a.RTO)
			a.MTPDBreached = a.MTPD > 0 && (!a.OutageKnown || a.Outage > a.MTPD)
			if k := g.crossed(v, a.Outage, a.OutageKnown); k > 0 {
				start := len(cbuf)
				for _, t := range g.thr[v][:k] {
					cbuf = append(cbuf, Crossing{At: t.After, Level: t.Level, Label: t.Label})
				}
				a.Crossed = cbuf[start:len(cbuf):len(cbuf)]
			}
		}
		if im.pos != nil {
			im.pos[v] = int32(i) + 1
		} else {
			im.posMap[v] = int32(i) + 1
		}
	}
	return im, nil
}

// crossed is how many of process v's thresholds (sorted by time) are
// crossed during an outage: all of them when its end is unknown.
func (g *Graph) crossed(v int32, outage time.Duration, known bool) int {
	thr := g.thr[v]
	if !known {
		return len(thr)
	}
	k := 0
	for k < len(thr) && thr[k].After < outage {
		k++
	}
	return k
}

// SPOF is a single point of failure: a resource whose loss alone takes
// down the listed important processes.
type SPOF struct {
	Resource  ID   `json:"resource"`
	Kind      Kind `json:"kind"`
	Processes []ID `json:"processes"`
}

// SinglePointsOfFailure lists the resources whose loss alone makes an
// important process unavailable, in the order the resources were given to
// Build.
//
// It asks the question for 64 resources at once: down[v] is a word whose
// bit i says that the loss of the i-th resource of the batch takes v down.
// The availability rule becomes down[v] = own bit | down[target] for each
// dependency without alternative | down[target] & down[alternative] for
// each with one, and its least solution is found component by component
// of the graph (strongly connected components, dependencies first), a
// component with a cycle by sweeps until nothing changes. Each batch
// costs one pass over what depends on its resources, where one
// propagation per resource cost that for each of them.
func (g *Graph) SinglePointsOfFailure() []SPOF {
	var starts []int32
	for v := range int32(len(g.ids)) {
		if g.proc[v] && g.imp[v] {
			starts = append(starts, v)
		}
	}
	if len(starts) == 0 {
		return nil
	}
	// Only resources reachable from an important process (through targets
	// and alternatives) can take one down, and only reachable nodes matter.
	r := g.sccs(starts, false)
	var cands []int32
	batchBit := make([]uint64, len(g.ids)) // the node's bit in its batch
	for v := range int32(len(g.ids)) {
		if r.comp[v] >= 0 && !g.proc[v] {
			cands = append(cands, v)
		}
	}
	// Batches of resources at a similar depth (by component, which puts
	// dependencies first) share most of what depends on them, so a batch
	// reaches little more than its largest member does.
	order := make([]int32, len(cands))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(r.comp[cands[a]], r.comp[cands[b]]) })
	hits := make([][]int32, len(cands))
	down := make([]uint64, len(g.ids))
	dirty := make([]bool, len(g.ids))
	pos := make([]int32, len(g.ids)) // position of a node in its component
	for c := 0; c+1 < len(r.start); c++ {
		for i, v := range r.members[r.start[c]:r.start[c+1]] {
			pos[v] = int32(i)
		}
	}
	// eval applies the rule to v and reports whether down[v] grew.
	eval := func(v int32) bool {
		d := down[v] | batchBit[v]
		for e := g.outStart[v]; e < g.outStart[v+1]; e++ {
			if a := g.eAlt[e]; a < 0 {
				d |= down[g.eTo[e]]
			} else {
				d |= down[g.eTo[e]] & down[a]
			}
		}
		if d == down[v] {
			return false
		}
		down[v] = d
		return true
	}
	seen := make([]int32, len(g.ids)) // batch number + 1 of the last batch that reached the node
	marked := make([]bool, len(r.start))
	var reached, comps []int32
	for base := 0; base < len(cands); base += 64 {
		batch := order[base:min(base+64, len(order))]
		stamp := int32(base/64 + 1)
		// Only what depends on the batch's resources can go down: its
		// components, in dependency order.
		reached, comps = reached[:0], comps[:0]
		for i, c := range batch {
			v := cands[c]
			batchBit[v] = 1 << i
			seen[v] = stamp
			reached = append(reached, v)
		}
		for k := 0; k < len(reached); k++ {
			v := reached[k]
			if c := r.comp[v]; !marked[c] {
				marked[c] = true
				comps = append(comps, c)
			}
			for _, e := range g.inEdge[g.inStart[v]:g.inStart[v+1]] {
				if u := g.eFrom[e]; r.comp[u] >= 0 && seen[u] != stamp {
					seen[u] = stamp
					reached = append(reached, u)
				}
			}
		}
		slices.Sort(comps)
		for _, c := range comps {
			marked[c] = false
			ms := r.members[r.start[c]:r.start[c+1]]
			if len(ms) == 1 {
				// Without a cycle one evaluation is final: everything the
				// node depends on is in earlier components. (A node that
				// depends on itself gains nothing from itself.)
				eval(ms[0])
				continue
			}
			// Sweeps in the component's order (which puts most
			// dependencies first), evaluating only the nodes a change may
			// have reached; another sweep only when a change reached a
			// node already passed.
			for _, v := range ms {
				dirty[v] = true
			}
			for again := true; again; {
				again = false
				for i, v := range ms {
					if !dirty[v] {
						continue
					}
					dirty[v] = false
					if !eval(v) {
						continue
					}
					for _, e := range g.inEdge[g.inStart[v]:g.inStart[v+1]] {
						if u := g.eFrom[e]; r.comp[u] == c && !dirty[u] {
							dirty[u] = true
							again = again || pos[u] < int32(i)
						}
					}
				}
			}
		}
		// The processes each resource takes down, in index order: read
		// from the reached nodes, or, when those are more, from the
		// important processes (unreached ones have no bits).
		if len(reached) < len(starts) {
			slices.Sort(reached)
		}
		from := reached
		if len(reached) >= len(starts) {
			from = starts
		}
		for _, v := range from {
			if g.proc[v] && g.imp[v] {
				for d := down[v]; d != 0; d &= d - 1 {
					i := batch[bits.TrailingZeros64(d)]
					hits[i] = append(hits[i], v)
				}
			}
		}
		for _, v := range reached {
			down[v] = 0
		}
		for _, c := range batch {
			batchBit[cands[c]] = 0
		}
	}
	var out []SPOF
	for i, v := range cands {
		if len(hits[i]) > 0 {
			out = append(out, SPOF{Resource: g.ids[v], Kind: g.kind[v], Processes: g.sortedIDs(hits[i])})
		}
	}
	return out
}
