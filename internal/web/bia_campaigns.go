package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// biaCampaignForm is the launch form as typed.
type biaCampaignForm struct {
	Name        string
	NameEn      string
	Due         string
	Description string
	Chosen      map[string]bool // process ids ticked
	// Scope says which processes get a questionnaire: the ticked ones
	// ("chosen", also when empty), the important ones, those of a unit
	// (UnitID, with its sub-units) or all of them.
	Scope  string
	UnitID string
}

// biaPickMax is the most processes the launch form lists as check boxes;
// a larger inventory is surveyed by scope.
const biaPickMax = 300

// biaPick is a process offered in the launch form.
type biaPick struct {
	ID        string
	Name      string
	UnitName  string
	Important bool
	Chosen    bool
}

// biaCampaignsPage lists the campaigns and, for the office, the form to
// launch one.
type biaCampaignsPage struct {
	Page
	formState
	Campaigns []bia.Campaign
	CanLaunch bool
	Form      biaCampaignForm
	Processes []biaPick
	Scopes    []option
	Units     []option
	// Total is the number of processes; above biaPickMax they are not
	// listed and the scope chooses them.
	Total int
	Large bool
}

func (h *handler) biaCampaignsPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f biaCampaignForm) (biaCampaignsPage, error) {
	p := biaCampaignsPage{Page: h.base(w, r, "bia.campaigns"), Form: f}
	var err error
	if p.Campaigns, err = h.d.BIA.Campaigns(ctx); err != nil {
		return p, err
	}
	p.CanLaunch = p.Can(string(authz.BIAManage))
	if !p.CanLaunch {
		return p, nil
	}
	units, unitName, _, err := h.biaNames(ctx, p.Page, nil)
	if err != nil {
		return p, err
	}
	p.Units = unitOptions(p.Page, units, f.UnitID, nil)
	if _, p.Total, err = h.d.BIA.ProcessPage(ctx, bia.ProcessQuery{Limit: 1}); err != nil {
		return p, err
	}
	p.Large = p.Total > biaPickMax
	scopes := []string{"important", "unit", "all"}
	if !p.Large {
		scopes = append([]string{"chosen"}, scopes...)
	}
	if !slices.Contains(scopes, p.Form.Scope) {
		p.Form.Scope = scopes[0]
	}
	for _, sc := range scopes {
		p.Scopes = append(p.Scopes, option{Value: sc, Label: p.Tr.T("bia.scope_" + sc), Selected: sc == p.Form.Scope})
	}
	if p.Large {
		return p, nil
	}
	procs, err := h.d.BIA.Processes(ctx, bia.ProcessFilter{})
	if err != nil {
		return p, err
	}
	for _, pr := range procs {
		id := idString(pr.ID)
		name := p.L(pr.Name, pr.NameEn)
		if pr.Code != "" {
			name = pr.Code + " " + name
		}
		p.Processes = append(p.Processes, biaPick{ID: id, Name: name, UnitName: unitName[pr.UnitID], Important: pr.Important,
			Chosen: f.Chosen[id]})
	}
	return p, nil
}

// listBIACampaigns shows the questionnaire campaigns with their progress.
func (h *handler) listBIACampaigns(w http.ResponseWriter, r *http.Request) {
	p, err := h.biaCampaignsPage(r.Context(), w, r, biaCampaignForm{Chosen: map[string]bool{}})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bia_campaigns", p)
}

// launchBIACampaign starts a campaign: each chosen process gets a
// questionnaire for its owner.
func (h *handler) launchBIACampaign(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	f := biaCampaignForm{Name: pf("name"), NameEn: pf("name_en"), Due: strings.TrimSpace(pf("due")), Description: pf("description"),
		Chosen: map[string]bool{}, Scope: pf("scope"), UnitID: pf("unit_id")}
	c := bia.Campaign{Name: f.Name, NameEn: f.NameEn, Due: f.Due, Description: f.Description}
	var v errs.Validation
	switch f.Scope {
	case "important", "unit", "all":
		// The processes are chosen by scope, in the store.
		filter := bia.ProcessFilter{Important: f.Scope == "important"}
		if f.Scope == "unit" {
			id, ok := parseID(f.UnitID)
			if !ok || id <= 0 {
				v.Add("unit_id", "choose a unit")
				break
			}
			filter.UnitID = id
		}
		procs, err := h.d.BIA.Processes(ctx, filter)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, pr := range procs {
			c.ProcessIDs = append(c.ProcessIDs, pr.ID)
		}
	default:
		for _, s := range r.PostForm["process_id"] {
			f.Chosen[s] = true
			if id, ok := parseID(s); ok && id != 0 {
				c.ProcessIDs = append(c.ProcessIDs, id)
			} else {
				v.Add("process_ids", "no process with id %s", s)
			}
		}
	}
	err := v.Err()
	if err == nil {
		c, err = h.d.BIA.LaunchCampaign(ctx, c)
	}
	if err != nil {
		p, perr := h.biaCampaignsPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		// Errors on one listed process go with the list.
		err = localizeBIA(p.Tr, err)
		var fields []errs.FieldError
		for _, fe := range errs.FieldsOf(err) {
			if strings.HasPrefix(fe.Field, "process_ids") {
				fe.Field = "process_ids"
			}
			fields = append(fields, fe)
		}
		if !p.setErr(p.Tr, withFields(err, fields), "name", "name_en", "due", "description", "process_ids", "unit_id") {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "bia_campaigns", p)
		return
	}
	h.flash(w, "ok", "bia.campaign_launched")
	http.Redirect(w, r, "/bia/campaigns/"+idString(c.ID), http.StatusSeeOther)
}
