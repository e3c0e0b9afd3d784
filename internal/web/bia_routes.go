package web

import (
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/server"
)

// registerBIAPages adds the business impact analysis pages to rt: the
// process and resource lists and forms, dependencies, questionnaire
// campaigns, the dependency graph and the analysis. The services check the
// unit of each change again (bia.write on the process's unit).
func (h *handler) registerBIAPages(rt *server.Router) {
	read := authz.Needs(authz.BIARead)
	write := authz.Needs(authz.BIAWrite)
	manage := authz.Needs(authz.BIAManage)

	rt.HandleFunc("GET /bia", read, h.listBIAProcesses)
	rt.HandleFunc("GET /bia/processes/new", write, h.newBIAProcess)
	rt.HandleFunc("POST /bia/processes", write, h.createBIAProcess)
	rt.HandleFunc("GET /bia/processes/{id}", read, h.showBIAProcess)
	rt.HandleFunc("GET /bia/processes/{id}/edit", write, h.editBIAProcess)
	rt.HandleFunc("POST /bia/processes/{id}", write, h.updateBIAProcess)
	rt.HandleFunc("POST /bia/processes/{id}/delete", write, h.deleteBIAProcess)

	rt.HandleFunc("GET /bia/resources", read, h.listBIAResources)
	rt.HandleFunc("GET /bia/resources/new", write, h.newBIAResource)
	rt.HandleFunc("POST /bia/resources", write, h.createBIAResource)
	rt.HandleFunc("GET /bia/resources/{id}/edit", write, h.editBIAResource)
	rt.HandleFunc("POST /bia/resources/{id}", write, h.updateBIAResource)
	rt.HandleFunc("POST /bia/resources/{id}/delete", write, h.deleteBIAResource)

	rt.HandleFunc("GET /bia/dependencies/new", write, h.newBIADependency)
	rt.HandleFunc("POST /bia/dependencies", write, h.createBIADependency)
	rt.HandleFunc("GET /bia/dependencies/{id}/edit", write, h.editBIADependency)
	rt.HandleFunc("POST /bia/dependencies/{id}", write, h.updateBIADependency)
	rt.HandleFunc("POST /bia/dependencies/{id}/delete", write, h.deleteBIADependency)

	rt.HandleFunc("GET /bia/campaigns", read, h.listBIACampaigns)
	rt.HandleFunc("POST /bia/campaigns", manage, h.launchBIACampaign)
	rt.HandleFunc("GET /bia/campaigns/{id}", read, h.showBIACampaign)
	rt.HandleFunc("POST /bia/campaigns/{id}/close", manage, h.closeBIACampaign)
	rt.HandleFunc("GET /bia/answers/{id}", read, h.showBIAAnswer)
	rt.HandleFunc("POST /bia/answers/{id}", write, h.saveBIAAnswer)
	rt.HandleFunc("POST /bia/answers/{id}/review", manage, h.reviewBIAAnswer)

	rt.HandleFunc("GET /bia/graph", read, h.showBIAGraph)
	rt.HandleFunc("GET /bia/graph/impact", read, h.showBIAImpact)
	rt.HandleFunc("GET /bia/nodes/options", read, h.biaNodeOptions)
	rt.HandleFunc("GET /bia/analysis", read, h.showBIAAnalysis)
}
