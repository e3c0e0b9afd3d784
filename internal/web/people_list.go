package web

import (
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
	p := peopleListPage{Page: h.base(w, r, "people.title"), Query: strings.TrimSpace(q.Get("q")), UnitID: q.Get("unit")}
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
	people, total, err := h.d.Org.People(ctx, org.PeopleFilter{Query: p.Query, UnitID: unitID, Limit: peoplePageSize, Offset: (p.PageNo - 1) * peoplePageSize})
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
