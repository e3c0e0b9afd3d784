package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// matrixBody is a matrix as a client writes it.
type matrixBody struct {
	Name       string            `json:"name" maxLength:"200"`
	NameEn     string            `json:"name_en,omitempty" maxLength:"200"`
	Likelihood []risk.ScaleLevel `json:"likelihood" maxItems:"10" doc:"the likelihood scale, lowest first, values 1, 2, 3…"`
	Impact     []risk.ScaleLevel `json:"impact" maxItems:"10" doc:"the impact scale, lowest first, values 1, 2, 3…"`
	Bands      []bandBody        `json:"bands" maxItems:"100" doc:"score ranges to levels, lowest first, covering 1 to the highest score (likelihood levels × impact levels) without gap or overlap"`
}

// matrixCreateBody is a new matrix: its id and its definition.
type matrixCreateBody struct {
	ID         string            `json:"id" maxLength:"20" pattern:"^[A-Za-z0-9_-]+$" doc:"short code used in links and imports, e.g. 6x6"`
	Name       string            `json:"name" maxLength:"200"`
	NameEn     string            `json:"name_en,omitempty" maxLength:"200"`
	Likelihood []risk.ScaleLevel `json:"likelihood" maxItems:"10" doc:"the likelihood scale, lowest first, values 1, 2, 3…"`
	Impact     []risk.ScaleLevel `json:"impact" maxItems:"10" doc:"the impact scale, lowest first, values 1, 2, 3…"`
	Bands      []bandBody        `json:"bands" maxItems:"100" doc:"score ranges to levels, lowest first, covering 1 to the highest score (likelihood levels × impact levels) without gap or overlap"`
}

// bandBody is a band as a client writes it; its labels default to the
// level's (重大 Critical…).
type bandBody struct {
	Min     int        `json:"min"`
	Max     int        `json:"max"`
	Level   risk.Level `json:"level" enum:"low,medium,high,critical"`
	Label   string     `json:"label,omitempty" maxLength:"50" doc:"default: the level's Chinese grade"`
	LabelEn string     `json:"label_en,omitempty" maxLength:"50" doc:"default: the level's English name"`
	Color   string     `json:"color" maxLength:"30" doc:"CSS colour of the cells, e.g. #d9342b"`
}

func (b matrixBody) matrix(id string) risk.Matrix {
	m := risk.Matrix{ID: id, Name: b.Name, NameEn: b.NameEn, Likelihood: b.Likelihood, Impact: b.Impact}
	for _, x := range b.Bands {
		m.Bands = append(m.Bands, risk.Band{Min: x.Min, Max: x.Max, Level: x.Level, Label: x.Label, LabelEn: x.LabelEn, Color: x.Color})
	}
	return m
}

// registerRiskMatrices adds the operations that edit matrices of your own.
func (h *handlers) registerRiskMatrices(api huma.API) {
	tags := []string{"risks"}
	manage := authz.Needs(authz.RiskManage)

	register(api, manage, huma.Operation{
		OperationID: "create-risk-matrix", Method: http.MethodPost, Path: "/risk-matrices", Tags: tags,
		Summary: "Add an assessment matrix of your own", DefaultStatus: http.StatusCreated,
		Description: "Scales of 2 to 10 levels with labels in both languages, and bands that cover every score from 1 to the highest " +
			"exactly once with levels never going down. A duplicate id is refused with 409.",
		Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct{ Body matrixCreateBody }) (*out[risk.Matrix], error) {
		b := in.Body
		m, err := h.d.Risk.SaveMatrix(ctx, matrixBody{Name: b.Name, NameEn: b.NameEn, Likelihood: b.Likelihood, Impact: b.Impact, Bands: b.Bands}.matrix(b.ID), true)
		if err != nil {
			return nil, err
		}
		return ok(m)
	})

	register(api, manage, huma.Operation{
		OperationID: "update-risk-matrix", Method: http.MethodPut, Path: "/risk-matrices/{id}", Tags: tags,
		Summary: "Change an assessment matrix of your own",
		Description: "The built-in matrices cannot change (409). On a matrix in use (risks rated, assessments or survey campaigns on it) " +
			"only names, labels, descriptions and colours change: the scales' sizes and the bands' ranges and levels stay.",
		Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"20"`
		Body matrixBody
	}) (*out[risk.Matrix], error) {
		m, err := h.d.Risk.SaveMatrix(ctx, in.Body.matrix(in.ID), false)
		if err != nil {
			return nil, err
		}
		return ok(m)
	})

	register(api, manage, huma.Operation{
		OperationID: "delete-risk-matrix", Method: http.MethodDelete, Path: "/risk-matrices/{id}", Tags: tags,
		Summary:     "Delete an assessment matrix of your own",
		Description: "Refused with 409 for a built-in matrix and for a matrix in use.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID string `path:"id" maxLength:"20"`
	}) (*struct{}, error) {
		return nil, h.d.Risk.DeleteMatrix(ctx, in.ID)
	})
}
