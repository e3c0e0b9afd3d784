package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// warningForm is the form to issue a warning, as typed.
type warningForm struct {
	Level      string
	Title      string
	TitleEn    string
	Category   string
	Area       string
	UnitIDs    []string
	Impact     string
	Measures   string
	ValidUntil string // datetime-local, in the organisation's time zone
	Audience   audienceForm
}

type warningFormPage struct {
	Page
	formState
	Form       warningForm
	Levels     []option
	Categories []option
	Units      []checkOption
	Choices    audienceChoices
}

var warningFormFields = []string{"level", "title", "title_en", "category", "area", "unit_ids", "impact", "measures",
	"valid_until", "audience", "audience.unit_ids", "audience.team_ids", "audience.roles", "audience.person_ids", "audience.partners"}

// datetimeLocal is the layout of <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

func (h *handler) warningFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f warningForm) (warningFormPage, error) {
	p := warningFormPage{Page: h.base(w, r, "warnweb.issue"), Form: f}
	p.Levels = warnLevelOptions(p.Page, f.Level, true)
	p.Categories = categoryChoices(p.Page, f.Category)
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	// Issuing needs warning.write on every affected and recipient unit:
	// the others are shown but cannot be chosen.
	depth := unitDepths(units)
	writable := map[string]bool{}
	for _, u := range units {
		id := idString(u.ID)
		writable[id] = p.principal.On(authz.WarningWrite, u.Path)
		p.Units = append(p.Units, checkOption{Value: id, Label: p.L(u.Name, u.NameEn), Depth: depth[u.ID], Checked: contains(f.UnitIDs, id),
			Disabled: !writable[id]})
	}
	p.Choices, err = h.audienceChoicesFor(ctx, p.Page, f.Audience, units)
	for i := range p.Choices.Units {
		p.Choices.Units[i].Disabled = !writable[p.Choices.Units[i].Value]
	}
	return p, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// categoryChoices lists the CAP categories in the page language.
func categoryChoices(p Page, selected string) []option {
	if selected == "" {
		selected = "Other"
	}
	out := make([]option, 0, len(warning.Categories))
	for _, c := range warning.Categories {
		out = append(out, option{Value: c, Label: p.Tr.T("warnweb.category." + c), Selected: c == selected})
	}
	return out
}

// newWarning shows the form to issue a warning.
func (h *handler) newWarning(w http.ResponseWriter, r *http.Request) {
	p, err := h.warningFormPage(r.Context(), w, r, warningForm{Category: "Other"})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "warning_form", p)
}

// issueWarning issues a warning by hand.
func (h *handler) issueWarning(hub *boardHub) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := r.ParseForm(); err != nil {
			h.errorStatus(w, r, http.StatusBadRequest, "")
			return
		}
		pf := r.PostFormValue
		f := warningForm{Level: pf("level"), Title: pf("title"), TitleEn: pf("title_en"), Category: pf("category"), Area: pf("area"),
			UnitIDs: r.PostForm["unit_ids"], Impact: pf("impact"), Measures: pf("measures"), ValidUntil: strings.TrimSpace(pf("valid_until")),
			Audience: readAudienceForm(r.PostForm, "audience.")}
		var v errs.Validation
		wn := warning.Warning{Title: f.Title, TitleEn: f.TitleEn, Category: f.Category, Area: f.Area, Impact: f.Impact, Measures: f.Measures}
		if n, err := strconv.Atoi(f.Level); err == nil {
			wn.Level = warning.Level(n)
		}
		for _, s := range f.UnitIDs {
			if id, ok := parseID(s); ok && id > 0 {
				wn.UnitIDs = append(wn.UnitIDs, id)
			} else {
				v.Add("unit_ids", "is not an id")
			}
		}
		if f.ValidUntil != "" {
			t, err := time.ParseInLocation(datetimeLocal, f.ValidUntil, h.loc())
			if err != nil {
				v.Add("valid_until", "is not a time")
			} else {
				wn.ValidUntil = &t
			}
		}
		wn.Audience = f.Audience.audience(&v, "audience.")
		err := saveOrReport(&v, wn.Validate, func() (err error) {
			wn, err = h.d.Warning.Issue(ctx, wn)
			return err
		})
		if err != nil {
			p, perr := h.warningFormPage(ctx, w, r, f)
			if perr != nil {
				h.fail(w, r, perr)
				return
			}
			if !fileWarnErrors(p.Page, &p.formState, err, warningFormFields...) {
				h.fail(w, r, err)
				return
			}
			h.render(w, r, http.StatusUnprocessableEntity, "warning_form", p)
			return
		}
		hub.changed()
		h.flash(w, "ok", "warnweb.issued")
		http.Redirect(w, r, "/warnings/"+idString(wn.ID), http.StatusSeeOther)
	}
}
