package web

import (
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/server"
)

// registerPlanPages adds the plan library pages to rt: the library, a
// plan with its chapters and approval record, the editor of drafts, the
// lifecycle actions, versions and their comparison, and the downloads.
// Reading needs plan.read, drafting plan.write, deciding plan.approve;
// the plan service checks each again on the plan's unit.
func (h *handler) registerPlanPages(rt *server.Router) {
	read := authz.Needs(authz.PlanRead)
	write := authz.Needs(authz.PlanWrite)
	approve := authz.Needs(authz.PlanApprove)

	rt.HandleFunc("GET /plans", read, h.listPlans)
	rt.HandleFunc("GET /plans/new", write, h.newPlan)
	rt.HandleFunc("POST /plans", write, h.createPlan)
	rt.HandleFunc("GET /plans/playbook-row", write, h.playbookRowFragment)
	rt.HandleFunc("GET /plans/task-row", write, h.taskRowFragment)
	rt.HandleFunc("GET /plans/crisis-pack", read, h.exportCrisisPack)
	rt.HandleFunc("GET /plans/{id}", read, h.showPlan)
	rt.HandleFunc("GET /plans/{id}/edit", write, h.editPlan)
	rt.HandleFunc("POST /plans/{id}", write, h.updatePlan)
	rt.HandleFunc("POST /plans/{id}/delete", write, h.deletePlan)
	rt.HandleFunc("POST /plans/{id}/drafts", write, h.revisePlan)
	rt.HandleFunc("POST /plans/{id}/confirm-review", write, h.confirmPlanReview)
	rt.HandleFunc("GET /plans/{id}/versions", read, h.listPlanVersions)
	rt.HandleFunc("GET /plans/{id}/diff", read, h.showPlanDiff)
	rt.HandleFunc("GET /plans/{id}/versions/{n}/export", read, h.exportPlan)
	rt.HandleFunc("POST /plans/{id}/versions/{n}/decide", approve, h.decidePlan)
	rt.HandleFunc("POST /plans/{id}/versions/{n}/{action}", write, h.planTransition)
}
