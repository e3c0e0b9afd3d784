package bia

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/continuo-bcm/continuo/internal/bia/graph"
)

// analysisCache holds the whole-graph analyses of one snapshot. Each is
// computed by the first caller that needs it, while concurrent callers
// wait for that result, and then shared until a refresh publishes a new
// snapshot: the cache lives and dies with its revision of the graph.
type analysisCache struct {
	feasOnce sync.Once
	feas     *FeasibilityReport

	reqOnce sync.Once
	req     *RequirementReport

	spofOnce  sync.Once
	spof      []SPOF
	spofStart sync.Once   // starts the computation in the background
	spofReady atomic.Bool // spof is computed

	cycleOnce sync.Once
	cycles    []Cycle

	searchOnce sync.Once
	search     []string // by position: lower-case code, names and reference
}

// FeasibilityReport is the whole-graph RTO feasibility at one revision.
// It is shared by every caller at that revision: read it, never change it.
type FeasibilityReport struct {
	Revision int64
	// Gaps are the RTO gaps, at most one per process, in graph order.
	Gaps  []Gap
	first map[int64]int // process id → index of its gap
}

// GapOf returns the RTO gap of a process, nil when its RTO can be met
// (or it has none).
func (r *FeasibilityReport) GapOf(processID int64) *Gap {
	if i, ok := r.first[processID]; ok {
		return &r.Gaps[i]
	}
	return nil
}

// Processes is the number of processes with an RTO gap.
func (r *FeasibilityReport) Processes() int { return len(r.first) }

// RequirementReport is the roll-up of recovery targets at one revision,
// processes and resources. It is shared: read it, never change it.
type RequirementReport struct {
	Revision int64
	All      []Requirement // processes and resources
	byRef    map[string]int
}

// For returns the requirement on a node (p12, r7), nil when nothing
// needs it with an RTO.
func (r *RequirementReport) For(ref string) *Requirement {
	if i, ok := r.byRef[ref]; ok {
		return &r.All[i]
	}
	return nil
}

// TooSlow lists the resources that recover more slowly than required.
func (r *RequirementReport) TooSlow() []Requirement {
	var out []Requirement
	for _, q := range r.All {
		if q.Gap && q.Node.Kind != string(graph.KindProcess) {
			out = append(out, q)
		}
	}
	return out
}

func (sn *snapshot) feasibility() *FeasibilityReport {
	sn.cache.feasOnce.Do(func() {
		fs := sn.g.Feasibility()
		rep := &FeasibilityReport{Revision: sn.rev, first: make(map[int64]int)}
		if len(fs) > 0 {
			rep.Gaps = make([]Gap, 0, len(fs))
		}
		for _, f := range fs {
			g := Gap{Process: sn.node(f.Process), RTOMinutes: minutes(f.RTO), RecoveryMinutes: minutes(f.Recovery),
				Bottleneck: sn.node(f.Bottleneck), Chain: sn.list(f.Chain)}
			if _, seen := rep.first[g.Process.ID]; !seen {
				rep.first[g.Process.ID] = len(rep.Gaps)
			}
			rep.Gaps = append(rep.Gaps, g)
		}
		sn.cache.feas = rep
	})
	return sn.cache.feas
}

func (sn *snapshot) requirements() *RequirementReport {
	sn.cache.reqOnce.Do(func() {
		rs := sn.g.RequiredRecovery()
		rep := &RequirementReport{Revision: sn.rev, All: make([]Requirement, 0, len(rs)), byRef: make(map[string]int, len(rs))}
		for _, r := range rs {
			rep.byRef[string(r.Node)] = len(rep.All)
			rep.All = append(rep.All, Requirement{Node: sn.node(r.Node), RequiredMinutes: minutes(r.Required), By: sn.node(r.By),
				RecoveryMinutes: optMinutes(r.Recovery), Gap: r.Gap})
		}
		sn.cache.req = rep
	})
	return sn.cache.req
}

func (sn *snapshot) spofs() []SPOF {
	sn.cache.spofOnce.Do(func() {
		for _, x := range sn.g.SinglePointsOfFailure() {
			sn.cache.spof = append(sn.cache.spof, SPOF{Resource: sn.node(x.Resource), Processes: sn.list(x.Processes)})
		}
		sn.cache.spofReady.Store(true)
	})
	return sn.cache.spof
}

// SPOFSyncNodes is the largest graph whose single points of failure
// SinglePointsOfFailureIfReady computes while the caller waits. The
// analysis and its result grow with the square of the inventory: on
// 20,000 nodes it takes most of a second, on 100,000 half a minute.
const SPOFSyncNodes = 5000

// SinglePointsOfFailureIfReady returns the single points of failure when
// they are computed for the current revision of the graph. On a graph
// larger than SPOFSyncNodes it does not wait: the first call starts the
// computation in the background (one at a time per service, skipped when
// the graph changed meanwhile) and reports ready false until it is done.
func (s *Service) SinglePointsOfFailureIfReady(ctx context.Context) (spofs []SPOF, ready bool, err error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, false, err
	}
	if sn.cache.spofReady.Load() || len(sn.nodes) <= SPOFSyncNodes {
		return slices.Clone(sn.spofs()), true, nil
	}
	sn.cache.spofStart.Do(func() {
		go func() {
			s.spofRun.Lock()
			defer s.spofRun.Unlock()
			if s.snap.Load() == sn {
				sn.spofs()
			}
		}()
	})
	return nil, false, nil
}

func (sn *snapshot) cycles() []Cycle {
	sn.cache.cycleOnce.Do(func() {
		for _, c := range sn.g.Cycles() {
			sn.cache.cycles = append(sn.cache.cycles, Cycle{Nodes: sn.list(c)})
		}
	})
	return sn.cache.cycles
}

// FeasibilityReport returns the RTO feasibility of the whole graph,
// computed once per revision of the graph and shared by every caller.
func (s *Service) FeasibilityReport(ctx context.Context) (*FeasibilityReport, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return sn.feasibility(), nil
}

// RequirementReport returns the roll-up of recovery targets of the whole
// graph, computed once per revision and shared by every caller.
func (s *Service) RequirementReport(ctx context.Context) (*RequirementReport, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return sn.requirements(), nil
}

// ---- finding nodes ----

// NodeQuery finds processes and resources for a picker.
type NodeQuery struct {
	// Query matches the code, the names (either language) or the
	// reference (p12, r7), ignoring case; empty lists the important
	// processes first.
	Query string
	// Family limits the matches: "process", "resource" or "" for both.
	Family string
	// Limit is the most matches returned: 1..MaxNodeMatches, 0 meaning
	// MaxNodeMatches.
	Limit int
}

// MaxNodeMatches bounds the answer of FindNodes.
const MaxNodeMatches = 100

func (sn *snapshot) searchKeys() []string {
	sn.cache.searchOnce.Do(func() {
		keys := make([]string, len(sn.nodes))
		for i, n := range sn.nodes {
			keys[i] = strings.ToLower(n.Code + "\x00" + n.Name + "\x00" + n.NameEn + "\x00" + n.Ref)
		}
		sn.cache.search = keys
	})
	return sn.cache.search
}

// FindNodes returns the processes and resources matching a query, best
// first: a code or reference equal to the query, then codes starting with
// it, then the other matches; important processes first within each, then
// processes before resources, each by id. It looks at the graph in memory,
// at the store's current revision.
func (s *Service) FindNodes(ctx context.Context, q NodeQuery) ([]Node, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > MaxNodeMatches {
		q.Limit = MaxNodeMatches
	}
	want := strings.ToLower(strings.TrimSpace(q.Query))
	keys := sn.searchKeys()
	// Matches go into buckets by rank, each kept in graph order and cut at
	// the limit: the first Limit of the buckets in order are the answer.
	var buckets [8][]int
	for i, n := range sn.nodes {
		proc := n.Kind == string(graph.KindProcess)
		if (q.Family == "process" && !proc) || (q.Family == "resource" && proc) {
			continue
		}
		rank := 0
		switch {
		case want == "":
			rank = 3
		case !strings.Contains(keys[i], want):
			continue
		case strings.ToLower(n.Code) == want || n.Ref == want:
			rank = 0
		case strings.HasPrefix(keys[i], want):
			rank = 1
		default:
			rank = 2
		}
		rank *= 2
		if !n.Important {
			rank++
		}
		if len(buckets[rank]) < q.Limit {
			buckets[rank] = append(buckets[rank], i)
		}
	}
	var found []int
	for _, b := range buckets {
		found = append(found, b[:min(len(b), q.Limit-len(found))]...)
	}
	out := make([]Node, len(found))
	for i, pos := range found {
		out[i] = *sn.nodes[pos]
	}
	return out, nil
}

// Nodes returns the named processes and resources (p12, r7) that exist,
// by reference.
func (s *Service) Nodes(ctx context.Context, refs ...string) (map[string]Node, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Node, len(refs))
	for _, r := range refs {
		if i, ok := sn.g.Index(graph.ID(r)); ok {
			out[r] = *sn.nodes[i]
		}
	}
	return out, nil
}

// NodeCount is the number of processes and resources in the graph.
func (s *Service) NodeCount(ctx context.Context) (int, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return 0, err
	}
	return len(sn.nodes), nil
}

// Subgraph returns the named nodes that exist, in the order given, and the
// dependencies among them, by id.
func (s *Service) Subgraph(ctx context.Context, refs []string) (GraphView, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return GraphView{}, err
	}
	v := GraphView{Revision: sn.rev, Nodes: []Node{}, Edges: []GraphEdge{}}
	in := make(map[string]bool, len(refs))
	var pos []int
	for _, r := range refs {
		if i, ok := sn.g.Index(graph.ID(r)); ok && !in[r] {
			in[r] = true
			pos = append(pos, i)
			v.Nodes = append(v.Nodes, *sn.nodes[i])
		}
	}
	for _, i := range pos {
		for _, e := range sn.out[i] {
			if in[e.To] {
				v.Edges = append(v.Edges, e)
			}
		}
	}
	slices.SortFunc(v.Edges, func(a, b GraphEdge) int { return cmp.Compare(a.ID, b.ID) })
	return v, nil
}

// DependenciesOf returns the references of what the named nodes depend on
// directly (alternatives included), each once, in the order found.
func (s *Service) DependenciesOf(ctx context.Context, refs []string) ([]string, error) {
	sn, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	add := func(r string) {
		if r != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, r := range refs {
		if i, ok := sn.g.Index(graph.ID(r)); ok {
			for _, e := range sn.out[i] {
				add(e.To)
				add(e.Alternative)
			}
		}
	}
	return out, nil
}
