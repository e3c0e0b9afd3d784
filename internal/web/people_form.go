package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
)

// contactRow is one contact method row of the person form.
type contactRow struct {
	Kind  string
	Value string
	Err   string
}

// personForm holds the person form as typed.
type personForm struct {
	ID         int64
	EmployeeNo string
	Name       string
	NameEn     string
	Title      string
	TitleEn    string
	UnitID     string
	SiteID     string
	Active     bool
	Contacts   []contactRow
}

type personFormPage struct {
	Page
	formState
	Form    personForm
	Units   []option
	Sites   []option
	Editing bool
}

var personFields = []string{"employee_no", "name", "name_en", "title", "title_en", "unit_id", "site_id", "contacts["}

var contactField = regexp.MustCompile(`^contacts\[(\d+)\]`)

func (h *handler) personFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f personForm) (personFormPage, error) {
	title := "people.new"
	if f.ID != 0 {
		title = "people.edit"
	}
	p := personFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("common.choose")}}, unitOptions(p.Page, units, f.UnitID, nil)...)
	sites, err := h.d.Org.Sites(ctx)
	if err != nil {
		return p, err
	}
	if len(sites) > 0 {
		p.Sites = []option{{Value: "", Label: p.Tr.T("common.none")}}
		for _, s := range sites {
			id := idString(s.ID)
			p.Sites = append(p.Sites, option{Value: id, Label: p.L(s.Name, s.NameEn), Selected: id == f.SiteID})
		}
	}
	if len(p.Form.Contacts) == 0 {
		p.Form.Contacts = []contactRow{{Kind: string(org.ContactMobile)}}
	}
	return p, nil
}

// ContactKinds lists the contact kinds for the row selects.
func (Page) ContactKinds() []org.ContactKind { return org.ContactKinds }

// newPerson shows an empty person form, in ?unit= when given.
func (h *handler) newPerson(w http.ResponseWriter, r *http.Request) {
	f := personForm{Active: true, UnitID: r.URL.Query().Get("unit"),
		Contacts: []contactRow{{Kind: string(org.ContactMobile)}, {Kind: string(org.ContactEmail)}}}
	p, err := h.personFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "person_form", p)
}

// editPerson shows the form of an existing person.
func (h *handler) editPerson(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	person, err := h.d.Org.Person(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := personForm{ID: person.ID, EmployeeNo: person.EmployeeNo, Name: person.Name, NameEn: person.NameEn,
		Title: person.Title, TitleEn: person.TitleEn, UnitID: idString(person.UnitID), Active: person.Active}
	if person.SiteID != nil {
		f.SiteID = idString(*person.SiteID)
	}
	for _, c := range person.Contacts {
		f.Contacts = append(f.Contacts, contactRow{Kind: string(c.Kind), Value: c.Value})
	}
	p, err := h.personFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "person_form", p)
}

// createPerson stores a new person.
func (h *handler) createPerson(w http.ResponseWriter, r *http.Request) { h.savePerson(w, r, 0) }

// updatePerson stores changes to a person.
func (h *handler) updatePerson(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.savePerson(w, r, id)
}

func (h *handler) savePerson(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	f := personForm{
		ID:         id,
		EmployeeNo: r.PostFormValue("employee_no"),
		Name:       r.PostFormValue("name"),
		NameEn:     r.PostFormValue("name_en"),
		Title:      r.PostFormValue("title"),
		TitleEn:    r.PostFormValue("title_en"),
		UnitID:     strings.TrimSpace(r.PostFormValue("unit_id")),
		SiteID:     strings.TrimSpace(r.PostFormValue("site_id")),
		Active:     r.PostFormValue("active") != "",
	}
	person := org.Person{ID: id, EmployeeNo: f.EmployeeNo, Name: f.Name, NameEn: f.NameEn, Title: strings.TrimSpace(f.Title),
		TitleEn: strings.TrimSpace(f.TitleEn), Active: f.Active}
	var v errs.Validation
	if uid, ok := parseID(f.UnitID); ok {
		person.UnitID = uid
	} else {
		v.Add("unit_id", "no org unit with this id")
	}
	if sid, ok := parseID(f.SiteID); !ok {
		v.Add("site_id", "no site with this id")
	} else if sid != 0 {
		person.SiteID = &sid
	}
	// Rows left blank are ignored; rowOf maps the service's contact index
	// back to the form row, for placing its error.
	kinds, values := r.PostForm["contact_kind"], r.PostForm["contact_value"]
	var rowOf []int
	for i, k := range kinds {
		val := ""
		if i < len(values) {
			val = values[i]
		}
		f.Contacts = append(f.Contacts, contactRow{Kind: k, Value: val})
		if strings.TrimSpace(val) == "" {
			continue
		}
		person.Contacts = append(person.Contacts, org.ContactMethod{Kind: org.ContactKind(k), Value: val})
		rowOf = append(rowOf, i)
	}
	err := saveOrReport(&v, person.Validate, func() (err error) {
		person, err = h.d.Org.SavePerson(ctx, person)
		return err
	})
	if err != nil {
		p, perr := h.personFormPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !p.setErr(p.Tr, err, personFields...) {
			h.fail(w, r, err)
			return
		}
		// Contact errors go to their rows, worded for the row's kind.
		for _, fe := range errs.FieldsOf(err) {
			m := contactField.FindStringSubmatch(fe.Field)
			if m == nil {
				continue
			}
			delete(p.Errs, fe.Field)
			j, _ := strconv.Atoi(m[1])
			if j >= len(rowOf) || rowOf[j] >= len(p.Form.Contacts) {
				continue
			}
			row := &p.Form.Contacts[rowOf[j]]
			if row.Err == "" {
				row.Err = localizeField(p.Tr, "contacts."+row.Kind, fe.Message)
			}
		}
		if !p.Invalid() {
			p.add("contacts", "")
		}
		h.render(w, r, http.StatusUnprocessableEntity, "person_form", p)
		return
	}
	if id == 0 {
		h.flash(w, "ok", "common.created")
	} else {
		h.flash(w, "ok", "common.saved")
	}
	http.Redirect(w, r, "/people/"+idString(person.ID), http.StatusSeeOther)
}

// contactRow renders one more empty contact row for the person form.
func (h *handler) contactRow(w http.ResponseWriter, r *http.Request) {
	p := h.base(w, r, "")
	h.renderPartial(w, r, http.StatusOK, sharedSet, "contact_row",
		map[string]any{"P": p, "Row": contactRow{Kind: string(org.ContactMobile)}})
}
