package api

import (
	"bytes"
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/riskreport"
)

// riskReportQuery picks the matrix, format and language of the report.
type riskReportQuery struct {
	Matrix         string `query:"matrix" default:"5x5" doc:"the matrix whose heatmaps the report shows"`
	Format         string `query:"format" enum:"docx,pdf,html" default:"pdf" doc:"docx (Word, LibreOffice), pdf (A4, Chinese font embedded) or html (one self-contained page)"`
	Lang           string `query:"lang" enum:"zh-CN,en" doc:"language of the report; default: your profile's language, else Accept-Language"`
	AcceptLanguage string `header:"Accept-Language"`
}

func (h *handlers) registerRiskReport(api huma.API) {
	fonts := h.d.Fonts
	if fonts == nil {
		fonts = document.NewLazyFonts("")
	}
	register(api, authz.Needs(authz.RiskRead), huma.Operation{
		OperationID: "get-risk-report", Method: http.MethodGet, Path: "/risk-report", Tags: []string{"risks"},
		Summary: "Download the risk assessment report as DOCX, PDF or HTML",
		Description: "The risk assessment report (风险评估报告): summary by level and category, the inherent and residual " +
			"heatmaps of a matrix as tables coloured by level, the ranked register, a page of detail for every high and " +
			"critical risk with its treatment actions, and the overdue reviews and actions.",
		Responses: map[string]*huma.Response{"200": {Description: "The report", Content: binaryContent(
			riskreport.ContentType("docx"), riskreport.ContentType("pdf"), "text/html")}},
	}, func(ctx context.Context, in *riskReportQuery) (*fileOutput, error) {
		now := h.d.Clock.Now()
		d, err := riskreport.Load(ctx, h.d.Risk, in.Matrix, now)
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
		if err := riskreport.Write(&buf, in.Format, riskreport.Build(d, l), fnt); err != nil {
			return nil, err
		}
		return &fileOutput{ContentType: riskreport.ContentType(in.Format), Body: buf.Bytes(),
			ContentDisposition: `attachment; filename="` + riskreport.FileName(now, l, in.Format) + `"`}, nil
	})
}
