package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/riskio"
	"github.com/continuo-bcm/continuo/internal/server"
)

// riskBody is a risk as a client writes it: the register fields. Ratings
// are not part of it; they change only by assessment.
type riskBody struct {
	Code        string        `json:"code,omitempty" maxLength:"50" doc:"your own reference, e.g. R-017; unique when given"`
	Title       string        `json:"title" maxLength:"300"`
	TitleEn     string        `json:"title_en,omitempty" maxLength:"300"`
	Category    risk.Category `json:"category" enum:"natural_disaster,public_health,safety_accident,cyber_security,it_failure,supply_chain,utilities,personnel,customer_complaint,public_opinion,policy_regulatory,financial,other"`
	Cause       string        `json:"cause,omitempty" maxLength:"4000" doc:"what could make it happen"`
	Consequence string        `json:"consequence,omitempty" maxLength:"4000" doc:"what would follow"`
	OwnerID     *int64        `json:"owner_id,omitempty" nullable:"true" doc:"the person answerable for the risk"`
	UnitID      int64         `json:"unit_id" doc:"the org unit the risk belongs to; risk.write is checked on it"`
	ProcessIDs  []int64       `json:"process_ids,omitempty" maxItems:"200" doc:"affected business processes (business impact analysis)"`
	Controls    string        `json:"controls,omitempty" maxLength:"4000" doc:"existing controls"`
	Treatment   risk.Strategy `json:"treatment,omitempty" doc:"avoid, reduce, transfer or accept; empty while undecided"`
	Actions     []risk.Action `json:"actions,omitempty" maxItems:"100" doc:"treatment actions"`
	Status      risk.Status   `json:"status,omitempty" enum:"open,treated,accepted,closed" doc:"default open"`
	ReviewDate  string        `json:"review_date,omitempty" doc:"next review, YYYY-MM-DD"`
}

func (b riskBody) risk(id int64) risk.Risk {
	return risk.Risk{ID: id, Code: b.Code, Title: b.Title, TitleEn: b.TitleEn, Category: b.Category, Cause: b.Cause, Consequence: b.Consequence,
		OwnerID: b.OwnerID, UnitID: b.UnitID, ProcessIDs: b.ProcessIDs, Controls: b.Controls, Treatment: b.Treatment, Actions: b.Actions,
		Status: b.Status, ReviewDate: b.ReviewDate}
}

// RiskFilter is the filter of the register list and its export.
type RiskFilter struct {
	Q             string `query:"q" maxLength:"200" doc:"matches code and titles"`
	Category      string `query:"category" doc:"one of the categories"`
	UnitID        int64  `query:"unit_id" minimum:"0" doc:"only risks of this unit and its sub-units"`
	Level         string `query:"level" doc:"the current level: low, medium, high or critical"`
	OwnerID       int64  `query:"owner_id" minimum:"0"`
	Status        string `query:"status" doc:"open, treated, accepted or closed"`
	OverdueReview bool   `query:"overdue_review" doc:"only risks whose review date has passed and that are not closed"`
}

func (f RiskFilter) filter() risk.Filter {
	return risk.Filter{Query: f.Q, Category: risk.Category(f.Category), UnitID: f.UnitID, Level: risk.Level(f.Level), OwnerID: f.OwnerID,
		Status: risk.Status(f.Status), OverdueReview: f.OverdueReview}
}

// riskPage is one page of the ranked register.
type riskPage struct {
	Items  []risk.Risk `json:"items"`
	Total  int         `json:"total" doc:"risks matching the filter, on all pages"`
	Limit  int         `json:"limit"`
	Offset int         `json:"offset"`
}

// assessBody is an assessment as a client records it.
type assessBody struct {
	MatrixID       string     `json:"matrix_id" doc:"3x3, 4x4, 5x5 or a matrix of your own; a residual rating uses the matrix of the inherent one"`
	Kind           risk.Kind  `json:"kind" enum:"inherent,residual"`
	Likelihood     int        `json:"likelihood" doc:"a value of the matrix's likelihood scale, 1 = lowest"`
	Impact         int        `json:"impact" doc:"a value of the matrix's impact scale, 1 = lowest"`
	Predictability *int       `json:"predictability,omitempty" nullable:"true" doc:"1 hard to foresee, 2 foreseeable with warning signs, 3 well foreseeable"`
	Note           string     `json:"note,omitempty" maxLength:"4000"`
	AssessedAt     *time.Time `json:"assessed_at,omitempty" nullable:"true" doc:"when an earlier rating was made (from paper records or another tool); needs risk.manage; default now"`
}

// heatmapQuery selects the ratings a heatmap counts.
type heatmapQuery struct {
	Matrix     string `query:"matrix" default:"5x5" doc:"the matrix whose ratings are counted"`
	Kind       string `query:"kind" default:"inherent" enum:"inherent,residual"`
	Category   string `query:"category" doc:"only risks of this category"`
	UnitID     int64  `query:"unit_id" minimum:"0" doc:"only risks of this unit and its sub-units"`
	IDsPerCell int    `query:"ids_per_cell" default:"20" minimum:"1" maximum:"500" doc:"risk ids listed per cell, highest ranked first"`
}

// riskExportQuery is the filter and file of a register download.
type riskExportQuery struct {
	RiskFilter
	ExportQuery
}

// ExportQuery is exportQuery under an exported name, so that huma reads
// its fields when it is embedded.
type ExportQuery = exportQuery

// maxExport bounds the risks in one download.
const maxExport = 100_000

func (h *handlers) registerRisks(api huma.API) {
	tags := []string{"risks"}
	read, write := authz.Needs(authz.RiskRead), authz.Needs(authz.RiskWrite)
	h.registerRiskMatrices(api)

	register(api, read, huma.Operation{
		OperationID: "list-risk-matrices", Method: http.MethodGet, Path: "/risk-matrices", Tags: tags,
		Summary:     "List the assessment matrices",
		Description: "Each with its likelihood and impact scales (labels in both languages) and the bands that turn a score (likelihood × impact) into a level.",
	}, func(ctx context.Context, _ *struct{}) (*out[items[risk.Matrix]], error) {
		return list(h.d.Risk.Matrices(ctx))
	})

	register(api, read, huma.Operation{
		OperationID: "get-risk-matrix", Method: http.MethodGet, Path: "/risk-matrices/{id}", Tags: tags,
		Summary: "One assessment matrix",
	}, func(ctx context.Context, in *struct {
		ID string `path:"id" maxLength:"20" doc:"the matrix id, e.g. 5x5"`
	}) (*out[risk.Matrix], error) {
		m, err := h.d.Risk.Matrix(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(m)
	})

	register(api, read, huma.Operation{
		OperationID: "list-risks", Method: http.MethodGet, Path: "/risks", Tags: tags,
		Summary:     "The ranked risk register, one page at a time",
		Description: "Highest current level first (residual when assessed, else inherent), then highest score; risks not yet assessed come last.",
	}, func(ctx context.Context, in *struct {
		RiskFilter
		Limit  int `query:"limit" default:"50" minimum:"1" maximum:"500" doc:"page size"`
		Offset int `query:"offset" minimum:"0" doc:"risks to skip"`
	}) (*out[riskPage], error) {
		f := in.filter()
		f.Limit, f.Offset = in.Limit, in.Offset
		rs, total, err := h.d.Risk.Risks(ctx, f)
		if err != nil {
			return nil, inQuery(err)
		}
		return ok(riskPage{Items: nonNil(rs), Total: total, Limit: in.Limit, Offset: in.Offset})
	})

	register(api, write, huma.Operation{
		OperationID: "create-risk", Method: http.MethodPost, Path: "/risks", Tags: tags,
		Summary: "Add a risk to the register", DefaultStatus: http.StatusCreated,
		Description: "Needs risk.write on the risk's unit. The new risk is not yet rated: record its ratings with create-risk-assessment. " +
			"A duplicate code is refused with 409.",
		Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct{ Body riskBody }) (*out[risk.Risk], error) {
		r, err := h.d.Risk.SaveRisk(ctx, in.Body.risk(0))
		if err != nil {
			return nil, err
		}
		return ok(r)
	})

	register(api, read, huma.Operation{
		OperationID: "get-risk", Method: http.MethodGet, Path: "/risks/{id}", Tags: tags,
		Summary: "One risk with its current ratings",
	}, func(ctx context.Context, in *idPath) (*out[risk.Risk], error) {
		r, err := h.d.Risk.Risk(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(r)
	})

	register(api, write, huma.Operation{
		OperationID: "update-risk", Method: http.MethodPut, Path: "/risks/{id}", Tags: tags,
		Summary:     "Replace a risk's register fields",
		Description: "Needs risk.write on the risk's unit, and on the new unit when moving it. The ratings are kept.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body riskBody
	}) (*out[risk.Risk], error) {
		r, err := h.d.Risk.SaveRisk(ctx, in.Body.risk(in.ID))
		if err != nil {
			return nil, err
		}
		return ok(r)
	})

	register(api, write, huma.Operation{
		OperationID: "delete-risk", Method: http.MethodDelete, Path: "/risks/{id}", Tags: tags,
		Summary:     "Delete a risk with its assessment history",
		Description: "Needs risk.write on the risk's unit. To keep a risk that no longer applies, set its status to closed instead.",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, h.d.Risk.DeleteRisk(ctx, in.ID)
	})

	register(api, write, huma.Operation{
		OperationID: "create-risk-assessment", Method: http.MethodPost, Path: "/risks/{id}/assessments", Tags: tags,
		Summary: "Rate a risk", DefaultStatus: http.StatusCreated,
		Description: "Records an inherent or residual rating on a matrix and makes it the risk's current rating of that kind; " +
			"score and level follow from the matrix. Every rating is kept in the history. A residual rating needs an inherent one " +
			"first, on the same matrix. Needs risk.write on the risk's unit.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body assessBody
	}) (*out[risk.Assessment], error) {
		a := risk.Assessment{RiskID: in.ID, MatrixID: in.Body.MatrixID, Kind: in.Body.Kind, Likelihood: in.Body.Likelihood, Impact: in.Body.Impact,
			Predictability: in.Body.Predictability, Note: in.Body.Note}
		if in.Body.AssessedAt != nil {
			a.AssessedAt = *in.Body.AssessedAt
		}
		a, err := h.d.Risk.Assess(ctx, a)
		if err != nil {
			return nil, err
		}
		return ok(a)
	})

	register(api, read, huma.Operation{
		OperationID: "list-risk-assessments", Method: http.MethodGet, Path: "/risks/{id}/assessments", Tags: tags,
		Summary:     "A risk's assessment history",
		Description: "Every rating ever recorded, oldest first: the trend of the risk.",
	}, func(ctx context.Context, in *idPath) (*out[items[risk.Assessment]], error) {
		return list(h.d.Risk.Assessments(ctx, in.ID))
	})

	register(api, read, huma.Operation{
		OperationID: "get-risk-heatmap", Method: http.MethodGet, Path: "/risk-heatmap", Tags: tags,
		Summary: "Heatmap of a matrix",
		Description: "Every likelihood × impact cell of the matrix with its score, level, the number of open risks whose current rating " +
			"of the kind sits there, and the ids of the highest ranked of them for click-through.",
	}, func(ctx context.Context, in *heatmapQuery) (*out[risk.Heatmap], error) {
		hm, err := h.d.Risk.Heatmap(ctx, risk.HeatmapQuery{MatrixID: in.Matrix, Kind: risk.Kind(in.Kind), Category: risk.Category(in.Category),
			UnitID: in.UnitID, IDsPerCell: in.IDsPerCell})
		if err != nil {
			return nil, inQuery(err)
		}
		return ok(hm)
	})

	register(api, read, huma.Operation{
		OperationID: "list-top-risks", Method: http.MethodGet, Path: "/risk-top", Tags: tags,
		Summary: "Top risks by unit",
		Description: "For every unit of the subtree that has open risks: how many, and its n highest ranked assessed ones. " +
			"Units in tree order; each unit counts its own risks, not those of the units under it.",
	}, func(ctx context.Context, in *struct {
		UnitID   int64  `query:"unit_id" minimum:"0" doc:"the root of the subtree; default the whole organisation"`
		Category string `query:"category" doc:"only risks of this category"`
		N        int    `query:"n" default:"5" minimum:"1" maximum:"50" doc:"risks per unit"`
	}) (*out[items[risk.UnitTop]], error) {
		top, err := h.d.Risk.TopRisks(ctx, risk.TopQuery{UnitID: in.UnitID, Category: risk.Category(in.Category), N: in.N})
		if err != nil {
			return nil, inQuery(err)
		}
		for i := range top {
			top[i].Risks = nonNil(top[i].Risks)
		}
		return ok(items[risk.UnitTop]{Items: nonNil(top)})
	})

	register(api, write, huma.Operation{
		OperationID: "import-risks", Method: http.MethodPost, Path: "/risks/import", Tags: tags,
		Summary: "Import risks from a spreadsheet",
		Description: "Creates or updates risks from an XLSX or CSV file with a header row (see the template; English or Chinese " +
			"headers and category names). A row whose code is stored updates that risk. Ratings in the file that differ from a risk's " +
			"current ones are recorded as assessments. All or nothing: a file with any bad row stores nothing and the answer lists " +
			"every problem by row, e.g. `row 7.category`. risk.write is checked on each row's unit.",
		RequestBody:     &huma.RequestBody{Required: true, Content: spreadsheetContent()},
		MaxBodyBytes:    server.MaxUpload,
		BodyReadTimeout: 2 * time.Minute,
		Errors:          []int{http.StatusRequestEntityTooLarge},
	}, func(ctx context.Context, in *importInput) (*out[riskio.Result], error) {
		f := orgio.Format(in.Format)
		if f == "" {
			var err error
			if f, err = orgio.FormatFromName("", in.ContentType); err != nil {
				return nil, err
			}
		}
		res, err := riskio.Import(ctx, h.d.Risk, h.d.DB, bytes.NewReader(in.RawBody), f)
		if err != nil {
			return nil, err
		}
		return ok(res)
	})

	register(api, write, huma.Operation{
		OperationID: "get-risks-template", Method: http.MethodGet, Path: "/risks/import/template", Tags: tags,
		Summary:     "Download the blank risk import file",
		Description: "The header row in the chosen language; the XLSX version has drop-down lists and explains each column on a second sheet.",
		Responses:   map[string]*huma.Response{"200": {Description: "The template file", Content: spreadsheetContent()}},
	}, func(ctx context.Context, in *exportQuery) (*fileOutput, error) {
		l := lang(ctx, langQuery{Lang: in.Lang, AcceptLanguage: in.AcceptLanguage})
		return h.file("risks-template", orgio.Format(in.Format), l, func(w io.Writer) error {
			return riskio.WriteTemplate(w, orgio.Format(in.Format), l)
		})
	})

	register(api, read, huma.Operation{
		OperationID: "export-risks", Method: http.MethodGet, Path: "/risks/export", Tags: tags,
		Summary: "Download the register as XLSX or CSV",
		Description: "The risks matching the filter, ranked as in the list, with their current ratings and levels, in Chinese or English. " +
			"The file can be edited and imported again.",
		Responses: map[string]*huma.Response{"200": {Description: "The register file", Content: spreadsheetContent()}},
	}, func(ctx context.Context, in *riskExportQuery) (*fileOutput, error) {
		f := in.filter()
		var all []risk.Risk
		for {
			f.Limit, f.Offset = 500, len(all)
			page, total, err := h.d.Risk.Risks(ctx, f)
			if err != nil {
				return nil, inQuery(err)
			}
			if total > maxExport {
				return nil, invalidField("query", "more than 100,000 risks match; narrow the filter")
			}
			all = append(all, page...)
			if len(page) < 500 {
				break
			}
		}
		dir, err := riskio.LoadDirectory(ctx, h.d.Risk)
		if err != nil {
			return nil, err
		}
		l := lang(ctx, langQuery{Lang: in.Lang, AcceptLanguage: in.AcceptLanguage})
		return h.file("risks-"+h.d.Clock.Now().Format("2006-01-02"), orgio.Format(in.Format), l, func(w io.Writer) error {
			return riskio.Export(w, orgio.Format(in.Format), all, dir, l)
		})
	})
}

// inQuery names the fields of a domain error after the query parameters
// they came from ("unit_id" → "query.unit_id").
func inQuery(err error) error {
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = make([]errs.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		c.Fields[i] = errs.FieldError{Field: "query." + f.Field, Message: f.Message}
	}
	return &c
}
