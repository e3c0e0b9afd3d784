package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/server"
)

// contactListRow is a seat of the emergency contact list with its team
// kind and role named in the requested language.
type contactListRow struct {
	org.ContactRow
	TeamKindLabel string `json:"team_kind_label" doc:"the team kind in the requested language"`
	RoleLabel     string `json:"role_label" doc:"the role in the requested language"`
	TeamLabel     string `json:"team_label" doc:"the team name in the requested language (falls back to the Chinese name)"`
}

// contactList is the emergency contact list (应急联络一览表).
type contactList struct {
	Lang  i18n.Lang        `json:"lang" doc:"the language of the labels"`
	Items []contactListRow `json:"items"`
}

// langQuery picks the language of labels and documents.
type langQuery struct {
	Lang           string `query:"lang" enum:"zh-CN,en" doc:"language of labels; default: your profile's language, else Accept-Language"`
	AcceptLanguage string `header:"Accept-Language" doc:"used when neither lang nor your profile names a language"`
}

// lang resolves the language of a request: the query, then the user's
// profile, then the Accept-Language header.
func lang(ctx context.Context, q langQuery) i18n.Lang {
	if l, found := i18n.Parse(q.Lang); found {
		return l
	}
	if u, found := server.UserFrom(ctx); found {
		if l, found := i18n.Parse(u.Lang); found {
			return l
		}
	}
	return i18n.Negotiate(q.AcceptLanguage)
}

func (h *handlers) registerContactList(api huma.API) {
	register(api, authz.Needs(authz.OrgRead), huma.Operation{
		OperationID: "get-contact-list", Method: http.MethodGet, Path: "/contact-list", Tags: []string{"contact list"},
		Summary:     "The emergency contact list",
		Description: "Every team in order of authority, its members by role, each with their deputies and how to reach them.",
	}, func(ctx context.Context, in *langQuery) (*out[contactList], error) {
		rows, err := h.d.Org.ContactList(ctx)
		if err != nil {
			return nil, err
		}
		l := lang(ctx, *in)
		cl := contactList{Lang: l, Items: make([]contactListRow, len(rows))}
		for i, r := range rows {
			r.Deputies = nonNil(r.Deputies)
			team := r.Team
			if l == i18n.EN && r.TeamEn != "" {
				team = r.TeamEn
			}
			cl.Items[i] = contactListRow{ContactRow: r, TeamLabel: team,
				TeamKindLabel: i18n.T(l, "team_kind."+string(r.TeamKind)), RoleLabel: i18n.T(l, "team_role."+string(r.Role))}
		}
		return ok(cl)
	})
	h.registerContactListExport(api)
}
