package web

import (
	"net/http"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
)

// biaAnswerRow is one questionnaire of a campaign.
type biaAnswerRow struct {
	bia.Answer
	ProcessName string
	UnitName    string
	OwnerName   string
}

// biaCampaignPage is one campaign with its questionnaires.
type biaCampaignPage struct {
	Page
	Campaign bia.Campaign
	Name     string
	Answers  []biaAnswerRow
	CanClose bool
	// The questionnaires are listed biaAnswersPageSize a page: a campaign
	// may survey thousands of processes.
	Total, PageNo, Pages int
	PrevURL, NextURL     string
}

const biaAnswersPageSize = 100

// showBIACampaign shows a campaign's questionnaires and where each is.
func (h *handler) showBIACampaign(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p := biaCampaignPage{Page: h.base(w, r, "")}
	c, err := h.d.BIA.Campaign(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Campaign, p.Name = c, p.L(c.Name, c.NameEn)
	p.Title = p.Name
	p.CanClose = c.Status == bia.CampaignOpen && p.Can(string(authz.BIAManage))
	answers, err := h.d.BIA.Answers(ctx, bia.AnswerFilter{CampaignID: id})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Total, p.Pages = len(answers), max(1, (len(answers)+biaAnswersPageSize-1)/biaAnswersPageSize)
	p.PageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
	p.PageNo = min(max(p.PageNo, 1), p.Pages)
	pageURL := func(n int) string {
		u := "/bia/campaigns/" + idString(id)
		if n > 1 {
			u += "?page=" + strconv.Itoa(n)
		}
		return u + "#answers"
	}
	p.PrevURL, p.NextURL = pageURL(p.PageNo-1), pageURL(p.PageNo+1)
	answers = answers[(p.PageNo-1)*biaAnswersPageSize : min(len(answers), p.PageNo*biaAnswersPageSize)]
	// Only the processes of this page, and their owners, are looked up.
	ids := make([]int64, 0, len(answers))
	for _, a := range answers {
		ids = append(ids, a.ProcessID)
	}
	byID, err := h.d.BIA.ProcessesByIDs(ctx, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	owners := make([]int64, 0, len(byID))
	seen := map[int64]bool{}
	for _, pr := range byID {
		if pr.OwnerID != nil && !seen[*pr.OwnerID] {
			seen[*pr.OwnerID] = true
			owners = append(owners, *pr.OwnerID)
		}
	}
	_, unitName, people, err := h.biaNames(ctx, p.Page, owners)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, a := range answers {
		pr := byID[a.ProcessID]
		row := biaAnswerRow{Answer: a, ProcessName: p.L(pr.Name, pr.NameEn), UnitName: unitName[pr.UnitID]}
		if pr.OwnerID != nil {
			row.OwnerName = people[*pr.OwnerID]
		}
		p.Answers = append(p.Answers, row)
	}
	h.render(w, r, http.StatusOK, "bia_campaign", p)
}

// closeBIACampaign closes a campaign: its questionnaires accept no more
// changes.
func (h *handler) closeBIACampaign(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if _, err := h.d.BIA.CloseCampaign(r.Context(), id); err != nil {
		h.fail(w, r, localizeBIA(h.trOf(r), err))
		return
	}
	h.flash(w, "ok", "bia.campaign_closed_flash")
	http.Redirect(w, r, "/bia/campaigns/"+idString(id), http.StatusSeeOther)
}
