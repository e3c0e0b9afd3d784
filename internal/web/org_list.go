package web

import "net/http"

// unitListPage is the org unit tree.
type unitListPage struct {
	Page
	Tree  []*unitNode
	Count int
}

// listUnits shows the org unit tree with kind badges.
func (h *handler) listUnits(w http.ResponseWriter, r *http.Request) {
	units, err := h.d.Org.Units(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := unitListPage{Page: h.base(w, r, "org.title"), Tree: unitTree(units), Count: len(units)}
	h.render(w, r, http.StatusOK, "org_list", p)
}
