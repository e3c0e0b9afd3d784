package graph_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/bia/graph"
)

const h = time.Hour

func proc(id string, rto, mtpd time.Duration, important bool, thr ...graph.Threshold) graph.Node {
	return graph.Node{ID: graph.ID(id), Kind: graph.KindProcess, RTO: rto, MTPD: mtpd, Important: important, Thresholds: thr}
}

func res(id string, kind graph.Kind, rec time.Duration) graph.Node {
	return graph.Node{ID: graph.ID(id), Kind: kind, Recovery: rec}
}

func dep(from, to string) graph.Edge {
	return graph.Edge{From: graph.ID(from), To: graph.ID(to), Type: "uses"}
}

func depAlt(from, to, alt string) graph.Edge {
	return graph.Edge{From: graph.ID(from), To: graph.ID(to), Alt: graph.ID(alt), Type: "uses"}
}

func build(t *testing.T, nodes []graph.Node, edges []graph.Edge) *graph.Graph {
	t.Helper()
	g, err := graph.Build(nodes, edges)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func ids(s ...string) []graph.ID {
	out := make([]graph.ID, len(s))
	for i, x := range s {
		out[i] = graph.ID(x)
	}
	return out
}

func affectedIDs(im *graph.Impact) map[graph.ID]graph.Affected {
	m := map[graph.ID]graph.Affected{}
	for _, a := range im.Affected {
		m[a.ID] = a
	}
	return m
}

func impact(t *testing.T, g *graph.Graph, failed ...string) (*graph.Impact, map[graph.ID]graph.Affected) {
	t.Helper()
	im, err := g.Impact(ids(failed...)...)
	if err != nil {
		t.Fatal(err)
	}
	return im, affectedIDs(im)
}

func sameSet(t *testing.T, what string, got map[graph.ID]graph.Affected, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d affected %v, want %v", what, len(got), keys(got), want)
		return
	}
	for _, w := range want {
		if _, ok := got[graph.ID(w)]; !ok {
			t.Errorf("%s: %s not affected; got %v", what, w, keys(got))
		}
	}
}

func keys(m map[graph.ID]graph.Affected) []graph.ID {
	var out []graph.ID
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestChain(t *testing.T) {
	g := build(t, []graph.Node{
		proc("P", 4*h, 8*h, true, graph.Threshold{After: h, Level: 1}, graph.Threshold{After: 24 * h, Level: 3, Label: "critical"}, graph.Threshold{After: 4 * h, Level: 2}),
		res("A", graph.KindApplication, 2*h),
		res("S", graph.KindEquipment, 8*h),
	}, []graph.Edge{dep("P", "A"), {From: "A", To: "S", Type: "hosted_on"}})

	im, got := impact(t, g, "S")
	sameSet(t, "loss of S", got, "S", "A", "P")
	p := got["P"]
	if p.Failed || !got["S"].Failed || p.Depth != 2 || p.Via != "A" || p.ViaType != "uses" || got["A"].ViaType != "hosted_on" {
		t.Errorf("P = %+v, S = %+v, A = %+v", p, got["S"], got["A"])
	}
	if !p.OutageKnown || p.Outage != 8*h || !p.RTOBreached || p.MTPDBreached {
		t.Errorf("P outage %v known %v, RTO breached %v, MTPD breached %v", p.Outage, p.OutageKnown, p.RTOBreached, p.MTPDBreached)
	}
	wantCrossed := []graph.Crossing{{At: h, Level: 1}, {At: 4 * h, Level: 2}}
	if !reflect.DeepEqual(p.Crossed, wantCrossed) {
		t.Errorf("crossed %+v, want %+v", p.Crossed, wantCrossed)
	}
	if path := im.Path("P"); !reflect.DeepEqual(path, ids("P", "A", "S")) {
		t.Errorf("path %v", path)
	}
	if im.Path("nope") != nil {
		t.Error("path of an unaffected node")
	}

	_, got = impact(t, g, "A")
	sameSet(t, "loss of A", got, "A", "P")
	if got["P"].Outage != 2*h || got["P"].RTOBreached {
		t.Errorf("P after loss of A: %+v", got["P"])
	}
	_, got = impact(t, g, "P")
	sameSet(t, "loss of P", got, "P")

	inf := g.Feasibility()
	want := []graph.Infeasible{{Process: "P", RTO: 4 * h, Recovery: 8 * h, Bottleneck: "S", Chain: ids("P", "A", "S")}}
	if !reflect.DeepEqual(inf, want) {
		t.Errorf("feasibility %+v, want %+v", inf, want)
	}
	req := g.RequiredRecovery()
	wantReq := []graph.Requirement{
		{Node: "P", Kind: graph.KindProcess, Required: 4 * h, By: "P", Recovery: 4 * h},
		{Node: "A", Kind: graph.KindApplication, Required: 4 * h, By: "P", Recovery: 2 * h},
		{Node: "S", Kind: graph.KindEquipment, Required: 4 * h, By: "P", Recovery: 8 * h, Gap: true},
	}
	if !reflect.DeepEqual(req, wantReq) {
		t.Errorf("required %+v, want %+v", req, wantReq)
	}
	spof := g.SinglePointsOfFailure()
	if len(spof) != 2 || spof[0].Resource != "A" || spof[1].Resource != "S" || !reflect.DeepEqual(spof[1].Processes, ids("P")) {
		t.Errorf("spof %+v", spof)
	}
	if c := g.Cycles(); len(c) != 0 {
		t.Errorf("cycles %v", c)
	}
	order, err := g.RecoveryOrder("P", "A", "S")
	if err != nil {
		t.Fatal(err)
	}
	wantOrder := []graph.RecoveryStep{{Nodes: ids("S")}, {Nodes: ids("A")}, {Nodes: ids("P")}}
	if !reflect.DeepEqual(order, wantOrder) {
		t.Errorf("order %+v", order)
	}
}

func TestDiamond(t *testing.T) {
	g := build(t, []graph.Node{
		proc("P", 4*h, 0, false),
		res("A", graph.KindApplication, h),
		res("B", graph.KindApplication, 3*h),
		res("D", graph.KindData, 2*h),
	}, []graph.Edge{dep("P", "A"), dep("P", "B"), dep("A", "D"), dep("B", "D")})
	_, got := impact(t, g, "D")
	sameSet(t, "loss of D", got, "D", "A", "B", "P")
	if got["P"].Depth != 2 || got["P"].Outage != 2*h || got["P"].RTOBreached {
		t.Errorf("P %+v", got["P"])
	}
	_, got = impact(t, g, "A")
	sameSet(t, "loss of A", got, "A", "P")
	// Two failures: P is down until the later of the two is back.
	_, got = impact(t, g, "A", "B")
	if got["P"].Outage != 3*h {
		t.Errorf("P outage %v, want 3h", got["P"].Outage)
	}
	if inf := g.Feasibility(); len(inf) != 0 {
		t.Errorf("feasible diamond flagged: %+v", inf)
	}
	// No important process, no single point of failure.
	if s := g.SinglePointsOfFailure(); s != nil {
		t.Errorf("spof %+v", s)
	}
	order, _ := g.RecoveryOrder("A", "D", "B")
	if len(order) != 3 || order[0].Nodes[0] != "D" {
		t.Errorf("order %+v", order)
	}
}

func TestAlternatives(t *testing.T) {
	nodes := []graph.Node{
		proc("P", 4*h, 24*h, true),
		res("S1", graph.KindSupplier, 6*h),
		res("S2", graph.KindSupplier, 2*h),
		res("X", graph.KindSite, 48*h),
		res("Y", graph.KindSite, 48*h),
	}
	g := build(t, nodes, []graph.Edge{depAlt("P", "S1", "S2"), dep("S1", "X"), dep("S2", "Y")})
	_, got := impact(t, g, "S1")
	sameSet(t, "primary lost, alternative up", got, "S1")
	_, got = impact(t, g, "S2")
	sameSet(t, "alternative lost, primary up", got, "S2")
	_, got = impact(t, g, "S1", "S2")
	sameSet(t, "both lost", got, "S1", "S2", "P")
	p := got["P"]
	if !p.ViaAlternative || p.Outage != 2*h || p.RTOBreached {
		t.Errorf("P %+v: want down through the alternative for 2h (the quicker of the two)", p)
	}
	_, got = impact(t, g, "S1", "Y")
	sameSet(t, "primary lost, alternative's site lost", got, "S1", "Y", "S2", "P")
	if got["P"].Outage != 6*h || !got["P"].RTOBreached {
		t.Errorf("P %+v", got["P"])
	}
	if inf := g.Feasibility(); len(inf) != 0 {
		t.Errorf("a dependency with alternative is not followed by feasibility: %+v", inf)
	}
	if s := g.SinglePointsOfFailure(); s != nil {
		t.Errorf("separate sites: no spof, got %+v", s)
	}

	// Both suppliers at one site: the site is a single point of failure.
	g = build(t, nodes, []graph.Edge{depAlt("P", "S1", "S2"), dep("S1", "X"), dep("S2", "X")})
	s := g.SinglePointsOfFailure()
	want := []graph.SPOF{{Resource: "X", Kind: graph.KindSite, Processes: ids("P")}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("shared site: spof %+v, want %+v", s, want)
	}
	_, got = impact(t, g, "X")
	sameSet(t, "shared site lost", got, "X", "S1", "S2", "P")
	if got["P"].Outage != 48*h || !got["P"].MTPDBreached {
		t.Errorf("P %+v", got["P"])
	}
}

func TestCycles(t *testing.T) {
	g := build(t, []graph.Node{
		proc("P", 4*h, 0, true),
		res("A", graph.KindApplication, 8*h),
		res("B", graph.KindApplication, 0),
		res("C", graph.KindData, 2*h),
		res("L", graph.KindEquipment, h),
	}, []graph.Edge{dep("P", "A"), dep("A", "B"), dep("B", "A"), dep("A", "C"), dep("L", "L")})

	_, got := impact(t, g, "C")
	sameSet(t, "loss below the cycle", got, "C", "A", "B", "P")
	_, got = impact(t, g, "L")
	sameSet(t, "self loop", got, "L")

	if c := g.Cycles(); !reflect.DeepEqual(c, [][]graph.ID{ids("A", "B"), ids("L")}) {
		t.Errorf("cycles %v", c)
	}
	order, err := g.RecoveryOrder("A", "B", "C", "P")
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.RecoveryStep{{Nodes: ids("C")}, {Nodes: ids("A", "B"), Cycle: true}, {Nodes: ids("P")}}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("order %+v, want %+v", order, want)
	}
	inf := g.Feasibility()
	if len(inf) != 1 || inf[0].Bottleneck != "A" || inf[0].Recovery != 8*h || !reflect.DeepEqual(inf[0].Chain, ids("P", "A")) {
		t.Errorf("feasibility %+v", inf)
	}
	// B has no recovery time of its own, but it is in a cycle with A.
	_, got = impact(t, g, "B")
	if p := got["P"]; p.OutageKnown || !p.RTOBreached {
		t.Errorf("B has no stated recovery time: P %+v", p)
	}
}

func TestLongCycleIsIterative(t *testing.T) {
	const n = 200_000
	nodes := make([]graph.Node, n)
	edges := make([]graph.Edge, n)
	for i := range n {
		nodes[i] = res(fmt.Sprint(i), graph.KindApplication, time.Duration(i)*time.Second)
		edges[i] = dep(fmt.Sprint(i), fmt.Sprint((i+1)%n))
	}
	g := build(t, nodes, edges)
	c := g.Cycles()
	if len(c) != 1 || len(c[0]) != n {
		t.Fatalf("want one cycle of %d nodes, got %d cycles", n, len(c))
	}
	im, _ := impact(t, g, "5")
	if len(im.Affected) != n {
		t.Errorf("affected %d", len(im.Affected))
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name  string
		nodes []graph.Node
		edges []graph.Edge
		want  string
	}{
		{"unknown target", []graph.Node{proc("P", h, 0, false)}, []graph.Edge{dep("P", "Q")}, `unknown node "Q"`},
		{"unknown alternative", []graph.Node{proc("P", h, 0, false), res("A", graph.KindSite, 0)}, []graph.Edge{depAlt("P", "A", "Z")}, `unknown node "Z"`},
		{"alternative is the target", []graph.Node{proc("P", h, 0, false), res("A", graph.KindSite, 0)}, []graph.Edge{depAlt("P", "A", "A")}, "alternative is the dependency itself"},
		{"duplicate", []graph.Node{proc("P", h, 0, false), res("P", graph.KindSite, 0)}, nil, `"P" given twice`},
		{"rto over mtpd", []graph.Node{proc("P", 8*h, 4*h, false)}, nil, "RTO 8h0m0s is greater than MTPD 4h0m0s"},
		{"empty id", []graph.Node{{Kind: graph.KindSite}}, nil, "empty id"},
		{"no kind", []graph.Node{{ID: "x"}}, nil, "empty kind"},
		{"negative", []graph.Node{res("x", graph.KindSite, -h)}, nil, "negative"},
	}
	for _, c := range cases {
		_, err := graph.Build(c.nodes, c.edges)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to say %q", c.name, err, c.want)
		}
	}
	g := build(t, []graph.Node{proc("P", h, 0, false)}, nil)
	var u *graph.UnknownError
	if _, err := g.Impact("Q"); !errors.As(err, &u) || u.ID != "Q" {
		t.Errorf("impact of unknown: %v", err)
	}
	if _, err := g.RecoveryOrder("P", "Q"); !errors.As(err, &u) {
		t.Errorf("recovery order of unknown: %v", err)
	}
}
