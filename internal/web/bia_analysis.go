package web

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/continuo-bcm/continuo/internal/bia"
)

// biaAnalysisMax is the most rows each section of the analysis page
// lists, and biaAnalysisNames the most names in one cell: a large
// inventory has thousands of gaps, and the BIA report and the API list
// them all.
const (
	biaAnalysisMax   = 100
	biaAnalysisNames = 12
)

// biaSPOFRow is a single point of failure with the first of the important
// processes it takes down.
type biaSPOFRow struct {
	bia.SPOF
	Shown []bia.Node
	More  int
}

// biaCycleRow is a cycle with its first nodes.
type biaCycleRow struct {
	Shown []bia.Node
	More  int
}

// biaAnalysisPage shows what the dependency graph says about the whole
// inventory: RTO gaps with their chains, resources too slow for the
// processes that need them, single points of failure and cycles; the
// first biaAnalysisMax of each, the important processes and the widest
// single points of failure first, with the counts of all.
type biaAnalysisPage struct {
	Page
	Gaps     []bia.Gap
	TooSlow  []bia.Requirement
	SPOFs    []biaSPOFRow
	Cycles   []biaCycleRow
	Revision int64

	GapCount, TooSlowCount, SPOFCount, CycleCount int
	Max                                           int
	// SPOFPending: the single points of failure of this revision are
	// still being computed.
	SPOFPending bool
}

// showBIAAnalysis shows the RTO feasibility gaps and the single points of
// failure.
func (h *handler) showBIAAnalysis(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := biaAnalysisPage{Page: h.base(w, r, "bia.analysis"), Max: biaAnalysisMax}
	// Each analysis is computed once per revision of the graph and shared
	// with the process list and every other request: only what is shown
	// is copied.
	feas, err := h.d.BIA.FeasibilityReport(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Revision, p.GapCount = feas.Revision, len(feas.Gaps)
	for _, important := range []bool{true, false} {
		for _, g := range feas.Gaps {
			if len(p.Gaps) == biaAnalysisMax {
				break
			}
			if g.Process.Important == important {
				p.Gaps = append(p.Gaps, g)
			}
		}
	}
	reqs, err := h.d.BIA.RequirementReport(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	slow := reqs.TooSlow()
	p.TooSlowCount, p.TooSlow = len(slow), slow[:min(len(slow), biaAnalysisMax)]

	// On a large inventory the single points of failure take minutes to
	// compute: the page does not wait for them.
	spofs, ready, err := h.d.BIA.SinglePointsOfFailureIfReady(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.SPOFPending = !ready
	p.SPOFCount = len(spofs)
	slices.SortStableFunc(spofs, func(a, b bia.SPOF) int { return cmp.Compare(len(b.Processes), len(a.Processes)) })
	for _, s := range spofs[:min(len(spofs), biaAnalysisMax)] {
		n := min(len(s.Processes), biaAnalysisNames)
		p.SPOFs = append(p.SPOFs, biaSPOFRow{SPOF: s, Shown: s.Processes[:n], More: len(s.Processes) - n})
	}
	cycles, err := h.d.BIA.Cycles(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.CycleCount = len(cycles)
	for _, c := range cycles[:min(len(cycles), biaAnalysisMax)] {
		n := min(len(c.Nodes), biaAnalysisNames)
		p.Cycles = append(p.Cycles, biaCycleRow{Shown: c.Nodes[:n], More: len(c.Nodes) - n})
	}
	h.render(w, r, http.StatusOK, "bia_analysis", p)
}
