package web

import (
	"context"
	"net/http"

	"github.com/continuo-bcm/continuo/internal/org"
)

// contactPerson is a member or deputy as the team page shows them.
type contactPerson struct {
	PersonID int64
	Name     string
	Title    string
	Mobile   string
}

// memberRow is one seat of the team shown.
type memberRow struct {
	contactPerson
	Role     org.TeamRole
	Duty     string
	Deputies []contactPerson
}

// pickerRow is a person picker in the member form: the chosen person's id
// and the error about it.
type pickerRow struct {
	Value string
	Err   string
}

// memberForm adds a seat or changes one (AddMember replaces the seat of a
// person already on the team).
type memberForm struct {
	PersonID   string
	Role       string
	Duty       string
	DutyEn     string
	Deputies   []pickerRow
	Editing    bool
	PersonName string // the seat holder, when editing a seat
}

// teamPage is a team with its seats and the form to add one.
type teamPage struct {
	Page
	formState
	Team       org.Team
	UnitName   string
	Members    []memberRow
	Form       memberForm
	Roles      []option
	Candidates []option
}

// showTeam shows a team, its members with their ordered deputies, and
// (for those who may) the form to add a member.
func (h *handler) showTeam(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p, err := h.teamPage(r.Context(), w, r, id, memberForm{Role: string(org.RoleMember), Deputies: []pickerRow{{}}})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "team", p)
}

// editMember shows the team page with the form filled in for one seat.
func (h *handler) editMember(w http.ResponseWriter, r *http.Request) {
	id, ok1 := pathID(r, "id")
	personID, ok2 := pathID(r, "person")
	if !ok1 || !ok2 {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	t, err := h.d.Org.Team(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, m := range t.Members {
		if m.PersonID != personID {
			continue
		}
		f := memberForm{PersonID: idString(m.PersonID), Role: string(m.Role), Duty: m.Duty, DutyEn: m.DutyEn, Editing: true}
		for _, d := range m.Deputies {
			f.Deputies = append(f.Deputies, pickerRow{Value: idString(d)})
		}
		f.Deputies = append(f.Deputies, pickerRow{})
		p, err := h.teamPage(r.Context(), w, r, id, f)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusOK, "team", p)
		return
	}
	h.errorStatus(w, r, http.StatusNotFound, "")
}

func (h *handler) teamPage(ctx context.Context, w http.ResponseWriter, r *http.Request, id int64, f memberForm) (teamPage, error) {
	p := teamPage{Page: h.base(w, r, ""), Form: f}
	t, err := h.d.Org.Team(ctx, id)
	if err != nil {
		return p, err
	}
	p.Team = t
	p.Title = p.L(t.Name, t.NameEn)
	if u, err := h.d.Org.Unit(ctx, t.UnitID); err == nil {
		p.UnitName = p.L(u.Name, u.NameEn)
	}
	var ids []int64
	for _, m := range t.Members {
		ids = append(ids, m.PersonID)
		ids = append(ids, m.Deputies...)
	}
	people, err := h.d.Org.PeopleByIDs(ctx, ids)
	if err != nil {
		return p, err
	}
	cp := func(id int64) contactPerson {
		person := people[id]
		return contactPerson{PersonID: id, Name: p.L(person.Name, person.NameEn), Title: p.L(person.Title, person.TitleEn),
			Mobile: person.Contact(org.ContactMobile)}
	}
	for _, m := range t.Members {
		row := memberRow{contactPerson: cp(m.PersonID), Role: m.Role, Duty: p.L(m.Duty, m.DutyEn)}
		if f.Editing && idString(m.PersonID) == f.PersonID {
			p.Form.PersonName = row.Name
		}
		for _, d := range m.Deputies {
			row.Deputies = append(row.Deputies, cp(d))
		}
		p.Members = append(p.Members, row)
	}
	for _, role := range org.TeamRoles {
		p.Roles = append(p.Roles, option{Value: string(role), Label: p.Tr.T("team_role." + string(role)), Selected: string(role) == f.Role})
	}
	if p.Can("teams.write") {
		chosen := []string{f.PersonID}
		for _, d := range f.Deputies {
			chosen = append(chosen, d.Value)
		}
		if p.Candidates, err = h.candidates(ctx, p.Page, chosen); err != nil {
			return p, err
		}
	}
	return p, nil
}

// maxCandidates bounds the people offered in a picker before searching.
const maxCandidates = 200

// candidates lists the people offered by the person pickers: the first
// ones of the directory plus everyone already chosen in the form.
func (h *handler) candidates(ctx context.Context, p Page, chosen []string) ([]option, error) {
	people, _, err := h.d.Org.People(ctx, org.PeopleFilter{Limit: maxCandidates})
	if err != nil {
		return nil, err
	}
	have := map[int64]bool{}
	for _, person := range people {
		have[person.ID] = true
	}
	var missing []int64
	for _, c := range chosen {
		if id, ok := parseID(c); ok && id != 0 && !have[id] {
			missing = append(missing, id)
			have[id] = true
		}
	}
	if len(missing) > 0 {
		more, err := h.d.Org.PeopleByIDs(ctx, missing)
		if err != nil {
			return nil, err
		}
		for _, id := range missing {
			if person, ok := more[id]; ok {
				people = append(people, person)
			}
		}
	}
	return h.personOptionList(ctx, p, people)
}

// personOptionList labels people with their unit, to tell namesakes apart.
func (h *handler) personOptionList(ctx context.Context, p Page, people []org.Person) ([]option, error) {
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return nil, err
	}
	names := unitNames(p, units)
	out := make([]option, 0, len(people))
	for _, person := range people {
		label := p.L(person.Name, person.NameEn)
		if u := names[person.UnitID]; u != "" {
			label += " · " + u
		}
		out = append(out, option{Value: idString(person.ID), Label: label})
	}
	return out, nil
}

// personOptions answers the picker search with <option> elements.
func (h *handler) personOptions(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := h.base(w, r, "")
	people, _, err := h.d.Org.People(ctx, org.PeopleFilter{Query: r.URL.Query().Get("q"), Limit: 50})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	opts, err := h.personOptionList(ctx, p, people)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderPartial(w, r, http.StatusOK, sharedSet, "person_options", map[string]any{"P": p, "Options": opts, "Selected": ""})
}

// deputyRow renders one more deputy picker for the member form.
func (h *handler) deputyRow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := h.base(w, r, "")
	opts, err := h.candidates(ctx, p, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderPartial(w, r, http.StatusOK, sharedSet, "deputy_row", map[string]any{"P": p, "Row": pickerRow{}, "Options": opts})
}
