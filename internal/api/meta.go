package api

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
)

// versionInfo tells a client what it talks to.
type versionInfo struct {
	Version       string `json:"version" doc:"the Continuo release" example:"1.4.0"`
	SchemaVersion int    `json:"schema_version" doc:"the database schema version (the last migration applied)"`
	API           string `json:"api" doc:"the API version, part of every path" example:"v1"`
}

// specOutput is the OpenAPI document as bytes.
type specOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func (h *handlers) registerMeta(api huma.API) {
	register(api, authz.PublicRule(), huma.Operation{
		OperationID: "get-version", Method: http.MethodGet, Path: "/version", Tags: []string{"meta"},
		Summary: "Version of the server and its database schema",
	}, func(ctx context.Context, _ *struct{}) (*out[versionInfo], error) {
		v, err := h.d.DB.SchemaVersion(ctx)
		if err != nil {
			return nil, err
		}
		return ok(versionInfo{Version: h.d.Version, SchemaVersion: v, API: "v1"})
	})

	// The document is marshalled on first request, when every operation,
	// this one included, has been registered.
	var once sync.Once
	var spec []byte
	var specErr error
	register(api, authz.PublicRule(), huma.Operation{
		OperationID: "get-openapi", Method: http.MethodGet, Path: "/openapi.json", Tags: []string{"meta"},
		Summary: "This OpenAPI 3.1 document",
		Responses: map[string]*huma.Response{"200": {
			Description: "The OpenAPI document of the API",
			Content:     map[string]*huma.MediaType{"application/openapi+json": {Schema: &huma.Schema{Type: huma.TypeObject}}},
		}},
	}, func(ctx context.Context, _ *struct{}) (*specOutput, error) {
		once.Do(func() { spec, specErr = json.Marshal(api.OpenAPI()) })
		if specErr != nil {
			return nil, specErr
		}
		return &specOutput{ContentType: "application/openapi+json", Body: spec}, nil
	})
}
