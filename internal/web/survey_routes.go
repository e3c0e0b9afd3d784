package web

import (
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/server"
)

// registerSurveyPages adds the risk survey pages (风险排查) and the pages
// that edit assessment matrices to rt.
func (h *handler) registerSurveyPages(rt *server.Router) {
	read, write, manage := authz.Needs(authz.RiskRead), authz.Needs(authz.RiskWrite), authz.Needs(authz.RiskManage)

	// Assessment matrices: everyone reads them, the office edits its own.
	rt.HandleFunc("GET /risk-matrices", read, h.listMatrices)
	rt.HandleFunc("GET /risk-matrices/new", manage, h.newMatrix)
	rt.HandleFunc("POST /risk-matrices", manage, h.createMatrix)
	rt.HandleFunc("GET /risk-matrices/{id}/edit", manage, h.editMatrix)
	rt.HandleFunc("POST /risk-matrices/{id}", manage, h.updateMatrix)
	rt.HandleFunc("POST /risk-matrices/{id}/delete", manage, h.deleteMatrix)

	if h.d.Survey == nil {
		return
	}
	// Checklists.
	rt.HandleFunc("GET /risk-survey-templates", read, h.listSurveyTemplates)
	rt.HandleFunc("GET /risk-survey-templates/new", manage, h.newSurveyTemplate)
	rt.HandleFunc("GET /risk-survey-templates/question-row", manage, h.questionRowFragment)
	rt.HandleFunc("POST /risk-survey-templates", manage, h.createSurveyTemplate)
	rt.HandleFunc("GET /risk-survey-templates/{id}/edit", manage, h.editSurveyTemplate)
	rt.HandleFunc("POST /risk-survey-templates/{id}", manage, h.updateSurveyTemplate)
	rt.HandleFunc("POST /risk-survey-templates/{id}/delete", manage, h.deleteSurveyTemplate)

	// Campaigns: the office launches, reminds and closes them.
	rt.HandleFunc("GET /risk-surveys", read, h.listSurveys)
	rt.HandleFunc("GET /risk-surveys/new", manage, h.newSurvey)
	rt.HandleFunc("POST /risk-surveys", manage, h.launchSurvey)
	rt.HandleFunc("GET /risk-surveys/{id}", read, h.showSurvey)
	rt.HandleFunc("POST /risk-surveys/{id}/close", manage, h.closeSurvey)
	rt.HandleFunc("POST /risk-surveys/{id}/remind", manage, h.remindSurvey)

	// Answer sheets: departments answer (the service checks risk.write on
	// the unit), the office accepts or returns each answer.
	rt.HandleFunc("GET /risk-surveys/{id}/units/{unit}", read, h.showSheet)
	rt.HandleFunc("POST /risk-surveys/{id}/units/{unit}", write, h.saveSheet)
	rt.HandleFunc("GET /risk-surveys/{id}/units/{unit}/added-row", write, h.addedRowFragment)
	rt.HandleFunc("POST /risk-survey-answers/{id}/accept", manage, h.acceptAnswer)
	rt.HandleFunc("POST /risk-survey-answers/{id}/return", manage, h.returnAnswer)
}
