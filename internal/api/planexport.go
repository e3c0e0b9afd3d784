package api

import (
	"bytes"
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/planexport"
)

// planExportQuery picks the plan version, format and language of an export.
type planExportQuery struct {
	ID             int64  `path:"id" minimum:"1" doc:"the plan"`
	Number         int    `path:"number" minimum:"1" doc:"the version number"`
	Format         string `query:"format" enum:"docx,pdf,html" default:"pdf" doc:"docx (Word, LibreOffice), pdf (A4, Chinese font embedded) or html (one self-contained page)"`
	Lang           string `query:"lang" enum:"zh-CN,en" doc:"language of the document; default: your profile's language, else Accept-Language"`
	AcceptLanguage string `header:"Accept-Language"`
}

func binaryContent(types ...string) map[string]*huma.MediaType {
	file := &huma.Schema{Type: huma.TypeString, Format: "binary"}
	out := map[string]*huma.MediaType{}
	for _, t := range types {
		out[t] = &huma.MediaType{Schema: file}
	}
	return out
}

func (h *handlers) registerPlanExport(api huma.API) {
	fonts := h.d.Fonts
	if fonts == nil {
		fonts = document.NewLazyFonts("")
	}
	deps := planexport.Deps{Plan: h.d.Plan, Org: h.d.Org, Risk: h.d.Risk, Fonts: fonts, Clock: h.d.Clock}
	read := authz.Needs(authz.PlanRead)

	register(api, read, huma.Operation{
		OperationID: "export-plan-version", Method: http.MethodGet, Path: "/plans/{id}/versions/{number}/export", Tags: []string{"plans"},
		Summary: "Download a plan version as DOCX, PDF or HTML",
		Description: "A document worth printing: cover (kind, version, status, approvers, approval date, owner unit), contents " +
			"and numbered chapters in the order of GB/T 29639-2020, with team tables (members, phones, deputies in order), " +
			"playbooks as checklists of ordered tasks with time limits, and the RTO/RPO table. Any version can be exported; " +
			"the cover shows its status.",
		Responses: map[string]*huma.Response{"200": {Description: "The document", Content: binaryContent(
			planexport.DOCX.ContentType(), planexport.PDF.ContentType(), "text/html")}},
	}, func(ctx context.Context, in *planExportQuery) (*fileOutput, error) {
		f, _ := planexport.ParseFormat(in.Format)
		p, err := h.d.Plan.Plan(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		v, err := h.d.Plan.Version(ctx, in.ID, in.Number)
		if err != nil {
			return nil, err
		}
		lk, err := planexport.NewLookup(ctx, h.d.Org, h.d.Risk, &v)
		if err != nil {
			return nil, err
		}
		var fnt *document.Fonts
		if f == planexport.PDF {
			if fnt, err = fonts.Get(); err != nil {
				return nil, err
			}
		}
		l := lang(ctx, langQuery{Lang: in.Lang, AcceptLanguage: in.AcceptLanguage})
		var buf bytes.Buffer
		if err := planexport.Write(&buf, f, p, v, lk, l, fnt); err != nil {
			return nil, err
		}
		return &fileOutput{ContentType: f.ContentType(), Body: buf.Bytes(),
			ContentDisposition: `attachment; filename="` + planexport.FileName(p, v, l, f) + `"`}, nil
	})

	register(api, read, huma.Operation{
		OperationID: "get-crisis-pack", Method: http.MethodGet, Path: "/crisis-pack", Tags: []string{"plans"},
		Summary: "Download the offline crisis pack (zip)",
		Description: "A zip of static files that work from a USB stick with no server: index.html, every published plan as " +
			"HTML and PDF, teams with phone numbers and deputies, the emergency contact list (also CSV and XLSX) and " +
			"printable playbook checklists. Relative links only, no scripts, no external URLs.",
		Responses: map[string]*huma.Response{"200": {Description: "The crisis pack", Content: binaryContent("application/zip")}},
	}, func(ctx context.Context, in *langQuery) (*fileOutput, error) {
		l := lang(ctx, *in)
		var buf bytes.Buffer
		if err := planexport.WriteCrisisPackZip(ctx, &buf, deps, l); err != nil {
			return nil, err
		}
		name := "crisis-pack-" + h.d.Clock.Now().Format(plan.DateLayout) + "-" + langSuffix(l) + ".zip"
		return &fileOutput{ContentType: "application/zip", ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
	})
}
