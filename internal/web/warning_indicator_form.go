package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// indicatorForm is the indicator editor as typed.
type indicatorForm struct {
	ID          int64
	Code        string
	Name        string
	NameEn      string
	Description string
	Measure     string
	Source      string
	OwnerUnitID string
	Direction   string
	Thresholds  map[string]string // by colour
	Aggregation string
	Window      string
	Hysteresis  string
	Active      bool
	Audience    audienceForm
}

// T returns the typed threshold of a colour.
func (f indicatorForm) T(color string) string { return f.Thresholds[color] }

type indicatorFormPage struct {
	Page
	formState
	Form         indicatorForm
	Editing      bool
	Units        []option
	Sources      []option
	Directions   []option
	Aggregations []option
	Levels       []warnBadge // blue to red, for the threshold inputs
	Choices      audienceChoices
}

var indicatorFields = []string{"code", "name", "name_en", "description", "measure", "source", "owner_unit_id", "direction",
	"thresholds", "thresholds.blue", "thresholds.yellow", "thresholds.orange", "thresholds.red", "aggregation",
	"window_minutes", "hysteresis", "audience", "audience.unit_ids", "audience.team_ids", "audience.roles",
	"audience.person_ids", "audience.partners"}

func (h *handler) indicatorFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f indicatorForm) (indicatorFormPage, error) {
	title := "warnweb.indicator_new"
	if f.ID != 0 {
		title = "warnweb.indicator_edit"
	}
	p := indicatorFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	opts := unitOptions(p.Page, units, f.OwnerUnitID, nil)
	for i, u := range units {
		opts[i].Disabled = !p.principal.On(authz.WarningWrite, u.Path)
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("common.choose")}}, opts...)
	for _, s := range warning.SourceKinds {
		p.Sources = append(p.Sources, option{Value: string(s), Label: p.WarnSource(s), Selected: string(s) == f.Source})
	}
	for _, d := range []warning.Direction{warning.HigherIsWorse, warning.LowerIsWorse} {
		p.Directions = append(p.Directions, option{Value: string(d), Label: p.Tr.T("warnweb.direction." + string(d)), Selected: string(d) == f.Direction})
	}
	for _, a := range warning.Aggregations {
		p.Aggregations = append(p.Aggregations, option{Value: string(a), Label: p.Tr.T("warnweb.aggregation." + string(a)), Selected: string(a) == f.Aggregation})
	}
	for _, l := range warning.Levels {
		p.Levels = append(p.Levels, p.WarnLevel(l))
	}
	p.Choices, err = h.audienceChoicesFor(ctx, p.Page, f.Audience, units)
	return p, err
}

// newIndicator shows an empty indicator editor.
func (h *handler) newIndicator(w http.ResponseWriter, r *http.Request) {
	f := indicatorForm{Source: string(warning.SourceAPI), Direction: string(warning.HigherIsWorse), Aggregation: string(warning.AggLast),
		Window: "0", Hysteresis: "0", Active: true, Thresholds: map[string]string{}}
	p, err := h.indicatorFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "warning_indicator_form", p)
}

// editIndicator shows the editor of an indicator.
func (h *handler) editIndicator(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ind, err := h.d.Warning.Indicator(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := indicatorForm{ID: ind.ID, Code: ind.Code, Name: ind.Name, NameEn: ind.NameEn, Description: ind.Description, Measure: ind.Measure,
		Source: string(ind.Source), OwnerUnitID: idString(ind.OwnerUnitID), Direction: string(ind.Direction), Aggregation: string(ind.Aggregation),
		Window: strconv.Itoa(ind.WindowMinutes), Hysteresis: strconv.FormatFloat(ind.Hysteresis, 'f', -1, 64), Active: ind.Active,
		Thresholds: map[string]string{}, Audience: audienceFormOf(ind.Audience)}
	for _, l := range warning.Levels {
		if t := ind.Thresholds.Of(l); t != nil {
			f.Thresholds[l.Color()] = strconv.FormatFloat(*t, 'f', -1, 64)
		}
	}
	p, err := h.indicatorFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "warning_indicator_form", p)
}

// createIndicator stores a new indicator.
func (h *handler) createIndicator(w http.ResponseWriter, r *http.Request) { h.saveIndicator(w, r, 0) }

// updateIndicator stores changes to an indicator.
func (h *handler) updateIndicator(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveIndicator(w, r, id)
}

func (h *handler) saveIndicator(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	f := indicatorForm{ID: id, Code: pf("code"), Name: pf("name"), NameEn: pf("name_en"), Description: pf("description"), Measure: pf("measure"),
		Source: pf("source"), OwnerUnitID: strings.TrimSpace(pf("owner_unit_id")), Direction: pf("direction"), Aggregation: pf("aggregation"),
		Window: strings.TrimSpace(pf("window_minutes")), Hysteresis: strings.TrimSpace(pf("hysteresis")), Active: pf("active") == "1",
		Thresholds: map[string]string{}, Audience: readAudienceForm(r.PostForm, "audience.")}
	ind := warning.Indicator{ID: id, Code: f.Code, Name: f.Name, NameEn: f.NameEn, Description: strings.TrimSpace(f.Description), Measure: f.Measure,
		Source: warning.SourceKind(f.Source), Direction: warning.Direction(f.Direction), Aggregation: warning.Aggregation(f.Aggregation), Active: f.Active}
	var v errs.Validation
	if uid, ok := parseID(f.OwnerUnitID); ok && uid != 0 {
		ind.OwnerUnitID = uid
	} else if f.OwnerUnitID != "" {
		v.Add("owner_unit_id", "no org unit with this id")
	}
	number := func(field, s string) *float64 {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			v.Add(field, "is not a number")
			return nil
		}
		return &x
	}
	for _, l := range warning.Levels {
		c := l.Color()
		f.Thresholds[c] = strings.TrimSpace(pf("thresholds." + c))
		t := number("thresholds."+c, f.Thresholds[c])
		switch l {
		case warning.Blue:
			ind.Thresholds.Blue = t
		case warning.Yellow:
			ind.Thresholds.Yellow = t
		case warning.Orange:
			ind.Thresholds.Orange = t
		case warning.Red:
			ind.Thresholds.Red = t
		}
	}
	if f.Window != "" {
		n, err := strconv.Atoi(f.Window)
		if err != nil {
			v.Add("window_minutes", "must be a whole number")
		}
		ind.WindowMinutes = n
	}
	if x := number("hysteresis", f.Hysteresis); x != nil {
		ind.Hysteresis = *x
	}
	ind.Audience = f.Audience.audience(&v, "audience.")
	err := saveOrReport(&v, ind.Validate, func() (err error) {
		ind, err = h.d.Warning.SaveIndicator(ctx, ind)
		return err
	})
	if err != nil {
		p, perr := h.indicatorFormPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !fileWarnErrors(p.Page, &p.formState, err, indicatorFields...) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "warning_indicator_form", p)
		return
	}
	h.flash(w, "ok", "common.saved")
	http.Redirect(w, r, "/indicators/"+idString(ind.ID), http.StatusSeeOther)
}
