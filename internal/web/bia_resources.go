package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/bia"
)

// biaResourceRow is one line of the resource list.
type biaResourceRow struct {
	bia.Resource
	Name      string
	UnitName  string
	OwnerName string
	// Required is the recovery time the processes that need it ask of it.
	Required *bia.Requirement
}

// biaResourcesPage is the resource list by kind.
type biaResourcesPage struct {
	Page
	Query     string
	Kind      string
	Kinds     []option
	Resources []biaResourceRow
	Total     int
	PageNo    int
	Pages     int
	PrevURL   string
	NextURL   string
}

// Filtered reports whether any filter is set.
func (p biaResourcesPage) Filtered() bool { return p.Query != "" || p.Kind != "" }

// listBIAResources shows the resources processes depend on, by kind, with
// their recovery time against the one the processes need.
func (h *handler) listBIAResources(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := biaResourcesPage{Page: h.base(w, r, "bia.resources"), Query: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind")}
	if !slices.Contains(bia.ResourceKinds, bia.ResourceKind(p.Kind)) {
		p.Kind = ""
	}
	p.PageNo, _ = strconv.Atoi(q.Get("page"))
	if p.PageNo < 1 {
		p.PageNo = 1
	}
	p.Kinds = []option{{Value: "", Label: p.Tr.T("bia.all_kinds"), Selected: p.Kind == ""}}
	for _, k := range bia.ResourceKinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.BIAKind(string(k)), Selected: string(k) == p.Kind})
	}
	rs, total, err := h.d.BIA.ResourcePage(ctx, bia.ResourceQuery{Kind: bia.ResourceKind(p.Kind), Query: p.Query,
		Limit: biaPageSize, Offset: (p.PageNo - 1) * biaPageSize})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The roll-up of the whole inventory is computed once per revision of
	// the graph and shared by every request.
	reqs, err := h.d.BIA.RequirementReport(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ownerIDs []int64
	for _, res := range rs {
		if res.OwnerID != nil {
			ownerIDs = append(ownerIDs, *res.OwnerID)
		}
	}
	_, unitName, people, err := h.biaNames(ctx, p.Page, ownerIDs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, res := range rs {
		row := biaResourceRow{Resource: res, Name: p.L(res.Name, res.NameEn), Required: reqs.For(res.Ref())}
		if res.UnitID != nil {
			row.UnitName = unitName[*res.UnitID]
		}
		if res.OwnerID != nil {
			row.OwnerName = people[*res.OwnerID]
		}
		p.Resources = append(p.Resources, row)
	}
	p.Total = total
	p.Pages = (total + biaPageSize - 1) / biaPageSize
	pageURL := func(n int) string {
		v := url.Values{}
		if p.Query != "" {
			v.Set("q", p.Query)
		}
		if p.Kind != "" {
			v.Set("kind", p.Kind)
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/bia/resources"
		}
		return "/bia/resources?" + v.Encode()
	}
	p.PrevURL, p.NextURL = pageURL(p.PageNo-1), pageURL(p.PageNo+1)
	if isPartial(r) && r.Header.Get("HX-Target") == "bia-resource-results" {
		h.renderPartial(w, r, http.StatusOK, "bia_resources", "bia_resource_results", p)
		return
	}
	h.render(w, r, http.StatusOK, "bia_resources", p)
}
