package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/bia"
)

// biaProcessRow is one line of the process list.
type biaProcessRow struct {
	bia.Process
	Name      string
	UnitName  string
	OwnerName string
	// Gap is the RTO gap of the process, nil when its RTO can be met.
	Gap *bia.Gap
}

// biaListPage is the process list with its filters.
type biaListPage struct {
	Page
	Query     string
	UnitID    string
	OwnerID   string
	Important bool
	Units     []option
	Owners    []option

	Processes []biaProcessRow
	Gaps      int // processes with an RTO gap, in the whole inventory
	Total     int
	PageNo    int
	Pages     int
	PrevURL   string
	NextURL   string
}

// Filtered reports whether any filter is set.
func (p biaListPage) Filtered() bool {
	return p.Query != "" || p.UnitID != "" || p.OwnerID != "" || p.Important
}

func (p biaListPage) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": p.Query, "unit": p.UnitID, "owner": p.OwnerID} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if p.Important {
		v.Set("important", "1")
	}
	return v
}

// listBIAProcesses shows the business processes with their recovery
// objectives and whether their RTO can be met, with live filters.
func (h *handler) listBIAProcesses(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := biaListPage{Page: h.base(w, r, "bia.processes"), Query: strings.TrimSpace(q.Get("q")),
		UnitID: q.Get("unit"), OwnerID: q.Get("owner"), Important: q.Get("important") != ""}
	p.PageNo, _ = strconv.Atoi(q.Get("page"))
	if p.PageNo < 1 {
		p.PageNo = 1
	}
	f := bia.ProcessQuery{Query: p.Query, Important: p.Important, Limit: biaPageSize, Offset: (p.PageNo - 1) * biaPageSize}
	units, unitName, _, err := h.biaNames(ctx, p.Page, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if id, ok := parseID(p.UnitID); ok && id > 0 {
		if _, known := unitByID(units, id); known {
			f.UnitID = id
		}
	}
	if f.UnitID == 0 {
		p.UnitID = ""
	}
	if id, ok := parseID(p.OwnerID); ok && id > 0 {
		f.OwnerID = id
	} else {
		p.OwnerID = ""
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("people.all_units")}}, unitOptions(p.Page, units, p.UnitID, nil)...)
	owners, err := h.candidates(ctx, p.Page, []string{p.OwnerID})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Owners = []option{{Value: "", Label: p.Tr.T("risk.all_owners")}}
	for _, o := range owners {
		o.Selected = o.Value == p.OwnerID
		p.Owners = append(p.Owners, o)
	}

	procs, total, err := h.d.BIA.ProcessPage(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The feasibility of the whole inventory is computed once per
	// revision of the graph and shared by every request.
	feas, err := h.d.BIA.FeasibilityReport(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Gaps = feas.Processes()
	var ownerIDs []int64
	for _, pr := range procs {
		if pr.OwnerID != nil {
			ownerIDs = append(ownerIDs, *pr.OwnerID)
		}
	}
	_, _, people, err := h.biaNames(ctx, p.Page, ownerIDs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, pr := range procs {
		row := biaProcessRow{Process: pr, Name: p.L(pr.Name, pr.NameEn), UnitName: unitName[pr.UnitID], Gap: feas.GapOf(pr.ID)}
		if pr.OwnerID != nil {
			row.OwnerName = people[*pr.OwnerID]
		}
		p.Processes = append(p.Processes, row)
	}
	p.Total = total
	p.Pages = (total + biaPageSize - 1) / biaPageSize
	pageURL := func(n int) string {
		v := p.values()
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/bia"
		}
		return "/bia?" + v.Encode()
	}
	p.PrevURL, p.NextURL = pageURL(p.PageNo-1), pageURL(p.PageNo+1)
	if isPartial(r) && r.Header.Get("HX-Target") == "bia-results" {
		h.renderPartial(w, r, http.StatusOK, "bia_list", "bia_results", p)
		return
	}
	h.render(w, r, http.StatusOK, "bia_list", p)
}
