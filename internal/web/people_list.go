package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/org"
)

const peoplePageSize = 25

// personRow is one line of the people list.
type personRow struct {
	org.Person
	UnitName string
}

// peopleListPage is the searchable people list.
type peopleListPage struct {
	Page
	Query   string
	UnitID  string
	Units   []option
	SiteID  string
	Sites   []option
	People  []personRow
	Total   int
	PageNo  int
	Pages   int
	PrevURL string
	NextURL string
}

// listPeople shows people matching a search and a unit subtree, a page at
// a time. The live search asks for the results block only.
func (h *handler) listPeople(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := peopleListPage{Page: h.base(w, r, "people.title"), Query: strings.TrimSpace(q.Get("q")), UnitID: q.Get("unit"), SiteID: q.Get("site")}
	p.PageNo, _ = strconv.Atoi(q.Get("page"))
	if p.PageNo < 1 {
		p.PageNo = 1
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	unitID, ok := parseID(p.UnitID)
	if !ok {
		unitID, p.UnitID = 0, ""
	}
	known := false
	for _, u := range units {
		known = known || u.ID == unitID
	}
	if !known {
		unitID, p.UnitID = 0, ""
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("people.all_units")}}, unitOptions(p.Page, units, p.UnitID, nil)...)
	siteID, err := h.siteFilter(ctx, &p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	people, total, err := h.d.Org.People(ctx, org.PeopleFilter{Query: p.Query, UnitID: unitID, SiteID: siteID, Limit: peoplePageSize, Offset: (p.PageNo - 1) * peoplePageSize})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := unitNames(p.Page, units)
	for _, person := range people {
		p.People = append(p.People, personRow{Person: person, UnitName: names[person.UnitID]})
	}
	p.Total = total
	p.Pages = (total + peoplePageSize - 1) / peoplePageSize
	pageURL := func(n int) string {
		v := url.Values{}
		if p.Query != "" {
			v.Set("q", p.Query)
		}
		if p.UnitID != "" {
			v.Set("unit", p.UnitID)
		}
		if p.SiteID != "" {
			v.Set("site", p.SiteID)
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/people"
		}
		return "/people?" + v.Encode()
	}
	p.PrevURL, p.NextURL = pageURL(p.PageNo-1), pageURL(p.PageNo+1)
	if isPartial(r) && r.Header.Get("HX-Target") == "people-results" {
		h.renderPartial(w, r, http.StatusOK, "people_list", "people_results", p)
		return
	}
	h.render(w, r, http.StatusOK, "people_list", p)
}

// siteFilter fills the site choices of the people list and returns the
// chosen site, or 0 when none (or an unknown one) is chosen. The choice is
// offered only when sites are recorded.
func (h *handler) siteFilter(ctx context.Context, p *peopleListPage) (int64, error) {
	sites, err := h.d.Org.Sites(ctx)
	if err != nil || len(sites) == 0 {
		p.SiteID = ""
		return 0, err
	}
	id, _ := parseID(p.SiteID)
	known := false
	p.Sites = []option{{Value: "", Label: p.Tr.T("people.all_sites")}}
	for _, s := range sites {
		known = known || s.ID == id
		p.Sites = append(p.Sites, option{Value: idString(s.ID), Label: p.L(s.Name, s.NameEn), Selected: s.ID == id})
	}
	if !known {
		id, p.SiteID = 0, ""
	}
	return id, nil
}
