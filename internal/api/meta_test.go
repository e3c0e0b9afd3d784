package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/api"
	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "public", method: "GET", url: "/version",
			status: 200, contains: []string{`"version":"dev"`, `"api":"v1"`},
			check: func(t *testing.T, e *env, res response) {
				var v struct {
					SchemaVersion int `json:"schema_version"`
				}
				decode(t, res.body, &v)
				want, err := e.app.DB.SchemaVersion(sys())
				if err != nil {
					t.Fatal(err)
				}
				if v.SchemaVersion != want || want == 0 {
					t.Errorf("schema_version %d, want %d", v.SchemaVersion, want)
				}
			}},
		{name: "no $schema links in responses", role: "viewer", method: "GET", url: "/units",
			status: 200, excludes: []string{"$schema"},
			check: func(t *testing.T, e *env, res response) {
				if l := res.header.Get("Link"); l != "" {
					t.Errorf("Link header %q, want none", l)
				}
			}},
	})
}

// openAPIDoc is the part of the OpenAPI document the tests read.
type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title   string `json:"title"`
		Version string `json:"version"`
	} `json:"info"`
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths      map[string]map[string]openAPIOperation `json:"paths"`
	Components struct {
		Schemas         map[string]openAPISchema `json:"schemas"`
		SecuritySchemes map[string]any           `json:"securitySchemes"`
	} `json:"components"`
}

type openAPIOperation struct {
	OperationID string                `json:"operationId"`
	Security    []map[string][]string `json:"security"`
	Access      string                `json:"x-continuo-access"`
	Responses   map[string]struct {
		Content map[string]any `json:"content"`
	} `json:"responses"`
	RequestBody struct {
		Content map[string]any `json:"content"`
	} `json:"requestBody"`
}

type openAPISchema struct {
	Properties           map[string]openAPISchema `json:"properties"`
	Required             []string                 `json:"required"`
	Enum                 []string                 `json:"enum"`
	Items                *openAPISchema           `json:"items"`
	Ref                  string                   `json:"$ref"`
	AdditionalProperties json.RawMessage          `json:"additionalProperties"` // false, or the schema of a map's values
}

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	res := e.do("", http.MethodGet, "/openapi.json", nil, nil)
	if res.status != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json without a token: %d %s", res.status, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/openapi+json" {
		t.Errorf("Content-Type %q", ct)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(res.body, &doc); err != nil {
		t.Fatalf("the OpenAPI document is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	if doc.Info.Title == "" || doc.Info.Version != "dev" {
		t.Errorf("info %+v", doc.Info)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != api.Prefix {
		t.Errorf("servers %+v, want one with url %s", doc.Servers, api.Prefix)
	}
	if _, found := doc.Components.SecuritySchemes["bearer"]; !found {
		t.Errorf("no bearer security scheme")
	}

	// Every API route is documented, with its access rule.
	routes := 0
	for _, r := range e.rt.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		rest, found := strings.CutPrefix(path, api.Prefix)
		if !found {
			continue
		}
		routes++
		if !r.Rule.Defined() {
			t.Errorf("%s has no authorization rule", r.Pattern)
		}
		op, found := doc.Paths[rest][strings.ToLower(method)]
		if !found {
			t.Errorf("%s is not in the OpenAPI document", r.Pattern)
			continue
		}
		if op.OperationID == "" {
			t.Errorf("%s has no operationId", r.Pattern)
		}
		if r.Rule.Public != (len(op.Security) == 0) {
			t.Errorf("%s: public %v but security %v", r.Pattern, r.Rule.Public, op.Security)
		}
		if want := accessOf(r.Rule); op.Access != want {
			t.Errorf("%s: x-continuo-access %q, want %q", r.Pattern, op.Access, want)
		}
		if ds := op.Responses["default"]; ds.Content == nil {
			for code, resp := range op.Responses {
				if code >= "400" {
					if _, found := resp.Content["application/problem+json"]; !found {
						t.Errorf("%s: error response %s is not a problem document", r.Pattern, code)
					}
				}
			}
		}
	}
	if routes < 40 {
		t.Errorf("only %d API routes registered", routes)
	}
	documented := 0
	for _, ops := range doc.Paths {
		documented += len(ops)
	}
	if documented != routes {
		t.Errorf("%d operations documented, %d routes registered", documented, routes)
	}

	// The file endpoints document their media types.
	xlsx := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if _, found := doc.Paths["/contact-list/export"]["get"].Responses["200"].Content[xlsx]; !found {
		t.Errorf("the export does not document its XLSX response")
	}
	for _, p := range []string{"/people/import", "/units/import"} {
		c := doc.Paths[p]["post"].RequestBody.Content
		if _, found := c[xlsx]; !found {
			t.Errorf("%s does not document an XLSX body", p)
		}
		if _, found := c["text/csv"]; !found {
			t.Errorf("%s does not document a CSV body", p)
		}
	}

	// The error body is the router's: code, status, title, detail, errors.
	problem := doc.Components.Schemas["Problem"]
	for _, f := range []string{"code", "status", "title", "detail", "errors"} {
		if _, found := problem.Properties[f]; !found {
			t.Errorf("the Problem schema has no %s", f)
		}
	}

	// Request bodies refuse unknown fields.
	for _, name := range []string{"UnitBody", "PersonBody", "TeamBody", "SeatBody", "MemberBody", "ContactMethod", "NewUserBody", "UserPatchBody"} {
		s, found := doc.Components.Schemas[name]
		if !found {
			t.Errorf("no schema %s", name)
			continue
		}
		if string(s.AdditionalProperties) != "false" {
			t.Errorf("schema %s allows unknown fields", name)
		}
	}

	// The enums of the schema follow the domain's lists.
	enum := func(schema, prop string) []string {
		return doc.Components.Schemas[schema].Properties[prop].Enum
	}
	sameSet(t, "UnitBody.kind", enum("UnitBody", "kind"), org.UnitKinds)
	sameSet(t, "TeamBody.kind", enum("TeamBody", "kind"), org.TeamKinds)
	sameSet(t, "SeatBody.role", enum("SeatBody", "role"), org.TeamRoles)
	sameSet(t, "MemberBody.role", enum("MemberBody", "role"), org.TeamRoles)
	sameSet(t, "GrantBody.role", enum("GrantBody", "role"), authz.Roles)

	// The audit types do not clash with the API's own.
	for _, name := range []string{"AuditEntry", "AuditProblem"} {
		if _, found := doc.Components.Schemas[name]; !found {
			t.Errorf("no schema %s", name)
		}
	}
}

func accessOf(r authz.Rule) string {
	switch {
	case r.Public:
		return "public"
	case r.Authenticated:
		return "authenticated"
	}
	return string(r.Permission)
}

func sameSet[T ~string](t *testing.T, what string, got []string, want []T) {
	t.Helper()
	w := make([]string, len(want))
	for i, v := range want {
		w[i] = string(v)
	}
	g := slices.Clone(got)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s enum %v, domain has %v", what, got, w)
	}
}

func TestAuditAPI(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "changes are recorded with their actor", role: "auditor", method: "GET", url: "/audit?entity=unit&action=unit.create&limit=500",
			setup: func(t *testing.T, e *env) {
				var u org.Unit
				e.json("manager", "POST", "/units", `{"parent_id": {west}, "kind": "department", "name": "华西审计部"}`, 201, &u)
				e.ids["audited"] = u.ID
			},
			status: 200, contains: []string{`"action":"unit.create"`, `"entity_id":"{audited}"`, `"actor_id":{manager_id}`, `"actor":"Manager"`, `"name":"华西审计部"`}},
		{name: "filter by object", role: "auditor", method: "GET", url: "/audit?entity=person&entity_id={bob}",
			setup: func(t *testing.T, e *env) {
				e.json("manager", "PUT", "/people/{bob}", `{"employee_no": "E002", "name": "鲍勃", "title": "仓库主管", "unit_id": {west}}`, 200, nil)
			},
			status: 200, contains: []string{`"action":"person.update"`, `"action":"person.create"`, `"title":"仓库主管"`}, excludes: []string{`"entity_id":"{alice}"`}},
		{name: "pages newest first", role: "auditor", method: "GET", url: "/audit?limit=2",
			status: 200, contains: []string{`"next_before_id":`},
			check: func(t *testing.T, e *env, res response) {
				var page struct {
					Items        []audit.Entry `json:"items"`
					NextBeforeID *int64        `json:"next_before_id"`
				}
				decode(t, res.body, &page)
				if len(page.Items) != 2 || page.NextBeforeID == nil || page.Items[0].ID <= page.Items[1].ID || *page.NextBeforeID != page.Items[1].ID {
					t.Fatalf("first page: %s", res.body)
				}
				var next struct{ Items []audit.Entry }
				e.json("auditor", "GET", fmt.Sprintf("/audit?limit=2&before_id=%d", *page.NextBeforeID), "", 200, &next)
				if len(next.Items) == 0 || next.Items[0].ID >= page.Items[1].ID {
					t.Errorf("second page does not continue the first: %+v", next.Items)
				}
			}},
		{name: "limit is bounded", role: "auditor", method: "GET", url: "/audit?limit=1000", status: 422, contains: []string{`"field":"query.limit"`}},
		{name: "viewer cannot read the audit log", role: "viewer", method: "GET", url: "/audit", status: 403},
		{name: "verify", role: "auditor", method: "POST", url: "/audit/verify",
			status: 200, contains: []string{`"ok":true`, `"problems":[]`},
			check: func(t *testing.T, e *env, res response) {
				var v struct{ Checked int }
				decode(t, res.body, &v)
				if v.Checked < 10 {
					t.Errorf("verify checked %d entries; the fixture alone made more", v.Checked)
				}
			}},
		{name: "verify as manager is forbidden", role: "manager", method: "POST", url: "/audit/verify", status: 403},
	})
}

func TestContactList(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "in English", role: "viewer", method: "GET", url: "/contact-list?lang=en",
			status: 200, contains: []string{`"lang":"en"`, `"team_label":"Crisis management committee"`, `"role_label":"Leader"`,
				`"holder":{"person_id":{carol}`, `"mobile":"+86 138 0000 0003"`, `"deputies":[{"person_id":{alice}`, `"email":"alice@example.com"`}},
		{name: "in Chinese", role: "viewer", method: "GET", url: "/contact-list?lang=zh-CN",
			status: 200, contains: []string{`"lang":"zh-CN"`, `"team_label":"危机管理委员会"`, `"role_label":"组长"`, `"team_kind_label":"危机管理委员会"`}},
		{name: "language from Accept-Language", role: "viewer", method: "GET", url: "/contact-list",
			header: map[string]string{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
			status: 200, contains: []string{`"lang":"zh-CN"`}},
		{name: "unknown language", role: "viewer", method: "GET", url: "/contact-list?lang=fr", status: 422, contains: []string{`"field":"query.lang"`}},
		{name: "without a token", method: "GET", url: "/contact-list", status: 401},
	})
}
