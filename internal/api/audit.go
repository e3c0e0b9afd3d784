package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
)

// auditQuery filters the audit log.
type auditQuery struct {
	Entity   string `query:"entity" doc:"kind of object: unit, site, person, team, user, token" example:"person"`
	EntityID string `query:"entity_id" doc:"the object's id (with entity)"`
	ActorID  int64  `query:"actor_id" minimum:"0" doc:"only changes by this user"`
	Action   string `query:"action" doc:"e.g. person.update" example:"person.update"`
	BeforeID int64  `query:"before_id" minimum:"0" doc:"keyset pagination: entries older than this id; pass next_before_id of the previous page"`
	Limit    int    `query:"limit" default:"50" minimum:"1" maximum:"500"`
}

// auditPage is one page of the audit log, newest first.
type auditPage struct {
	Items        []audit.Entry `json:"items"`
	NextBeforeID *int64        `json:"next_before_id" doc:"before_id for the next page; null on the last page"`
}

// auditVerdict is the result of walking the hash chain.
type auditVerdict struct {
	OK       bool            `json:"ok" doc:"true when no entry was changed, removed or unlinked"`
	Checked  int             `json:"checked" doc:"entries checked"`
	Problems []audit.Problem `json:"problems"`
}

func (h *handlers) registerAudit(api huma.API) {
	tags := []string{"audit"}

	register(api, authz.Needs(authz.AuditRead), huma.Operation{
		OperationID: "list-audit", Method: http.MethodGet, Path: "/audit", Tags: tags,
		Summary: "The audit log, newest first: who changed what, when, before and after",
	}, func(ctx context.Context, in *auditQuery) (*out[auditPage], error) {
		entries, err := h.d.Audit.List(ctx, audit.Filter{Entity: in.Entity, EntityID: in.EntityID, ActorID: in.ActorID,
			Action: in.Action, BeforeID: in.BeforeID, Limit: in.Limit})
		if err != nil {
			return nil, err
		}
		page := auditPage{Items: nonNil(entries)}
		if len(entries) == in.Limit {
			next := entries[len(entries)-1].ID
			page.NextBeforeID = &next
		}
		return ok(page)
	})

	register(api, authz.Needs(authz.AuditVerify), huma.Operation{
		OperationID: "verify-audit", Method: http.MethodPost, Path: "/audit/verify", Tags: tags,
		Summary:     "Verify the hash chain of the whole audit log",
		Description: "Reports every entry whose content does not match its hash, whose link to the previous entry is broken, or before which entries are missing.",
	}, func(ctx context.Context, _ *struct{}) (*out[auditVerdict], error) {
		r, err := h.d.Audit.Verify(ctx)
		if err != nil {
			return nil, err
		}
		return ok(auditVerdict{OK: r.OK(), Checked: r.Checked, Problems: nonNil(r.Problems)})
	})
}
