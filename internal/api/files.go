package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// The media types of spreadsheet files.
const (
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mediaCSV  = "text/csv"
)

// importInput is an uploaded spreadsheet: the raw file as the body.
type importInput struct {
	Format      string `query:"format" enum:"csv,xlsx" doc:"the file format; default: from Content-Type"`
	ContentType string `header:"Content-Type" hidden:"true"`
	RawBody     []byte `contentType:"text/csv"`
}

// importResult says what an import stored.
type importResult struct {
	Imported int `json:"imported" doc:"rows stored: created + updated"`
	Created  int `json:"created" doc:"new rows"`
	Updated  int `json:"updated" doc:"rows that updated a stored one (same employee number or unit code)"`
}

// fileOutput is a file download.
type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

// spreadsheetContent documents a body that is an XLSX or CSV file.
func spreadsheetContent() map[string]*huma.MediaType {
	file := &huma.Schema{Type: huma.TypeString, Format: "binary"}
	return map[string]*huma.MediaType{mediaXLSX: {Schema: file}, mediaCSV: {Schema: file}}
}

type importFunc func(ctx context.Context, svc *org.Service, t tx.Runner, r io.Reader, f orgio.Format) (orgio.Result, error)

type templateFunc func(w io.Writer, f orgio.Format, lang i18n.Lang) error

func (h *handlers) registerImports(api huma.API) {
	people, units := authz.Needs(authz.PeopleWrite), authz.Needs(authz.OrgWrite)
	h.registerImport(api, people, "import-people", "/people/import", "people",
		"Import people from a spreadsheet",
		"Creates or updates people from an XLSX or CSV file with a header row (see the template; English or "+
			"Chinese headers). A row whose employee number is stored updates that person. All or nothing: a file "+
			"with any bad row stores nothing and the answer lists every problem by row, e.g. `row 7.mobile`.",
		orgio.ImportPeople)
	h.registerTemplate(api, people, "get-people-template", "/people/import/template", "people", "people", orgio.WritePeopleTemplate)
	h.registerImport(api, units, "import-units", "/units/import", "units",
		"Import org units from a spreadsheet",
		"Creates or updates org units from an XLSX or CSV file with a header row (see the template). A row whose "+
			"code is stored updates that unit. All or nothing, like the people import.",
		orgio.ImportUnits)
	h.registerTemplate(api, units, "get-units-template", "/units/import/template", "units", "units", orgio.WriteUnitsTemplate)
}

func (h *handlers) registerTemplate(api huma.API, rule authz.Rule, id, path, tag, what string, write templateFunc) {
	register(api, rule, huma.Operation{
		OperationID: id, Method: http.MethodGet, Path: path, Tags: []string{tag},
		Summary:     "Download the blank " + what + " import file",
		Description: "The header row in the chosen language; the XLSX version explains each column on a second sheet.",
		Responses:   map[string]*huma.Response{"200": {Description: "The template file", Content: spreadsheetContent()}},
	}, func(ctx context.Context, in *exportQuery) (*fileOutput, error) {
		l := lang(ctx, langQuery{Lang: in.Lang, AcceptLanguage: in.AcceptLanguage})
		return h.file(what+"-template", orgio.Format(in.Format), l, func(w io.Writer) error {
			return write(w, orgio.Format(in.Format), l)
		})
	})
}

func (h *handlers) registerImport(api huma.API, rule authz.Rule, id, path, tag, summary, desc string, run importFunc) {
	register(api, rule, huma.Operation{
		OperationID: id, Method: http.MethodPost, Path: path, Tags: []string{tag},
		Summary: summary, Description: desc,
		RequestBody:     &huma.RequestBody{Required: true, Content: spreadsheetContent()},
		MaxBodyBytes:    server.MaxUpload,
		BodyReadTimeout: 2 * time.Minute,
		Errors:          []int{http.StatusRequestEntityTooLarge},
	}, func(ctx context.Context, in *importInput) (*out[importResult], error) {
		f := orgio.Format(in.Format)
		if f == "" {
			var err error
			if f, err = orgio.FormatFromName("", in.ContentType); err != nil {
				return nil, err
			}
		}
		res, err := run(ctx, h.d.Org, h.d.DB, bytes.NewReader(in.RawBody), f)
		if err != nil {
			return nil, err
		}
		return ok(importResult{Imported: res.Imported, Created: res.Created, Updated: res.Updated})
	})
}

// exportQuery picks the format and language of a downloaded file.
type exportQuery struct {
	Format         string `query:"format" enum:"xlsx,csv" default:"xlsx"`
	Lang           string `query:"lang" enum:"zh-CN,en" doc:"language of headers and labels; default: your profile's language, else Accept-Language"`
	AcceptLanguage string `header:"Accept-Language"`
}

func (h *handlers) registerContactListExport(api huma.API) {
	register(api, authz.Needs(authz.OrgRead), huma.Operation{
		OperationID: "export-contact-list", Method: http.MethodGet, Path: "/contact-list/export", Tags: []string{"contact list"},
		Summary:     "Download the emergency contact list as XLSX or CSV",
		Description: "A file ready to print or to keep offline, in Chinese or English.",
		Responses:   map[string]*huma.Response{"200": {Description: "The contact list file", Content: spreadsheetContent()}},
	}, func(ctx context.Context, in *exportQuery) (*fileOutput, error) {
		rows, err := h.d.Org.ContactList(ctx)
		if err != nil {
			return nil, err
		}
		l := lang(ctx, langQuery{Lang: in.Lang, AcceptLanguage: in.AcceptLanguage})
		f := orgio.Format(in.Format)
		return h.file("contact-list-"+h.d.Clock.Now().Format("2006-01-02"), f, l, func(w io.Writer) error {
			return orgio.WriteContactList(w, f, rows, l)
		})
	})
}

// file writes a spreadsheet in memory, so that a failure is still answered
// with an error body, and returns it as a download named
// "<base>-<lang>.<format>".
func (h *handlers) file(base string, f orgio.Format, l i18n.Lang, write func(io.Writer) error) (*fileOutput, error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return nil, err
	}
	ct := mediaXLSX
	if f == orgio.FormatCSV {
		ct = mediaCSV + "; charset=utf-8"
	}
	name := fmt.Sprintf("%s-%s.%s", base, langSuffix(l), f)
	return &fileOutput{ContentType: ct, ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
}

func langSuffix(l i18n.Lang) string {
	if l == i18n.ZH {
		return "zh"
	}
	return "en"
}
