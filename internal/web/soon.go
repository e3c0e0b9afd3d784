package web

import "net/http"

// soonPage explains a lifecycle area that is not built yet.
type soonPage struct {
	Page
	Area  string
	Group string
}

// showSoon is the "coming soon" page of an area on the roadmap.
func (h *handler) showSoon(w http.ResponseWriter, r *http.Request) {
	area := r.PathValue("area")
	group, ok := soonAreas[area]
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p := soonPage{Page: h.base(w, r, "nav."+area), Area: area, Group: group}
	h.render(w, r, http.StatusOK, "soon", p)
}
