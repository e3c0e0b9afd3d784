package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// matrixRow is one matrix of the list, drawn as its grid.
type matrixRow struct {
	risk.Matrix
	Name  string
	Grid  grid
	Bands []bandView
}

type bandView struct {
	Badge levelBadge
	Range string
	Color string
}

// matrixListPage lists the assessment matrices.
type matrixListPage struct {
	Page
	Matrices  []matrixRow
	CanManage bool
}

// listMatrices shows every assessment matrix with its grid and bands.
func (h *handler) listMatrices(w http.ResponseWriter, r *http.Request) {
	ms, err := h.d.Risk.Matrices(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := matrixListPage{Page: h.base(w, r, "risk.matrices")}
	p.CanManage = p.principal.Any(authz.RiskManage)
	for i := range ms {
		m := &ms[i]
		row := matrixRow{Matrix: *m, Name: p.L(m.Name, m.NameEn), Grid: buildGrid(p.Page, m, nil)}
		for _, b := range m.Bands {
			row.Bands = append(row.Bands, bandView{Badge: levelBadge{Level: b.Level, Label: p.L(b.Label, b.LabelEn), Class: levelClass(b.Level)},
				Range: strconv.Itoa(b.Min) + "–" + strconv.Itoa(b.Max), Color: b.Color})
		}
		p.Matrices = append(p.Matrices, row)
	}
	h.render(w, r, http.StatusOK, "risk_matrices", p)
}

// bandRow is one band of the matrix form.
type bandRow struct {
	Min, Max, Level, Color string
	Levels                 []option
}

// matrixFormPage is the form of a matrix of your own.
type matrixFormPage struct {
	Page
	formState
	Editing    bool
	ID         string
	Name       string
	NameEn     string
	Likelihood string // one level a line: 中文 | English
	Impact     string
	Bands      []bandRow
}

const formBands = 6

var matrixFields = []string{"id", "name", "name_en", "likelihood", "impact", "bands"}

func scaleText(s []risk.ScaleLevel) string {
	var b strings.Builder
	for _, l := range s {
		b.WriteString(l.Label + " | " + l.LabelEn + "\n")
	}
	return b.String()
}

func parseScale(text string) []risk.ScaleLevel {
	var out []risk.ScaleLevel
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		zh, en, _ := strings.Cut(line, "|")
		out = append(out, risk.ScaleLevel{Value: len(out) + 1, Label: strings.TrimSpace(zh), LabelEn: strings.TrimSpace(en)})
	}
	return out
}

func (p Page) levelOptionsFor(selected string) []option {
	out := []option{{Value: "", Label: "—"}}
	for _, l := range risk.Levels {
		out = append(out, option{Value: string(l), Label: p.RiskLevel(l).Label, Selected: string(l) == selected})
	}
	return out
}

func (h *handler) matrixForm(w http.ResponseWriter, r *http.Request, m risk.Matrix, editing bool) matrixFormPage {
	title := "risk.matrix_new"
	if editing {
		title = "risk.matrix_edit"
	}
	p := matrixFormPage{Page: h.base(w, r, title), Editing: editing, ID: m.ID, Name: m.Name, NameEn: m.NameEn,
		Likelihood: scaleText(m.Likelihood), Impact: scaleText(m.Impact)}
	for _, b := range m.Bands {
		p.Bands = append(p.Bands, bandRow{Min: strconv.Itoa(b.Min), Max: strconv.Itoa(b.Max), Level: string(b.Level), Color: b.Color})
	}
	// A new matrix starts with one row per level, lowest first.
	for i := 0; len(m.Bands) == 0 && i < len(risk.Levels); i++ {
		p.Bands = append(p.Bands, bandRow{Level: string(risk.Levels[i])})
	}
	for len(p.Bands) < formBands {
		p.Bands = append(p.Bands, bandRow{})
	}
	for i := range p.Bands {
		p.Bands[i].Levels = p.levelOptionsFor(p.Bands[i].Level)
	}
	return p
}

// newMatrix shows an empty matrix form, prefilled from ?from= (a matrix to
// start from).
func (h *handler) newMatrix(w http.ResponseWriter, r *http.Request) {
	m := risk.Matrix{}
	if from := r.URL.Query().Get("from"); from != "" {
		src, err := h.d.Risk.Matrix(r.Context(), from)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		m = src
		m.ID = ""
	}
	h.render(w, r, http.StatusOK, "risk_matrix_form", h.matrixForm(w, r, m, false))
}

// editMatrix shows the form of a matrix of your own.
func (h *handler) editMatrix(w http.ResponseWriter, r *http.Request) {
	m, err := h.d.Risk.Matrix(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if m.Builtin {
		h.surveyFail(w, r, errs.New(errs.Conflict, "the built-in matrix %s cannot be changed; make a matrix of your own", m.ID))
		return
	}
	h.render(w, r, http.StatusOK, "risk_matrix_form", h.matrixForm(w, r, m, true))
}

// createMatrix stores a new matrix.
func (h *handler) createMatrix(w http.ResponseWriter, r *http.Request) { h.saveMatrix(w, r, "", true) }

// updateMatrix stores a matrix of your own.
func (h *handler) updateMatrix(w http.ResponseWriter, r *http.Request) {
	h.saveMatrix(w, r, r.PathValue("id"), false)
}

var matrixSubField = regexp.MustCompile(`^(likelihood|impact|bands)\[(\d+)\]\.(\w+)$`)

func (h *handler) saveMatrix(w http.ResponseWriter, r *http.Request, id string, create bool) {
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	if create {
		id = strings.TrimSpace(pf("id"))
	}
	m := risk.Matrix{ID: id, Name: pf("name"), NameEn: pf("name_en"), Likelihood: parseScale(pf("likelihood")), Impact: parseScale(pf("impact"))}
	var v errs.Validation
	mins, maxs, levels, colors := r.PostForm["band_min"], r.PostForm["band_max"], r.PostForm["band_level"], r.PostForm["band_color"]
	at := func(s []string, i int) string {
		if i < len(s) {
			return strings.TrimSpace(s[i])
		}
		return ""
	}
	var rows []bandRow
	for i := range mins {
		row := bandRow{Min: at(mins, i), Max: at(maxs, i), Level: at(levels, i), Color: at(colors, i)}
		rows = append(rows, row)
		if row.Min == "" && row.Max == "" {
			continue // an unused row, whatever level it shows
		}
		lo, err1 := strconv.Atoi(row.Min)
		hi, err2 := strconv.Atoi(row.Max)
		if err1 != nil || err2 != nil {
			v.Add("bands", "band %d: min and max must be whole numbers", len(m.Bands)+1)
			continue
		}
		color := row.Color
		if color == "" {
			color = map[risk.Level]string{risk.Low: risk.ColorLow, risk.Medium: risk.ColorMedium, risk.High: risk.ColorHigh, risk.Critical: risk.ColorCritical}[risk.Level(row.Level)]
		}
		m.Bands = append(m.Bands, risk.Band{Min: lo, Max: hi, Level: risk.Level(row.Level), Color: color})
	}
	err := v.Err()
	if err == nil {
		m, err = h.d.Risk.SaveMatrix(r.Context(), m, create)
	}
	if err == nil {
		h.flash(w, "ok", "common.saved")
		http.Redirect(w, r, "/risk-matrices#matrix-"+m.ID, http.StatusSeeOther)
		return
	}
	code := errs.CodeOf(err)
	if code != errs.Invalid && !(code == errs.Conflict && len(errs.FieldsOf(err)) > 0) {
		h.surveyFail(w, r, err)
		return
	}
	p := h.matrixForm(w, r, risk.Matrix{ID: id, Name: m.Name, NameEn: m.NameEn}, !create)
	p.Likelihood, p.Impact = pf("likelihood"), pf("impact")
	if len(rows) > 0 {
		p.Bands = rows
		for i := range p.Bands {
			p.Bands[i].Levels = p.levelOptionsFor(p.Bands[i].Level)
		}
	}
	// Errors of one level or band show under its list, with its number.
	err = localizeSurvey(p.Tr, err)
	var fields []errs.FieldError
	for _, fe := range errs.FieldsOf(err) {
		if sm := matrixSubField.FindStringSubmatch(fe.Field); sm != nil {
			n, _ := strconv.Atoi(sm[2])
			fe.Message = p.Tr.T("risk.matrix_line", n+1) + " " + localizeField(p.Tr, sm[3], fe.Message)
			fe.Field = sm[1]
		}
		fields = append(fields, fe)
	}
	if !p.setErr(p.Tr, withFields(err, fields), matrixFields...) {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, "risk_matrix_form", p)
}

// deleteMatrix removes a matrix of your own that nothing was rated on.
func (h *handler) deleteMatrix(w http.ResponseWriter, r *http.Request) {
	if err := h.d.Risk.DeleteMatrix(r.Context(), r.PathValue("id")); err != nil {
		h.surveyFail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/risk-matrices", http.StatusSeeOther)
}
