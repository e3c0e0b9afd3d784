package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// campaignRow is one campaign of the list.
type campaignRow struct {
	risksurvey.Campaign
	Name   string
	Counts risksurvey.Counts
	Late   bool // past due with departments not submitted
}

// todoSheet is a sheet the viewer is to answer.
type todoSheet struct {
	CampaignID int64
	Campaign   string
	UnitID     int64
	Unit       string
	Due        string
	Status     risksurvey.SheetStatus
	Late       bool
}

// surveyListPage lists the survey campaigns, and the sheets the viewer is
// to answer.
type surveyListPage struct {
	Page
	Campaigns []campaignRow
	Todo      []todoSheet
	CanManage bool
}

// listSurveys shows the survey campaigns, newest first.
func (h *handler) listSurveys(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := surveyListPage{Page: h.base(w, r, "survey.title")}
	p.CanManage = p.principal.Any(authz.RiskManage)
	cs, err := h.d.Survey.Campaigns(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := h.surveyUnitNames(r, p.Page)
	for _, c := range cs {
		row := campaignRow{Campaign: c, Name: p.L(c.Title, c.TitleEn), Counts: c.Counts()}
		row.Late = row.Counts.Late > 0
		p.Campaigns = append(p.Campaigns, row)
		if c.Status != risksurvey.Open {
			continue
		}
		// Sheets the viewer answers: those of units the viewer writes
		// risks on, not yet submitted. The office sees its work on the
		// campaign pages instead.
		if p.CanManage {
			continue
		}
		for _, u := range c.Units {
			if u.Status.Answerable() && p.principal.On(authz.RiskWrite, u.UnitPath) {
				p.Todo = append(p.Todo, todoSheet{CampaignID: c.ID, Campaign: row.Name, UnitID: u.UnitID, Unit: names[u.UnitID],
					Due: c.Due, Status: u.Status, Late: u.Late})
			}
		}
	}
	h.render(w, r, http.StatusOK, "survey_list", p)
}
