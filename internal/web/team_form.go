package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
)

// teamForm holds the team form as typed.
type teamForm struct {
	ID        int64
	Kind      string
	Name      string
	NameEn    string
	UnitID    string
	Duties    string
	DutiesEn  string
	SortOrder string
}

type teamFormPage struct {
	Page
	formState
	Form    teamForm
	Kinds   []option
	Units   []option
	Editing bool
}

var teamFields = []string{"kind", "name", "name_en", "unit_id", "duties", "duties_en", "sort_order"}

func (h *handler) teamFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f teamForm) (teamFormPage, error) {
	title := "teams.new"
	if f.ID != 0 {
		title = "teams.edit"
	}
	p := teamFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	for _, k := range org.TeamKinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.Tr.T("team_kind." + string(k)), Selected: string(k) == f.Kind})
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("common.choose")}}, unitOptions(p.Page, units, f.UnitID, nil)...)
	return p, nil
}

// newTeam shows an empty team form, of ?kind= when given.
func (h *handler) newTeam(w http.ResponseWriter, r *http.Request) {
	f := teamForm{Kind: r.URL.Query().Get("kind"), SortOrder: "0"}
	if f.Kind == "" {
		f.Kind = string(org.TeamSpecial)
	}
	// A single-rooted organisation is the usual case: preselect its root.
	if units, err := h.d.Org.Units(r.Context()); err == nil && len(units) > 0 {
		f.UnitID = idString(units[0].ID)
	}
	p, err := h.teamFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "team_form", p)
}

// editTeam shows the form of an existing team.
func (h *handler) editTeam(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	t, err := h.d.Org.Team(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := teamForm{ID: t.ID, Kind: string(t.Kind), Name: t.Name, NameEn: t.NameEn, UnitID: idString(t.UnitID),
		Duties: t.Duties, DutiesEn: t.DutiesEn, SortOrder: strconv.Itoa(t.SortOrder)}
	p, err := h.teamFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "team_form", p)
}

// createTeam stores a new team (members are added on its page).
func (h *handler) createTeam(w http.ResponseWriter, r *http.Request) { h.saveTeam(w, r, 0) }

// updateTeam stores changes to a team, keeping its members.
func (h *handler) updateTeam(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveTeam(w, r, id)
}

func (h *handler) saveTeam(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	f := teamForm{
		ID:        id,
		Kind:      r.PostFormValue("kind"),
		Name:      r.PostFormValue("name"),
		NameEn:    r.PostFormValue("name_en"),
		UnitID:    strings.TrimSpace(r.PostFormValue("unit_id")),
		Duties:    r.PostFormValue("duties"),
		DutiesEn:  r.PostFormValue("duties_en"),
		SortOrder: strings.TrimSpace(r.PostFormValue("sort_order")),
	}
	t := org.Team{ID: id, Kind: org.TeamKind(f.Kind), Name: f.Name, NameEn: strings.TrimSpace(f.NameEn),
		Duties: strings.TrimSpace(f.Duties), DutiesEn: strings.TrimSpace(f.DutiesEn)}
	var v errs.Validation
	if uid, ok := parseID(f.UnitID); ok {
		t.UnitID = uid
	} else {
		v.Add("unit_id", "no org unit with this id")
	}
	if f.SortOrder != "" {
		n, err := strconv.Atoi(f.SortOrder)
		v.Check(err == nil, "sort_order", "must be a whole number")
		t.SortOrder = n
	}
	err := saveOrReport(&v, t.Validate, func() error {
		if id != 0 {
			// The form edits the team itself; its seats stay as they are.
			before, err := h.d.Org.Team(ctx, id)
			if err != nil {
				return err
			}
			t.Members = before.Members
		}
		var err error
		t, err = h.d.Org.SaveTeam(ctx, t)
		return err
	})
	if err != nil {
		p, perr := h.teamFormPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !p.setErr(p.Tr, err, teamFields...) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "team_form", p)
		return
	}
	if id == 0 {
		h.flash(w, "ok", "teams.created_add_members")
	} else {
		h.flash(w, "ok", "common.saved")
	}
	http.Redirect(w, r, "/teams/"+idString(t.ID), http.StatusSeeOther)
}

// deleteTeam removes a team and its seats.
func (h *handler) deleteTeam(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := h.d.Org.DeleteTeam(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/teams", http.StatusSeeOther)
}
