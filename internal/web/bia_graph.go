package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/continuo-bcm/continuo/internal/bia"
)

// biaGraphNode is a node as the graph chart draws it.
type biaGraphNode struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Category  int    `json:"category"`
	Important bool   `json:"important,omitempty"`
	Detail    string `json:"detail"` // RTO or recovery time, for the tooltip
}

// biaGraphLink is a dependency as the chart draws it.
type biaGraphLink struct {
	Source      string `json:"source"`
	Target      string `json:"target"`
	Alternative bool   `json:"alternative,omitempty"` // the link to an alternative
	Type        string `json:"type"`
}

// biaGraphData is read by bia.js.
type biaGraphData struct {
	Categories []string       `json:"categories"`
	Nodes      []biaGraphNode `json:"nodes"`
	Links      []biaGraphLink `json:"links"`
	Picked     string         `json:"picked"`
}

// biaImpactView is what the loss of one node takes down, as the impact
// panel shows it.
type biaImpactView struct {
	Report   bia.ImpactReport
	Failed   bia.Node
	Rows     []biaAffectedRow
	Order    []bia.RecoveryStep
	Affected []string // the references of the nodes taken down, the lost one first, at most biaGraphMaxNodes
	// MoreRows is the number of processes taken down beyond those listed;
	// NoOrder says the loss is too large to list a recovery order here.
	MoreRows int
	NoOrder  bool
}

// AffectedRefs lists the references taken down, space-separated, for the
// chart to highlight.
func (v *biaImpactView) AffectedRefs() string { return strings.Join(v.Affected, " ") }

// biaAffectedRow is one process taken down.
type biaAffectedRow struct {
	bia.Affected
	Path []bia.Node
}

// biaGraphPage is the dependency graph with, when a node is picked, what
// its loss takes down.
type biaGraphPage struct {
	Page
	Data    biaGraphData
	Picker  biaPicker
	Picked  string
	Impact  *biaImpactView
	Missing bool   // the picked node is not in the graph
	PickErr string // the search text names no node, or several
	// Partial: the inventory is too large to draw whole; the chart shows
	// the important processes and what they depend on, or the picked node
	// and what its loss takes down.
	Partial bool
	Total   int // processes and resources in the inventory
	Drawn   int // nodes on the chart
	// DrawnImportant is the number of important processes on the chart.
	DrawnImportant int
}

// biaGraphMaxNodes is the most nodes the chart draws; beyond it a browser
// spends seconds on the layout and the picture says nothing.
const biaGraphMaxNodes = 1500

// biaImpactMaxRows is the most processes the impact panel lists.
const biaImpactMaxRows = 200

// The chart of a large inventory starts with at most biaStartProcesses
// important processes and what they depend on, biaStartNodes in all: a
// picture that can still be read.
const (
	biaStartProcesses = 50
	biaStartNodes     = 400
)

// showBIAGraph shows the dependency graph; ?node= picks the node whose
// loss is analysed (?node_q= names it by code, without JavaScript).
func (h *handler) showBIAGraph(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := biaGraphPage{Page: h.base(w, r, "bia.graph"), Picked: strings.TrimSpace(q.Get("node"))}
	search := strings.TrimSpace(q.Get("node_q"))
	picked, key, err := resolveBIANode(ctx, h.d.BIA, p.Picked, search, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Picked = picked
	if key != "" {
		p.PickErr = p.Tr.T(key, search)
	}
	kinds := append([]string{"process"}, func() []string {
		var ks []string
		for _, k := range bia.ResourceKinds {
			ks = append(ks, string(k))
		}
		return ks
	}()...)
	for _, k := range kinds {
		p.Data.Categories = append(p.Data.Categories, p.BIAKind(k))
	}
	if p.Picked != "" {
		found, err := h.d.BIA.Nodes(ctx, p.Picked)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if _, ok := found[p.Picked]; !ok {
			p.Missing, p.Picked = true, ""
		} else {
			if p.Impact, err = h.biaImpact(ctx, p.Picked); err != nil {
				h.fail(w, r, err)
				return
			}
			p.Data.Picked = p.Picked
		}
	}
	p.Picker = biaPicker{P: p.Page, Name: "node", ID: "bia-node", Label: p.Tr.T("bia.pick_node"), Blank: "bia.pick_node",
		Search: search, Selected: p.Picked}
	if err := p.Picker.fill(ctx, h.d.BIA); err != nil {
		h.fail(w, r, err)
		return
	}
	if p.Total, err = h.d.BIA.NodeCount(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	var view bia.GraphView
	if p.Total <= biaGraphMaxNodes {
		view, err = h.d.BIA.Graph(ctx)
	} else {
		p.Partial = true
		var refs []string
		if p.Impact != nil {
			refs = p.Impact.Affected // already at most biaGraphMaxNodes
		} else {
			refs, err = h.biaGraphStart(ctx)
		}
		if err == nil {
			view, err = h.d.BIA.Subgraph(ctx, refs)
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Drawn = len(view.Nodes)
	for _, n := range view.Nodes {
		if n.Important {
			p.DrawnImportant++
		}
	}
	drawn := make(map[string]bool, len(view.Nodes))
	for _, n := range view.Nodes {
		drawn[n.Ref] = true
		gn := biaGraphNode{ID: n.Ref, Name: p.NodeName(n), Kind: n.Kind, Category: slices.Index(kinds, n.Kind), Important: n.Important}
		if n.Kind == "process" {
			gn.Detail = "RTO " + p.BIAMinutes(n.RTOMinutes)
		} else {
			gn.Detail = p.Tr.T("bia.recovery_time") + " " + p.BIAMinutes(n.RecoveryMinutes)
		}
		p.Data.Nodes = append(p.Data.Nodes, gn)
	}
	for _, e := range view.Edges {
		p.Data.Links = append(p.Data.Links, biaGraphLink{Source: e.From, Target: e.To, Type: p.BIADepType(e.Type)})
		if e.Alternative != "" && drawn[e.Alternative] {
			p.Data.Links = append(p.Data.Links, biaGraphLink{Source: e.From, Target: e.Alternative, Alternative: true, Type: p.Tr.T("bia.alternative")})
		}
	}
	p.Scripts = []string{"echarts.min.js", "bia.js"}
	h.render(w, r, http.StatusOK, "bia_graph", p)
}

// biaGraphStart is what the chart shows of a large inventory before a node
// is picked: the important processes and what they depend on directly.
func (h *handler) biaGraphStart(ctx context.Context) ([]string, error) {
	procs, err := h.d.BIA.FindNodes(ctx, bia.NodeQuery{Family: "process", Limit: biaStartProcesses})
	if err != nil {
		return nil, err
	}
	var refs []string
	in := map[string]bool{}
	for _, n := range procs {
		if n.Important {
			refs, in[n.Ref] = append(refs, n.Ref), true
		}
	}
	deps, err := h.d.BIA.DependenciesOf(ctx, refs)
	if err != nil {
		return nil, err
	}
	for _, d := range deps {
		if len(refs) >= biaStartNodes {
			break
		}
		if !in[d] {
			refs, in[d] = append(refs, d), true
		}
	}
	return refs, nil
}

// showBIAImpact answers the graph's pick: the impact panel of one node,
// for htmx to swap in.
func (h *handler) showBIAImpact(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := biaGraphPage{Page: h.base(w, r, "bia.graph"), Picked: strings.TrimSpace(r.URL.Query().Get("node"))}
	var err error
	if p.Impact, err = h.biaImpact(ctx, p.Picked); err != nil {
		h.fail(w, r, localizeBIA(p.Tr, err))
		return
	}
	if !isPartial(r) {
		http.Redirect(w, r, "/bia/graph?node="+p.Picked, http.StatusSeeOther)
		return
	}
	h.renderPartial(w, r, http.StatusOK, "bia_graph", "bia_impact", p)
}

func (h *handler) biaImpact(ctx context.Context, ref string) (*biaImpactView, error) {
	rep, err := h.d.BIA.Impact(ctx, []string{ref}, true)
	if err != nil {
		return nil, err
	}
	v := &biaImpactView{Report: rep}
	if len(rep.Failed) > 0 {
		v.Failed = rep.Failed[0]
	}
	// The chart highlights, and the panel lists, the first of what goes
	// down (in the order it goes down): a loss in a large inventory can
	// take down tens of thousands of nodes.
	for _, a := range rep.Affected[:min(len(rep.Affected), biaGraphMaxNodes)] {
		v.Affected = append(v.Affected, a.Ref)
	}
	names := map[string]bia.Node{} // the nodes on the listed chains
	for _, a := range rep.Affected {
		if a.Failed || a.Kind != "process" {
			continue
		}
		if len(v.Rows) == biaImpactMaxRows {
			v.MoreRows++
			continue
		}
		for _, ref := range a.Path {
			names[ref] = bia.Node{}
		}
		v.Rows = append(v.Rows, biaAffectedRow{Affected: a})
	}
	for _, a := range rep.Affected {
		if _, ok := names[a.Ref]; ok {
			names[a.Ref] = a.Node
		}
	}
	for i := range v.Rows {
		for _, ref := range v.Rows[i].Affected.Path {
			v.Rows[i].Path = append(v.Rows[i].Path, refNode(names, ref))
		}
	}
	// The order to bring back everything that went down, each after what
	// it depends on; for a large loss the BIA report and the API give it.
	if len(rep.Affected) > biaGraphMaxNodes {
		v.NoOrder = true
		return v, nil
	}
	if v.Order, err = h.d.BIA.RecoveryOrder(ctx, v.Affected); err != nil {
		return nil, err
	}
	return v, nil
}
