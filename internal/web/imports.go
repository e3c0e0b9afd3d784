package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// importProblem is one problem of a rejected file: its spreadsheet row
// (empty for the file as a whole), column and what is wrong.
type importProblem struct {
	Row     string
	Column  string
	Message string
}

// importPage is the upload form of an import and the outcome of the last
// upload: the counts stored, or every problem found (and nothing stored).
type importPage struct {
	Page
	Action      string
	TemplateURL string
	BackURL     string
	BackLabel   string
	Help        string
	Error       string
	Problems    []importProblem
	Result      *orgio.Result
}

// importKind describes one of the two imports.
type importKind struct {
	titleKey, action, templateURL, backURL, backKey, helpKey string
	run                                                      func(ctx context.Context, svc *org.Service, t tx.Runner, r io.Reader, f orgio.Format) (orgio.Result, error)
	template                                                 func(w io.Writer, f orgio.Format, lang i18n.Lang) error
	filename                                                 string
}

var (
	peopleImport = importKind{titleKey: "people.import_title", action: "/people/import", templateURL: "/people/import/template",
		backURL: "/people", backKey: "people.title", helpKey: "people.import_help", run: orgio.ImportPeople,
		template: orgio.WritePeopleTemplate, filename: "people-template"}
	unitImport = importKind{titleKey: "org.import_title", action: "/org/import", templateURL: "/org/import/template",
		backURL: "/org", backKey: "org.title", helpKey: "org.import_help", run: orgio.ImportUnits,
		template: orgio.WriteUnitsTemplate, filename: "org-units-template"}
)

func (h *handler) importPage(w http.ResponseWriter, r *http.Request, k importKind) importPage {
	p := importPage{Page: h.base(w, r, k.titleKey), Action: k.action, TemplateURL: k.templateURL, BackURL: k.backURL}
	p.BackLabel = p.Tr.T(k.backKey)
	p.Help = p.Tr.T(k.helpKey)
	return p
}

// showPeopleImport shows the people upload form.
func (h *handler) showPeopleImport(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "import", h.importPage(w, r, peopleImport))
}

// showUnitImport shows the org unit upload form.
func (h *handler) showUnitImport(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "import", h.importPage(w, r, unitImport))
}

// importPeople imports an uploaded people file.
func (h *handler) importPeople(w http.ResponseWriter, r *http.Request) {
	h.runImport(w, r, peopleImport)
}

// importUnits imports an uploaded org unit file.
func (h *handler) importUnits(w http.ResponseWriter, r *http.Request) { h.runImport(w, r, unitImport) }

// peopleTemplate downloads the blank people import file.
func (h *handler) peopleTemplate(w http.ResponseWriter, r *http.Request) {
	h.importTemplate(w, r, peopleImport)
}

// unitTemplate downloads the blank org unit import file.
func (h *handler) unitTemplate(w http.ResponseWriter, r *http.Request) {
	h.importTemplate(w, r, unitImport)
}

var problemField = regexp.MustCompile(`^row (\d+)(?:\.(.+))?$`)

// runImport reads the upload (bounded by server.MaxUpload) and runs the
// import; a rejected file lists all its problems.
func (h *handler) runImport(w http.ResponseWriter, r *http.Request, k importKind) {
	p := h.importPage(w, r, k)
	if err := r.ParseMultipartForm(server.MaxUpload); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			p.Error = p.Tr.T("import.too_large", server.MaxUpload>>20)
		} else {
			p.Error = p.Tr.T("import.no_file")
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
		var res orgio.Result
		if res, err = k.run(r.Context(), h.d.Org, h.d.DB, file, format); err == nil {
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
			if m[2] != "" {
				prob.Column = fieldLabel(p.Tr, m[2])
			}
		} else if fe.Field != "file" {
			prob.Column = fieldLabel(p.Tr, fe.Field)
		}
		p.Problems = append(p.Problems, prob)
	}
	if len(p.Problems) == 0 {
		p.Problems = append(p.Problems, importProblem{Message: localizeMessage(p.Tr, err)})
	}
	h.render(w, r, http.StatusUnprocessableEntity, "import", p)
}

// importTemplate downloads the blank import file in the page language
// (?format=csv for CSV, XLSX otherwise).
func (h *handler) importTemplate(w http.ResponseWriter, r *http.Request, k importKind) {
	format := orgio.FormatXLSX
	if r.URL.Query().Get("format") == "csv" {
		format = orgio.FormatCSV
	}
	var buf bytes.Buffer
	if err := k.template(&buf, format, h.langOf(r)); err != nil {
		h.serverError(w, r, err)
		return
	}
	sendFile(w, k.filename+"."+string(format), format, buf.Bytes())
}

// sendFile writes a spreadsheet as a download.
func sendFile(w http.ResponseWriter, name string, f orgio.Format, data []byte) {
	ct := "text/csv; charset=utf-8"
	if f == orgio.FormatXLSX {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
}
