package web

import (
	"bytes"
	"errors"
	"net/http"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/riskio"
	"github.com/continuo-bcm/continuo/internal/server"
)

// riskIOAvailable tells the register page to offer the spreadsheet import
// and export.
const riskIOAvailable = true

// riskImportPage is the import page (the shared import template) with the
// outcome of a risk import.
type riskImportPage struct {
	Page
	Action      string
	TemplateURL string
	BackURL     string
	BackLabel   string
	Help        string
	Error       string
	Problems    []importProblem
	Result      *riskio.Result
}

func (h *handler) riskImportPage(w http.ResponseWriter, r *http.Request) riskImportPage {
	p := riskImportPage{Page: h.base(w, r, "risk.import_title"), Action: "/risks/import", TemplateURL: "/risks/import/template", BackURL: "/risks"}
	p.BackLabel = p.Tr.T("risk.title")
	p.Help = p.Tr.T("risk.import_help")
	return p
}

// showRiskImport shows the risk upload form.
func (h *handler) showRiskImport(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "import", h.riskImportPage(w, r))
}

// importRisks imports an uploaded register file: every row or none; a
// rejected file lists all its problems by row and column.
func (h *handler) importRisks(w http.ResponseWriter, r *http.Request) {
	p := h.riskImportPage(w, r)
	if err := r.ParseMultipartForm(server.MaxUpload); err != nil {
		p.Error = p.Tr.T("import.no_file")
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			p.Error = p.Tr.T("import.too_large", server.MaxUpload>>20)
		}
		h.render(w, r, http.StatusUnprocessableEntity, "import", p)
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		p.Error = p.Tr.T("import.no_file")
		h.render(w, r, http.StatusUnprocessableEntity, "import", p)
		return
	}
	defer file.Close()
	format, err := orgio.FormatFromName(hdr.Filename, hdr.Header.Get("Content-Type"))
	if err == nil {
		var res riskio.Result
		if res, err = riskio.Import(r.Context(), h.d.Risk, h.d.DB, file, format); err == nil {
			p.Result = &res
			p.Flash = &flashMessage{Kind: "ok", Text: p.Tr.T("import.imported", res.Imported)}
			h.render(w, r, http.StatusOK, "import", p)
			return
		}
	}
	if !errs.Is(err, errs.Invalid) {
		h.fail(w, r, err)
		return
	}
	p.Error = p.Tr.T("import.failed")
	for _, fe := range errs.FieldsOf(err) {
		prob := importProblem{Message: localizeField(p.Tr, fe.Field, fe.Message)}
		if m := problemField.FindStringSubmatch(fe.Field); m != nil {
			prob.Row = m[1]
			prob.Column = riskColumn(p.Tr, m[2])
		} else if fe.Field != "file" {
			prob.Column = riskColumn(p.Tr, fe.Field)
		}
		p.Problems = append(p.Problems, prob)
	}
	if len(p.Problems) == 0 {
		p.Problems = append(p.Problems, importProblem{Message: localizeMessage(p.Tr, err)})
	}
	h.render(w, r, http.StatusUnprocessableEntity, "import", p)
}

// riskTemplate downloads the blank import file in the page language
// (?format=csv for CSV, XLSX otherwise).
func (h *handler) riskTemplate(w http.ResponseWriter, r *http.Request) {
	format := orgio.FormatXLSX
	if r.URL.Query().Get("format") == "csv" {
		format = orgio.FormatCSV
	}
	var buf bytes.Buffer
	if err := riskio.WriteTemplate(&buf, format, h.langOf(r)); err != nil {
		h.serverError(w, r, err)
		return
	}
	sendFile(w, "risks-template."+string(format), format, buf.Bytes())
}

// exportRisks downloads the register as filtered on the page, ranked, in
// the page language (?format=csv for CSV, XLSX otherwise).
func (h *handler) exportRisks(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	format := orgio.FormatXLSX
	if q.Get("format") == "csv" {
		format = orgio.FormatCSV
	}
	p := riskListPage{Page: h.base(w, r, "")}
	f, _, _, err := h.riskFilter(ctx, &p, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.Limit = 500
	rs, total, err := h.d.Risk.Risks(ctx, f)
	for err == nil && len(rs) < total {
		f.Offset = len(rs)
		var more []risk.Risk
		if more, _, err = h.d.Risk.Risks(ctx, f); err == nil {
			if len(more) == 0 {
				break
			}
			rs = append(rs, more...)
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	dir, err := riskio.LoadDirectory(ctx, h.d.Risk)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := riskio.Export(&buf, format, rs, dir, h.langOf(r)); err != nil {
		h.serverError(w, r, err)
		return
	}
	sendFile(w, "risks-"+h.d.Clock.Now().In(h.loc()).Format(time.DateOnly)+"."+string(format), format, buf.Bytes())
}

// riskColumn names a column of the register file in the page language.
func riskColumn(tr i18n.Translator, key string) string {
	if key == "" || !i18n.Has("riskio.col."+key) {
		return key
	}
	return tr.T("riskio.col." + key)
}
