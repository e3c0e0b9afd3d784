package web

import (
	"net/http"
	"strconv"
)

// planTransition moves a version along its lifecycle for a plan writer:
// submit a draft for review, withdraw it to draft, publish an approved
// version, or delete a draft. A refusal is shown on the plan page.
func (h *handler) planTransition(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	number, err := strconv.Atoi(r.PathValue("n"))
	if !ok || err != nil || number < 1 {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	flash, show := "", number
	switch r.PathValue("action") {
	case "submit":
		_, err = h.d.Plan.Submit(ctx, id, number)
		flash = "planweb.submitted"
	case "withdraw":
		_, err = h.d.Plan.Withdraw(ctx, id, number)
		flash = "planweb.withdrawn"
	case "publish":
		_, err = h.d.Plan.Publish(ctx, id, number)
		flash = "planweb.published"
	case "delete":
		err = h.d.Plan.DeleteDraft(ctx, id, number)
		flash, show = "planweb.draft_deleted", 0
	default:
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err != nil {
		h.refusePlanAction(w, r, id, number, err)
		return
	}
	h.flash(w, "ok", flash, strconv.Itoa(number))
	http.Redirect(w, r, planPath(id, show), http.StatusSeeOther)
}
