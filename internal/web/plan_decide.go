package web

import (
	"net/http"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/plan"
)

// decidePlan records an approver's decision on a version in review:
// approve, or return it to draft with a comment. The service refuses the
// version's author and anyone who is not an approver; the refusal is shown
// on the plan page.
func (h *handler) decidePlan(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	number, err := strconv.Atoi(r.PathValue("n"))
	if !ok || err != nil || number < 1 {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	verdict := plan.Verdict(r.PostFormValue("verdict"))
	v, err := h.d.Plan.Decide(r.Context(), id, number, verdict, r.PostFormValue("comment"))
	if err != nil {
		h.refusePlanAction(w, r, id, number, err)
		return
	}
	switch {
	case verdict == plan.Reject:
		h.flash(w, "ok", "planweb.returned", strconv.Itoa(number))
	case v.Status == plan.Approved:
		h.flash(w, "ok", "planweb.approved_all", strconv.Itoa(number))
	default:
		h.flash(w, "ok", "planweb.approval_recorded", strconv.Itoa(number))
	}
	http.Redirect(w, r, planPath(id, number), http.StatusSeeOther)
}
