package bia

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia/graph"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// Node is a process or resource as the analyses name it.
type Node struct {
	Ref             string `json:"ref" doc:"p12 for process 12, r7 for resource 7"`
	Kind            string `json:"kind" doc:"process, or the resource's kind"`
	ID              int64  `json:"id"`
	Code            string `json:"code"`
	Name            string `json:"name"`
	NameEn          string `json:"name_en"`
	Important       bool   `json:"important,omitempty"`
	UnitID          *int64 `json:"unit_id,omitempty"`
	RTOMinutes      *int   `json:"rto_minutes,omitempty"`
	MTPDMinutes     *int   `json:"mtpd_minutes,omitempty"`
	RecoveryMinutes *int   `json:"recovery_minutes,omitempty"`
}

// GraphEdge is a dependency as the graph view draws it.
type GraphEdge struct {
	ID          int64          `json:"id"`
	From        string         `json:"from"`
	To          string         `json:"to"`
	Alternative string         `json:"alternative,omitempty"`
	Type        DependencyType `json:"type"`
}

// GraphView is the whole dependency graph.
type GraphView struct {
	Revision int64       `json:"revision"`
	Nodes    []Node      `json:"nodes"`
	Edges    []GraphEdge `json:"edges"`
}

func minutes(d time.Duration) int { return int(d / time.Minute) }

func dur(m *int) time.Duration {
	if m == nil {
		return 0
	}
	return time.Duration(*m) * time.Minute
}

func optMinutes(d time.Duration) *int {
	if d <= 0 {
		return nil
	}
	m := minutes(d)
	return &m
}

// Refresh brings the in-memory graph up to the store's revision and
// returns the revision; the analyses do it themselves, this is for
// warming up and measuring.
func (s *Service) Refresh(ctx context.Context) (int64, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return 0, err
	}
	snap, err := s.current(ctx)
	if err != nil {
		return 0, err
	}
	return snap.rev, nil
}

func (s *Service) read(ctx context.Context) (*snapshot, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, err
	}
	return s.current(ctx)
}

func (sn *snapshot) node(id graph.ID) Node {
	if i, ok := sn.g.Index(id); ok {
		return *sn.nodes[i]
	}
	return Node{}
}

func (sn *snapshot) list(ids []graph.ID) []Node {
	out := make([]Node, len(ids))
	for i, id := range ids {
		out[i] = sn.node(id)
	}
	return out
}

// resolve checks a list of node references for the analyses.
func (sn *snapshot) resolve(field string, refs []string) ([]graph.ID, error) {
	var v errs.Validation
	v.Check(len(refs) > 0, field, "name at least one process or resource")
	ids := make([]graph.ID, 0, len(refs))
	for i, r := range refs {
		r = strings.TrimSpace(r)
		f := fmt.Sprintf("%s[%d]", field, i)
		if _, ok := ParseRef(r); !ok {
			v.Add(f, "must be a process (p12) or resource (r7) reference")
		} else if !sn.g.Has(graph.ID(r)) {
			v.Add(f, "no process or resource %s", r)
		}
		ids = append(ids, graph.ID(r))
	}
	return ids, v.Err()
}

// Graph returns every node and dependency.
func (s *Service) Graph(ctx context.Context) (GraphView, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return GraphView{}, err
	}
	v := GraphView{Revision: sn.rev, Nodes: make([]Node, len(sn.nodes)), Edges: sn.edgeView()}
	for i, n := range sn.nodes {
		v.Nodes[i] = *n
	}
	sortNodes(v.Nodes)
	return v, nil
}

func sortNodes(ns []Node) {
	// processes first, then resources, each by id
	key := func(n Node) int64 {
		if n.Kind == string(graph.KindProcess) {
			return n.ID
		}
		return 1<<62 + n.ID
	}
	slices.SortFunc(ns, func(a, b Node) int { return cmp.Compare(key(a), key(b)) })
}

// Crossing is an impact level reached while a process is down.
type Crossing struct {
	AtMinutes  int    `json:"at_minutes" doc:"minutes after the loss"`
	Level      int    `json:"level"`
	Categories string `json:"categories" doc:"the impact categories that reach the level"`
}

// Affected is a process or resource taken down by a loss.
type Affected struct {
	Node
	Failed bool `json:"failed" doc:"one of the lost nodes itself"`
	Direct bool `json:"direct" doc:"depends directly on a lost node"`
	Depth  int  `json:"depth" doc:"dependencies between it and the lost node that takes it down"`
	// Via is the next node on the chain of dependencies that takes it
	// down; Path, for processes, is the whole chain to the lost node.
	Via            string     `json:"via,omitempty" doc:"the node through which it goes down"`
	Path           []string   `json:"path,omitempty" doc:"processes only: the chain of dependencies from the process to the lost node"`
	ViaType        string     `json:"via_type,omitempty"`
	ViaAlternative bool       `json:"via_alternative,omitempty" doc:"the dependency has an alternative, lost too"`
	OutageMinutes  *int       `json:"outage_minutes" doc:"how long it stays down; null when a lost node has no known recovery time"`
	RTOBreached    bool       `json:"rto_breached,omitempty"`
	MTPDBreached   bool       `json:"mtpd_breached,omitempty"`
	Crossed        []Crossing `json:"crossed,omitempty" doc:"impact levels reached before it is back"`
}

// ImpactReport is what losing some resources (or processes) does.
type ImpactReport struct {
	Failed       []Node     `json:"failed"`
	Affected     []Affected `json:"affected" doc:"in the order they go down, the lost nodes first: the processes, and the resources when asked for"`
	Processes    int        `json:"processes" doc:"processes affected"`
	Resources    int        `json:"resources" doc:"resources affected, besides the lost ones"`
	Important    int        `json:"important" doc:"important processes affected"`
	RTOBreached  int        `json:"rto_breached" doc:"processes down longer than their RTO"`
	MTPDBreached int        `json:"mtpd_breached" doc:"processes down longer than their MTPD"`
	Revision     int64      `json:"revision"`
}

// Impact computes what the loss of the given nodes takes down, directly or
// transitively, with each process's RTO and the times its impact
// thresholds are crossed. Affected lists the lost nodes and the processes
// taken down, and the resources taken down too when withResources is set
// (on a large graph they are most of the list).
func (s *Service) Impact(ctx context.Context, refs []string, withResources bool) (ImpactReport, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return ImpactReport{}, err
	}
	ids, err := sn.resolve("failed", refs)
	if err != nil {
		return ImpactReport{}, err
	}
	im, err := sn.g.Impact(ids...)
	if err != nil {
		return ImpactReport{}, unknown("failed", err)
	}
	rep := ImpactReport{Failed: sn.list(ids), Affected: []Affected{}, Revision: sn.rev}
	// The paths of the processes share one backing array.
	// The paths, outages and crossings of the listed nodes share backing
	// arrays: on a large loss, one allocation each instead of one per node.
	pathLen, listed, crossed := 0, 0, 0
	for i := range im.Affected {
		a := &im.Affected[i]
		if a.Kind == graph.KindProcess {
			pathLen += a.Depth + 1
		}
		if a.Failed || withResources || a.Kind == graph.KindProcess {
			listed++
			crossed += len(a.Crossed)
		}
	}
	paths := make([]string, 0, pathLen)
	outages := make([]int, 0, listed)
	crossings := make([]Crossing, 0, crossed)
	rep.Affected = make([]Affected, 0, listed)
	for i := range im.Affected {
		a := &im.Affected[i]
		proc := a.Kind == graph.KindProcess
		if !a.Failed {
			if !proc {
				rep.Resources++
				if !withResources {
					continue
				}
			} else {
				rep.Processes++
				if sn.nodes[a.Index].Important {
					rep.Important++
				}
				if a.RTOBreached {
					rep.RTOBreached++
				}
				if a.MTPDBreached {
					rep.MTPDBreached++
				}
			}
		}
		x := Affected{Node: *sn.nodes[a.Index], Failed: a.Failed, Direct: a.Depth == 1, Depth: a.Depth, Via: string(a.Via),
			ViaType: a.ViaType, ViaAlternative: a.ViaAlternative, RTOBreached: a.RTOBreached, MTPDBreached: a.MTPDBreached}
		if proc {
			start := len(paths)
			for p := i; p >= 0; p = im.ViaAt(p) {
				paths = append(paths, string(im.Affected[p].ID))
			}
			x.Path = paths[start:len(paths):len(paths)]
		}
		if a.OutageKnown {
			outages = append(outages, minutes(a.Outage))
			x.OutageMinutes = &outages[len(outages)-1]
		}
		if len(a.Crossed) > 0 {
			start := len(crossings)
			for _, c := range a.Crossed {
				crossings = append(crossings, Crossing{AtMinutes: minutes(c.At), Level: c.Level, Categories: c.Label})
			}
			x.Crossed = crossings[start:len(crossings):len(crossings)]
		}
		rep.Affected = append(rep.Affected, x)
	}
	return rep, nil
}

func unknown(field string, err error) error {
	var u *graph.UnknownError
	if errors.As(err, &u) {
		return errs.Field(field, "no process or resource %s", u.ID)
	}
	return err
}

// Gap is a process whose RTO cannot be met: something it depends on
// without an alternative takes longer to recover.
type Gap struct {
	Process         Node   `json:"process"`
	RTOMinutes      int    `json:"rto_minutes"`
	RecoveryMinutes int    `json:"recovery_minutes" doc:"the recovery time of the bottleneck"`
	Bottleneck      Node   `json:"bottleneck"`
	Chain           []Node `json:"chain" doc:"the dependencies from the process (first) to the bottleneck (last)"`
}

// Feasibility lists the processes whose RTO is shorter than the recovery
// time of something they depend on without alternative, with the chain
// that causes it.
func (s *Service) Feasibility(ctx context.Context) ([]Gap, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	// A copy of the list computed once for this revision: the caller may
	// reorder it, the gaps themselves are shared.
	return slices.Clone(sn.feasibility().Gaps), nil
}

// Requirement is the recovery time a node must meet for the processes that
// need it.
type Requirement struct {
	Node            Node `json:"node"`
	RequiredMinutes int  `json:"required_minutes" doc:"the smallest RTO of the processes that need it without alternative"`
	By              Node `json:"by" doc:"the process with that RTO"`
	RecoveryMinutes *int `json:"recovery_minutes" doc:"its own recovery time (RTO for a process)"`
	Gap             bool `json:"gap" doc:"it recovers slower than required"`
}

// RequiredRecovery rolls recovery targets from processes down to what they
// depend on; resources only unless processes is set.
func (s *Service) RequiredRecovery(ctx context.Context, processes bool) ([]Requirement, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	var out []Requirement
	for _, r := range sn.requirements().All {
		if r.Node.Kind == string(graph.KindProcess) && !processes {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// SPOF is a single point of failure: a resource whose loss alone takes down
// important processes.
type SPOF struct {
	Resource  Node   `json:"resource"`
	Processes []Node `json:"processes"`
}

// SinglePointsOfFailure lists the resources whose loss alone makes an
// important process unavailable.
func (s *Service) SinglePointsOfFailure(ctx context.Context) ([]SPOF, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(sn.spofs()), nil
}

// Cycle is a set of nodes that depend on each other.
type Cycle struct {
	Nodes []Node `json:"nodes"`
}

// Cycles lists the dependency cycles.
func (s *Service) Cycles(ctx context.Context) ([]Cycle, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(sn.cycles()), nil
}

// RecoveryStep is one step of a recovery order.
type RecoveryStep struct {
	Step  int    `json:"step"`
	Nodes []Node `json:"nodes"`
	Cycle bool   `json:"cycle" doc:"the nodes depend on each other and must be recovered together"`
}

// RecoveryOrder orders lost nodes so that each comes after what it depends
// on.
func (s *Service) RecoveryOrder(ctx context.Context, refs []string) ([]RecoveryStep, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	ids, err := sn.resolve("failed", refs)
	if err != nil {
		return nil, err
	}
	steps, err := sn.g.RecoveryOrder(ids...)
	if err != nil {
		return nil, unknown("failed", err)
	}
	out := make([]RecoveryStep, len(steps))
	for i, st := range steps {
		out[i] = RecoveryStep{Step: i + 1, Nodes: sn.list(st.Nodes), Cycle: st.Cycle}
	}
	return out, nil
}
