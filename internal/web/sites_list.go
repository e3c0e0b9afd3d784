package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/org"
)

// siteRow is one line of the site list.
type siteRow struct {
	org.Site
	UnitName string
	People   int
}

// siteListPage lists the sites.
type siteListPage struct {
	Page
	Sites []siteRow
}

// listSites shows every site with its unit, address and how many people
// work there. The count is one directory lookup per site, which the
// in-memory people index answers without touching the database; sites
// number in the tens or hundreds, not thousands.
func (h *handler) listSites(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := siteListPage{Page: h.base(w, r, "sites.title")}
	sites, err := h.d.Org.Sites(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := unitNames(p.Page, units)
	for _, s := range sites {
		row := siteRow{Site: s}
		if s.UnitID != nil {
			row.UnitName = names[*s.UnitID]
		}
		_, row.People, err = h.d.Org.People(ctx, org.PeopleFilter{SiteID: s.ID, Limit: 1})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		p.Sites = append(p.Sites, row)
	}
	h.render(w, r, http.StatusOK, "sites_list", p)
}
