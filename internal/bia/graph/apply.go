package graph

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"
)

// Delta is a change to a graph, for Apply.
type Delta struct {
	// Set adds nodes, or replaces every attribute of nodes the graph has.
	Set []Node
	// Remove removes nodes with every edge from or to them; an edge whose
	// alternative is removed loses its alternative (what the store does
	// when a node is deleted). Ids the graph does not have are ignored.
	Remove []ID
	// Out replaces all the edges from a node by the ones given (each with
	// From equal to the key), in the order given; an empty list leaves the
	// node without dependencies. Nodes not named keep their edges.
	Out map[ID][]Edge
	// Compare is the order of the nodes, if any: the graph's nodes must be
	// in that order already, and added nodes are placed by it. Without
	// Compare, added nodes come after the others, in the order given.
	Compare func(a, b ID) int
}

// Apply returns a new graph with the change applied, leaving g as it is
// (analyses running on g are not disturbed). Given nodes and edges sorted
// as Build would get them, the result equals what Build makes of the whole
// changed graph: same node positions, same edge order, same answers.
// It costs a pass over the nodes and edges, without looking up the ids of
// the edges that did not change, so it is much cheaper than Build on a
// large graph. The checks are those of Build; a node both set and removed,
// or edges given for a node the changed graph does not have, are errors.
func (g *Graph) Apply(d Delta) (*Graph, error) {
	n := int32(len(g.ids))
	var removed []bool
	nRemoved := int32(0)
	for _, id := range d.Remove {
		v, ok := g.index[id]
		if !ok {
			continue
		}
		if removed == nil {
			removed = make([]bool, n)
		}
		if !removed[v] {
			removed[v] = true
			nRemoved++
		}
	}
	set := make(map[ID]int, len(d.Set))
	replaced := map[int32]int{}
	var added []int // indices in d.Set
	for i, nd := range d.Set {
		if err := checkNode(i, nd); err != nil {
			return nil, err
		}
		if _, dup := set[nd.ID]; dup {
			return nil, fmt.Errorf("graph: node %q given twice", nd.ID)
		}
		set[nd.ID] = i
		v, ok := g.index[nd.ID]
		switch {
		case ok && removed != nil && removed[v]:
			return nil, fmt.Errorf("graph: node %q both set and removed", nd.ID)
		case ok:
			replaced[v] = i
		default:
			added = append(added, i)
		}
	}
	if d.Compare != nil {
		slices.SortStableFunc(added, func(a, b int) int { return d.Compare(d.Set[a].ID, d.Set[b].ID) })
	}
	n2 := n - nRemoved + int32(len(added))
	if int64(n2) > 1<<31-2 {
		return nil, errors.New("graph: too many nodes or edges")
	}

	// Positions: remap takes an old position to the new one (-1 when
	// removed), old the other way (-1 for an added node). An added node
	// goes before the first old node that Compare puts after it.
	at := make([]int32, len(added))
	for k, i := range added {
		at[k] = n
		if d.Compare != nil {
			id := d.Set[i].ID
			at[k] = int32(sort.Search(int(n), func(v int) bool { return d.Compare(g.ids[v], id) > 0 }))
		}
	}
	ng := &Graph{
		kind: make([]Kind, n2), imp: make([]bool, n2), proc: make([]bool, n2),
		rto: make([]time.Duration, n2), mtpd: make([]time.Duration, n2), rec: make([]time.Duration, n2),
		thr: make([][]Threshold, n2),
	}
	var remap []int32 // nil: positions unchanged
	old := make([]int32, n2)
	structural := nRemoved > 0 || len(added) > 0
	if !structural {
		ng.ids, ng.index = g.ids, g.index // never changed once built
		for v := range n {
			old[v] = v
		}
	} else {
		remap = make([]int32, n)
		ng.ids = make([]ID, 0, n2)
		k := 0
		for v := int32(0); v <= n; v++ {
			for k < len(added) && at[k] == v {
				old[len(ng.ids)] = -1
				ng.ids = append(ng.ids, d.Set[added[k]].ID)
				k++
			}
			if v == n {
				break
			}
			if removed != nil && removed[v] {
				remap[v] = -1
				continue
			}
			remap[v] = int32(len(ng.ids))
			old[len(ng.ids)] = v
			ng.ids = append(ng.ids, g.ids[v])
		}
		if nRemoved == 0 && at[0] == n {
			// Only appended: the old positions hold.
			ng.index = maps.Clone(g.index)
			for v := n; v < n2; v++ {
				ng.index[ng.ids[v]] = v
			}
		} else {
			ng.index = make(map[ID]int32, n2)
			for v, id := range ng.ids {
				ng.index[id] = int32(v)
			}
		}
	}
	for v := range n2 {
		id := ng.ids[v]
		if i, ok := set[id]; ok {
			ng.setNode(v, d.Set[i])
			continue
		}
		o := old[v]
		ng.kind[v], ng.imp[v], ng.proc[v] = g.kind[o], g.imp[o], g.proc[o]
		ng.rto[v], ng.mtpd[v], ng.rec[v], ng.thr[v] = g.rto[o], g.mtpd[o], g.rec[o], g.thr[o]
	}
	for id := range d.Out {
		if _, ok := ng.index[id]; !ok {
			return nil, fmt.Errorf("graph: edges given for unknown node %q", id)
		}
	}

	// Edges: the out rows in the new node order, the rows given in d.Out
	// resolved, the others copied with their ends moved.
	ng.types = g.types
	var typeIndex map[string]uint16
	typeOf := func(t string) (uint16, error) {
		if typeIndex == nil {
			typeIndex = make(map[string]uint16, len(g.types))
			for i, s := range g.types {
				typeIndex[s] = uint16(i)
			}
			ng.types = slices.Clip(g.types) // appending copies
		}
		if x, ok := typeIndex[t]; ok {
			return x, nil
		}
		if len(ng.types) >= 1<<16 {
			return 0, errors.New("graph: too many edge types")
		}
		x := uint16(len(ng.types))
		typeIndex[t] = x
		ng.types = append(ng.types, t)
		return x, nil
	}
	// The rows given, resolved; when no row differs from what the node
	// had and no node came or went, the edges are shared with g.
	type row struct {
		to, alt []int32
		typ     []uint16
	}
	given := make(map[int32]row, len(d.Out))
	extra := 0
	differ := structural
	for id, es := range d.Out {
		v := ng.index[id]
		r := row{to: make([]int32, len(es)), alt: make([]int32, len(es)), typ: make([]uint16, len(es))}
		for i, e := range es {
			if e.From != id {
				return nil, fmt.Errorf("graph: edge (%q depends on %q) given among the edges of %q", e.From, e.To, id)
			}
			to, ok := ng.index[e.To]
			if !ok {
				return nil, fmt.Errorf("graph: edge (%q depends on %q): unknown node %q", e.From, e.To, e.To)
			}
			alt := int32(-1)
			if e.Alt != "" {
				if alt, ok = ng.index[e.Alt]; !ok {
					return nil, fmt.Errorf("graph: edge (%q depends on %q): unknown node %q", e.From, e.To, e.Alt)
				}
				if alt == to {
					return nil, fmt.Errorf("graph: edge (%q depends on %q): the alternative is the dependency itself", e.From, e.To)
				}
			}
			t, err := typeOf(e.Type)
			if err != nil {
				return nil, err
			}
			r.to[i], r.alt[i], r.typ[i] = to, alt, t
		}
		given[v] = r
		extra += len(es)
		if !differ {
			s, e := g.outStart[v], g.outStart[v+1]
			differ = !slices.Equal(r.to, g.eTo[s:e]) || !slices.Equal(r.alt, g.eAlt[s:e]) || !slices.Equal(r.typ, g.eType[s:e])
		}
	}
	if !differ {
		ng.outStart, ng.eFrom, ng.eTo, ng.eAlt, ng.eType = g.outStart, g.eFrom, g.eTo, g.eAlt, g.eType
		ng.inStart, ng.inEdge = g.inStart, g.inEdge
		return ng, nil
	}
	m := len(g.eTo) + extra
	ng.outStart = make([]int32, n2+1)
	ng.eFrom = make([]int32, 0, m)
	ng.eTo = make([]int32, 0, m)
	ng.eAlt = make([]int32, 0, m)
	ng.eType = make([]uint16, 0, m)
	for v := int32(0); v < n2; {
		if r, ok := given[v]; ok {
			ng.outStart[v] = int32(len(ng.eTo))
			for range r.to {
				ng.eFrom = append(ng.eFrom, v)
			}
			ng.eTo, ng.eAlt, ng.eType = append(ng.eTo, r.to...), append(ng.eAlt, r.alt...), append(ng.eType, r.typ...)
			v++
			continue
		}
		o := old[v]
		if o < 0 {
			ng.outStart[v] = int32(len(ng.eTo)) // added without edges
			v++
			continue
		}
		if remap == nil {
			// Positions unchanged: copy the rows up to the next one given
			// in one go.
			w := v + 1
			for w < n2 {
				if _, ok := given[w]; ok {
					break
				}
				w++
			}
			base := int32(len(ng.eTo)) - g.outStart[v]
			for x := v; x < w; x++ {
				ng.outStart[x] = g.outStart[x] + base
			}
			s, e := g.outStart[v], g.outStart[w]
			ng.eFrom, ng.eTo = append(ng.eFrom, g.eFrom[s:e]...), append(ng.eTo, g.eTo[s:e]...)
			ng.eAlt, ng.eType = append(ng.eAlt, g.eAlt[s:e]...), append(ng.eType, g.eType[s:e]...)
			v = w
			continue
		}
		ng.outStart[v] = int32(len(ng.eTo))
		for e := g.outStart[o]; e < g.outStart[o+1]; e++ {
			to, alt := remap[g.eTo[e]], g.eAlt[e]
			if to < 0 {
				continue // its target is gone, and the dependency with it
			}
			if alt >= 0 {
				alt = remap[alt] // -1 when gone
			}
			ng.eFrom, ng.eTo, ng.eAlt, ng.eType = append(ng.eFrom, v), append(ng.eTo, to), append(ng.eAlt, alt), append(ng.eType, g.eType[e])
		}
		v++
	}
	if len(ng.eTo) > 1<<31-2 {
		return nil, errors.New("graph: too many nodes or edges")
	}
	ng.outStart[n2] = int32(len(ng.eTo))
	ng.buildIn()
	return ng, nil
}
