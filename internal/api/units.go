package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/org"
)

// unitBody is an org unit as a client writes it.
type unitBody struct {
	ParentID  *int64       `json:"parent_id,omitempty" nullable:"true" doc:"the parent unit; absent or null for a top-level unit (administrators only)"`
	Kind      org.UnitKind `json:"kind" enum:"group,branch,subsidiary,department"`
	Code      string       `json:"code,omitempty" doc:"a short code of your own, e.g. the cost centre"`
	Name      string       `json:"name" doc:"the name in Chinese (or the main language)"`
	NameEn    string       `json:"name_en,omitempty" doc:"the English name"`
	SortOrder int          `json:"sort_order,omitempty" doc:"order among siblings"`
}

func (b unitBody) unit(id int64) org.Unit {
	return org.Unit{ID: id, ParentID: b.ParentID, Kind: b.Kind, Code: b.Code, Name: b.Name, NameEn: b.NameEn, SortOrder: b.SortOrder}
}

// siteBody is a site as a client writes it.
type siteBody struct {
	UnitID  *int64 `json:"unit_id,omitempty" nullable:"true" doc:"the unit the site belongs to; absent for a site of the whole organisation"`
	Name    string `json:"name"`
	NameEn  string `json:"name_en,omitempty"`
	Address string `json:"address,omitempty"`
}

func (b siteBody) site(id int64) org.Site {
	return org.Site{ID: id, UnitID: b.UnitID, Name: b.Name, NameEn: b.NameEn, Address: b.Address}
}

func (h *handlers) registerUnits(api huma.API) {
	tags := []string{"units"}
	read, write := authz.Needs(authz.OrgRead), authz.Needs(authz.OrgWrite)

	register(api, read, huma.Operation{
		OperationID: "list-units", Method: http.MethodGet, Path: "/units", Tags: tags,
		Summary: "Every org unit, in tree order",
	}, func(ctx context.Context, _ *struct{}) (*out[items[org.Unit]], error) {
		return list(h.d.Org.Units(ctx))
	})

	register(api, write, huma.Operation{
		OperationID: "create-unit", Method: http.MethodPost, Path: "/units", Tags: tags,
		Summary: "Create an org unit", DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *struct{ Body unitBody }) (*out[org.Unit], error) {
		u, err := h.d.Org.CreateUnit(ctx, in.Body.unit(0))
		if err != nil {
			return nil, err
		}
		return ok(u)
	})

	register(api, read, huma.Operation{
		OperationID: "get-unit", Method: http.MethodGet, Path: "/units/{id}", Tags: tags,
		Summary: "One org unit",
	}, func(ctx context.Context, in *idPath) (*out[org.Unit], error) {
		u, err := h.d.Org.Unit(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(u)
	})

	register(api, write, huma.Operation{
		OperationID: "update-unit", Method: http.MethodPut, Path: "/units/{id}", Tags: tags,
		Summary:     "Replace an org unit",
		Description: "Moving a unit under another parent moves its whole subtree; a unit cannot move into its own subtree.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body unitBody
	}) (*out[org.Unit], error) {
		u, err := h.d.Org.UpdateUnit(ctx, in.Body.unit(in.ID))
		if err != nil {
			return nil, err
		}
		return ok(u)
	})

	register(api, write, huma.Operation{
		OperationID: "delete-unit", Method: http.MethodDelete, Path: "/units/{id}", Tags: tags,
		Summary:     "Delete an org unit nothing refers to",
		Description: "Refused with 409 while the unit has sub-units, people, teams or sites.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, h.d.Org.DeleteUnit(ctx, in.ID)
	})
}

func (h *handlers) registerSites(api huma.API) {
	tags := []string{"sites"}
	read, write := authz.Needs(authz.OrgRead), authz.Needs(authz.OrgWrite)

	register(api, read, huma.Operation{
		OperationID: "list-sites", Method: http.MethodGet, Path: "/sites", Tags: tags,
		Summary: "Every site: offices, warehouses, data centres, plants",
	}, func(ctx context.Context, _ *struct{}) (*out[items[org.Site]], error) {
		return list(h.d.Org.Sites(ctx))
	})

	register(api, write, huma.Operation{
		OperationID: "create-site", Method: http.MethodPost, Path: "/sites", Tags: tags,
		Summary: "Create a site", DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *struct{ Body siteBody }) (*out[org.Site], error) {
		s, err := h.d.Org.SaveSite(ctx, in.Body.site(0))
		if err != nil {
			return nil, err
		}
		return ok(s)
	})

	register(api, read, huma.Operation{
		OperationID: "get-site", Method: http.MethodGet, Path: "/sites/{id}", Tags: tags,
		Summary: "One site",
	}, func(ctx context.Context, in *idPath) (*out[org.Site], error) {
		s, err := h.d.Org.Site(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(s)
	})

	register(api, write, huma.Operation{
		OperationID: "update-site", Method: http.MethodPut, Path: "/sites/{id}", Tags: tags,
		Summary: "Replace a site",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body siteBody
	}) (*out[org.Site], error) {
		s, err := h.d.Org.SaveSite(ctx, in.Body.site(in.ID))
		if err != nil {
			return nil, err
		}
		return ok(s)
	})

	register(api, write, huma.Operation{
		OperationID: "delete-site", Method: http.MethodDelete, Path: "/sites/{id}", Tags: tags,
		Summary: "Delete a site; people there keep their record without a site",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, h.d.Org.DeleteSite(ctx, in.ID)
	})
}
