package api

import (
	"bytes"
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/biareport"
	"github.com/continuo-bcm/continuo/internal/document"
)

// biaReportQuery picks the format and language of the BIA report.
type biaReportQuery struct {
	Format         string `query:"format" enum:"docx,pdf,html" default:"pdf" doc:"docx (Word, LibreOffice), pdf (A4, Chinese font embedded) or html (one self-contained page)"`
	Lang           string `query:"lang" enum:"zh-CN,en" doc:"language of the report; default: your profile's language, else Accept-Language"`
	AcceptLanguage string `header:"Accept-Language"`
}

func (h *handlers) registerBIAReport(api huma.API) {
	fonts := h.d.Fonts
	if fonts == nil {
		fonts = document.NewLazyFonts("")
	}
	register(api, authz.Needs(authz.BIARead), huma.Operation{
		OperationID: "get-bia-report", Method: http.MethodGet, Path: "/bia-report", Tags: []string{"bia"},
		Summary: "Download the business impact analysis report as DOCX, PDF or HTML",
		Description: "The business impact analysis report (业务影响分析报告): summary and findings, the MTPD, RTO, RPO and MBCO " +
			"of every process, the impact of a disruption of each process by category at each time point, the RTO gaps with " +
			"the chain of dependencies that causes each, the resources recovering too slowly, the single points of failure " +
			"and the order in which to recover everything.",
		Responses: map[string]*huma.Response{"200": {Description: "The report", Content: binaryContent(
			biareport.ContentType("docx"), biareport.ContentType("pdf"), "text/html")}},
	}, func(ctx context.Context, in *biaReportQuery) (*fileOutput, error) {
		now := h.d.Clock.Now()
		d, err := biareport.Load(ctx, h.d.BIA, h.d.Org, now)
		if err != nil {
			return nil, err
		}
		var fnt *document.Fonts
		if in.Format == "pdf" {
			if fnt, err = fonts.Get(); err != nil {
				return nil, err
			}
		}
		l := lang(ctx, langQuery{Lang: in.Lang, AcceptLanguage: in.AcceptLanguage})
		var buf bytes.Buffer
		if err := biareport.Write(&buf, in.Format, biareport.Build(d, l), fnt); err != nil {
			return nil, err
		}
		return &fileOutput{ContentType: biareport.ContentType(in.Format), Body: buf.Bytes(),
			ContentDisposition: `attachment; filename="` + biareport.FileName(now, l, in.Format) + `"`}, nil
	})
}
