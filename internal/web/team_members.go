package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
)

var memberField = regexp.MustCompile(`^members\[(\d+)\]\.(person_id|role|duty|duty_en|deputies\[(\d+)\])$`)

// addMember gives a person a seat on the team (or changes their seat),
// with their deputies in the order given.
func (h *handler) addMember(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	f := memberForm{
		PersonID: strings.TrimSpace(r.PostFormValue("person_id")),
		Role:     r.PostFormValue("role"),
		Duty:     r.PostFormValue("duty"),
		DutyEn:   r.PostFormValue("duty_en"),
		Editing:  r.PostFormValue("editing") != "",
	}
	m := org.Member{Role: org.TeamRole(f.Role), Duty: strings.TrimSpace(f.Duty), DutyEn: strings.TrimSpace(f.DutyEn)}
	var v errs.Validation
	if pid, ok := parseID(f.PersonID); ok && pid != 0 {
		m.PersonID = pid
	} else {
		v.Add("person_id", "is required")
	}
	// Blank deputy rows are ignored; rowOf maps the j-th deputy back to
	// its row.
	var rowOf []int
	for i, d := range r.PostForm["deputy"] {
		f.Deputies = append(f.Deputies, pickerRow{Value: strings.TrimSpace(d)})
		did, ok := parseID(d)
		switch {
		case !ok:
			f.Deputies[i].Err = localizeField(h.trOf(r), "", "is not a person id")
			v.Add("deputies", "is not a person id")
		case did != 0:
			m.Deputies = append(m.Deputies, did)
			rowOf = append(rowOf, i)
		}
	}
	err := v.Err()
	seat := -1
	if err == nil {
		var t org.Team
		if t, err = h.d.Org.Team(ctx, id); err == nil {
			seat = len(t.Members)
			for i, existing := range t.Members {
				if existing.PersonID == m.PersonID {
					seat = i
				}
			}
			_, err = h.d.Org.AddMember(ctx, id, m)
		}
	}
	if err != nil {
		if len(f.Deputies) == 0 {
			f.Deputies = []pickerRow{{}}
		}
		p, perr := h.teamPage(ctx, w, r, id, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		// The service names fields by the seat's index in the whole team;
		// the ones of this seat belong under the form's inputs.
		var fields []errs.FieldError
		for _, fe := range errs.FieldsOf(err) {
			mm := memberField.FindStringSubmatch(fe.Field)
			if mm == nil || strconv.Itoa(seat) != mm[1] {
				fields = append(fields, fe)
				continue
			}
			if mm[3] != "" {
				j, _ := strconv.Atoi(mm[3])
				if j < len(rowOf) {
					p.Form.Deputies[rowOf[j]].Err = localizeField(p.Tr, fe.Field, fe.Message)
					continue
				}
			}
			fields = append(fields, errs.FieldError{Field: mm[2], Message: fe.Message})
		}
		var e *errs.Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			cp := *e
			cp.Fields = fields
			err = &cp
		}
		if !p.setErr(p.Tr, err, "person_id", "role", "duty", "duty_en", "deputies") {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "team", p)
		return
	}
	h.flash(w, "ok", "common.saved")
	http.Redirect(w, r, "/teams/"+idString(id)+"#members", http.StatusSeeOther)
}

// removeMember takes a person's seat away.
func (h *handler) removeMember(w http.ResponseWriter, r *http.Request) {
	id, ok1 := pathID(r, "id")
	personID, ok2 := pathID(r, "person")
	if !ok1 || !ok2 {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if _, err := h.d.Org.RemoveMember(r.Context(), id, personID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "teams.member_removed")
	http.Redirect(w, r, "/teams/"+idString(id)+"#members", http.StatusSeeOther)
}
