package bia

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/continuo-bcm/continuo/internal/bia/graph"
)

// GraphChanges is what changed in the dependency graph after a revision,
// read from one consistent snapshot of the store. Either Full is set and
// Data holds the whole graph, or Processes and Resources are the changed
// nodes that still exist, Removed the references of the deleted ones, and
// Dependencies every dependency (ordered by id) of the changed nodes that
// still exist: those are their complete lists of dependencies.
type GraphChanges struct {
	Revision     int64
	Full         bool
	Data         GraphData
	Processes    []Process
	Resources    []Resource
	Removed      []string
	Dependencies []Dependency
}

// changeLog is implemented by stores that keep a change log of the graph
// (the store package does): with it a refresh loads only what changed.
// Without it every refresh loads the whole graph.
type changeLog interface {
	// BIAChanges returns what changed after revision since; a negative
	// since asks for the whole graph.
	BIAChanges(ctx context.Context, since int64) (GraphChanges, error)
}

// snapshot is the dependency graph built from the store at one revision,
// with the names of its nodes and the dependencies as the graph view
// draws them. It is never changed once published: a refresh makes a new
// one, sharing what did not change.
type snapshot struct {
	rev   int64
	g     *graph.Graph
	nodes []*Node       // by position in g
	out   [][]GraphEdge // by position in g: the node's dependencies, by id

	viewOnce sync.Once
	view     []GraphEdge // every dependency, by id, made on first use

	cache analysisCache // the whole-graph analyses, made on first use
}

// edgeView is every dependency of the snapshot, by id.
func (sn *snapshot) edgeView() []GraphEdge {
	sn.viewOnce.Do(func() {
		n := 0
		for _, es := range sn.out {
			n += len(es)
		}
		sn.view = make([]GraphEdge, 0, n)
		for _, es := range sn.out {
			sn.view = append(sn.view, es...)
		}
		slices.SortFunc(sn.view, func(a, b GraphEdge) int { return cmp.Compare(a.ID, b.ID) })
	})
	return sn.view
}

// compareRefs is the order of the graph's nodes: processes, then
// resources, each by id (what the store returns). New nodes get higher ids
// than the existing ones, so they usually go at the end of their family.
func compareRefs(a, b graph.ID) int {
	ra, _ := ParseRef(string(a))
	rb, _ := ParseRef(string(b))
	if ra.Process != rb.Process {
		if ra.Process {
			return -1
		}
		return 1
	}
	return cmp.Compare(ra.ID, rb.ID)
}

func processNode(p *Process) (graph.Node, Node) {
	id := graph.ID(p.Ref())
	var thr []graph.Threshold
	for _, t := range p.Thresholds() {
		thr = append(thr, graph.Threshold{After: time.Duration(t.AfterMinutes) * time.Minute, Level: t.Level, Label: strings.Join(t.Categories, ", ")})
	}
	rto, mtpd := dur(p.RTOMinutes), dur(p.MTPDMinutes)
	if rto > 0 && mtpd > 0 && rto > mtpd {
		mtpd = 0 // stored before a stricter check; the process still counts
	}
	unit := p.UnitID
	return graph.Node{ID: id, Kind: graph.KindProcess, Important: p.Important, RTO: rto, MTPD: mtpd, Thresholds: thr},
		Node{Ref: string(id), Kind: string(graph.KindProcess), ID: p.ID, Code: p.Code, Name: p.Name, NameEn: p.NameEn,
			Important: p.Important, UnitID: &unit, RTOMinutes: p.RTOMinutes, MTPDMinutes: p.MTPDMinutes}
}

func resourceNode(r *Resource) (graph.Node, Node) {
	id := graph.ID(r.Ref())
	return graph.Node{ID: id, Kind: graph.Kind(r.Kind), Recovery: dur(r.RecoveryMinutes)},
		Node{Ref: string(id), Kind: string(r.Kind), ID: r.ID, Code: r.Code, Name: r.Name, NameEn: r.NameEn,
			UnitID: r.UnitID, RecoveryMinutes: r.RecoveryMinutes}
}

func dependencyEdge(d *Dependency) (graph.Edge, GraphEdge) {
	return graph.Edge{From: graph.ID(d.From), To: graph.ID(d.To), Alt: graph.ID(d.Alternative), Type: string(d.Type)},
		GraphEdge{ID: d.ID, From: d.From, To: d.To, Alternative: d.Alternative, Type: d.Type}
}

// BuildGraph turns stored data into the analysis graph, the names of its
// nodes and the dependencies as the graph view draws them.
func BuildGraph(d GraphData) (*graph.Graph, map[graph.ID]Node, []GraphEdge, error) {
	sn, err := buildSnapshot(d)
	if err != nil {
		return nil, nil, nil, err
	}
	names := make(map[graph.ID]Node, len(sn.nodes))
	for _, n := range sn.nodes {
		names[graph.ID(n.Ref)] = *n
	}
	return sn.g, names, sn.edgeView(), nil
}

// buildSnapshot builds the graph of the whole stored data.
func buildSnapshot(d GraphData) (*snapshot, error) {
	n := len(d.Processes) + len(d.Resources)
	nodes := make([]graph.Node, 0, n)
	names := make([]Node, 0, n)
	for i := range d.Processes {
		gn, nm := processNode(&d.Processes[i])
		nodes, names = append(nodes, gn), append(names, nm)
	}
	for i := range d.Resources {
		gn, nm := resourceNode(&d.Resources[i])
		nodes, names = append(nodes, gn), append(names, nm)
	}
	byPos := make([]*Node, len(names))
	for i := range names {
		byPos[i] = &names[i]
	}
	edges := make([]graph.Edge, 0, len(d.Dependencies))
	view := make([]GraphEdge, 0, len(d.Dependencies))
	for i := range d.Dependencies {
		e, v := dependencyEdge(&d.Dependencies[i])
		edges, view = append(edges, e), append(view, v)
	}
	g, err := graph.Build(nodes, edges)
	if err != nil {
		return nil, fmt.Errorf("bia: building the dependency graph: %w", err)
	}
	sn := &snapshot{rev: d.Revision, g: g, nodes: byPos, out: make([][]GraphEdge, g.Len())}
	// The view, sorted by id, is cut into rows by dependent: each row
	// keeps the id order.
	count := make([]int32, g.Len()+1)
	for _, e := range view {
		v, _ := g.Index(graph.ID(e.From))
		count[v+1]++
	}
	for v := range g.Len() {
		count[v+1] += count[v]
	}
	rows := make([]GraphEdge, len(view))
	next := slices.Clone(count[:g.Len()])
	for _, e := range view {
		v, _ := g.Index(graph.ID(e.From))
		rows[next[v]] = e
		next[v]++
	}
	for v := range g.Len() {
		if count[v] < count[v+1] {
			sn.out[v] = rows[count[v]:count[v+1]:count[v+1]]
		}
	}
	sn.view = view
	sn.viewOnce.Do(func() {})
	return sn, nil
}

// apply makes the snapshot of the graph after an incremental change.
func (sn *snapshot) apply(c GraphChanges) (*snapshot, error) {
	d := graph.Delta{Compare: compareRefs, Out: map[graph.ID][]graph.Edge{}}
	names := map[graph.ID]*Node{}
	rows := map[graph.ID][]GraphEdge{}
	for i := range c.Processes {
		gn, nm := processNode(&c.Processes[i])
		d.Set, names[gn.ID] = append(d.Set, gn), &nm
		d.Out[gn.ID], rows[gn.ID] = []graph.Edge{}, nil
	}
	for i := range c.Resources {
		gn, nm := resourceNode(&c.Resources[i])
		d.Set, names[gn.ID] = append(d.Set, gn), &nm
		d.Out[gn.ID], rows[gn.ID] = []graph.Edge{}, nil
	}
	for _, r := range c.Removed {
		d.Remove = append(d.Remove, graph.ID(r))
	}
	for i := range c.Dependencies {
		e, v := dependencyEdge(&c.Dependencies[i])
		if _, ok := d.Out[e.From]; !ok {
			return nil, fmt.Errorf("bia: refreshing the dependency graph: dependency %d of %s, which did not change", v.ID, v.From)
		}
		d.Out[e.From] = append(d.Out[e.From], e)
		rows[e.From] = append(rows[e.From], v)
	}
	g, err := sn.g.Apply(d)
	if err != nil {
		return nil, fmt.Errorf("bia: refreshing the dependency graph: %w", err)
	}
	next := &snapshot{rev: c.Revision, g: g}
	if g.Len() == sn.g.Len() && len(d.Remove) == 0 {
		// No node came or went: positions are unchanged.
		next.nodes, next.out = slices.Clone(sn.nodes), slices.Clone(sn.out)
	} else {
		next.nodes, next.out = make([]*Node, g.Len()), make([][]GraphEdge, g.Len())
		for v := range g.Len() {
			if o, ok := sn.g.Index(g.ID(v)); ok {
				next.nodes[v], next.out[v] = sn.nodes[o], sn.out[o]
			}
		}
	}
	for id, nm := range names {
		v, _ := g.Index(id)
		next.nodes[v], next.out[v] = nm, rows[id]
	}
	return next, nil
}

// current returns the graph at the store's current revision, bringing it
// up to date when another change (from this process or any other sharing
// the database) moved the revision since it was built: with a store that
// keeps a change log, only the changed nodes and their dependencies are
// loaded and applied to the graph; otherwise the whole graph is loaded.
func (s *Service) current(ctx context.Context) (*snapshot, error) {
	rev, err := s.store.BIARevision(ctx)
	if err != nil {
		return nil, err
	}
	if sn := s.snap.Load(); sn != nil && sn.rev >= rev {
		return sn, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sn := s.snap.Load()
	if sn != nil && sn.rev >= rev {
		return sn, nil // brought up to date by another caller meanwhile
	}
	log, ok := s.store.(changeLog)
	if !ok {
		d, err := s.store.BIAGraphData(ctx)
		if err != nil {
			return nil, err
		}
		next, err := buildSnapshot(d)
		if err != nil {
			return nil, err
		}
		s.snap.Store(next)
		return next, nil
	}
	since := int64(-1)
	if sn != nil {
		since = sn.rev
	}
	c, err := log.BIAChanges(ctx, since)
	if err != nil {
		return nil, err
	}
	var next *snapshot
	switch {
	case c.Full:
		c.Data.Revision = c.Revision
		next, err = buildSnapshot(c.Data)
	case sn == nil:
		return nil, fmt.Errorf("bia: the store returned changes for a first load")
	case c.Revision <= sn.rev:
		return sn, nil
	default:
		next, err = sn.apply(c)
	}
	if err != nil {
		return nil, err
	}
	s.snap.Store(next)
	return next, nil
}
