// Package api is the REST JSON API under /api/v1. It is a thin edge over
// the domain services: huma reads and validates requests against schemas
// generated from the Go types below, the services decide and check scope,
// and every error, huma's own included, leaves as the JSON body of
// server.WriteError. The OpenAPI 3.1 document is generated from the same
// types and served at /api/v1/openapi.json.
//
// Every operation is registered through register, which puts its
// authorization rule on the operation; the adapter hands both to
// server.Router, so an operation without a rule is refused like any other
// route without one.
package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// Prefix is the path every API route starts with.
const Prefix = "/api/v1"

// Deps are the services the API serves.
type Deps struct {
	Org      *org.Service
	Risk     *risk.Service
	Plan     *plan.Service
	BIA      *bia.Service
	Identity *identity.Service
	Notify   *notify.Service     // nil: no notification routes
	Warning  *warning.Service    // nil: no warning routes
	Survey   *risksurvey.Service // nil: no risk survey routes
	Fonts    *document.LazyFonts // PDF exports; nil: searched for on the first PDF export
	Audit    *audit.Log
	DB       *store.DB // transactions for imports
	Clock    clock.Clock
	Log      *slog.Logger
	Version  string
}

// Register adds the API routes to rt. It fails, instead of panicking, when
// an operation cannot be described (a programming error caught by tests).
func Register(rt *server.Router, d Deps) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("api: registering operations: %v", p)
		}
	}()
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	a := newAPI(rt, d)
	h := &handlers{d: d}
	h.registerMeta(a)
	h.registerMe(a)
	h.registerUnits(a)
	h.registerSites(a)
	h.registerPeople(a)
	h.registerTeams(a)
	h.registerContactList(a)
	h.registerImports(a)
	h.registerUsers(a)
	h.registerAudit(a)
	h.registerPlans(a)
	h.registerPlanGenerator(a)
	h.registerNotify(a)
	h.registerRisks(a)
	h.registerBIA(a)
	h.registerWarnings(a)
	h.registerPlanExport(a)
	h.registerRiskReport(a)
	h.registerBIAReport(a)
	h.registerRiskSurveys(a)
	return nil
}

// handlers holds what the operation handlers need.
type handlers struct {
	d Deps
}

const bearerScheme = "bearer"

// newAPI configures huma for Continuo: no docs UI, no schema links or
// $schema fields in responses, unknown body fields rejected (huma's
// default of additionalProperties false is kept), and operations routed
// through our router.
func newAPI(rt *server.Router, d Deps) huma.API {
	cfg := huma.DefaultConfig("Continuo API", d.Version)
	cfg.OpenAPIPath = "" // served by an operation of our own, with a rule
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil // the default hook adds $schema links to every response
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	cfg.Info.Description = "The REST JSON API of Continuo, the business-continuity and crisis-management platform. " +
		"Authenticate with an API token: `Authorization: Bearer cto_…`. Errors are `application/problem+json` " +
		"with a machine-readable `code` and, for invalid input, the list of `errors` by field."
	cfg.Servers = []*huma.Server{{URL: Prefix, Description: "this server"}}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		bearerScheme: {
			Type: "http", Scheme: "bearer",
			Description: "An API token created with `continuo token create` or on the profile page. " +
				"It carries the rights of its user.",
		},
	}
	cfg.Formats = map[string]huma.Format{
		"application/json": jsonFormat,
		"json":             jsonFormat,
	}
	return huma.NewAPI(cfg, &adapter{rt: rt, log: d.Log})
}

// jsonAppender is a response body that writes its own JSON, exactly as
// encoding/json would (see peoplePage.AppendJSON).
type jsonAppender interface {
	AppendJSON(b []byte) []byte
}

// jsonFormat is huma's JSON format, with bodies that write their own JSON
// written directly. The schema in the OpenAPI document still comes from
// the body's struct type.
var jsonFormat = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		if a, ok := v.(jsonAppender); ok {
			b := a.AppendJSON(nil)
			_, err := w.Write(append(b, '\n')) // as json.Encoder ends a value
			return err
		}
		return huma.DefaultJSONFormat.Marshal(w, v)
	},
	Unmarshal: huma.DefaultJSONFormat.Unmarshal,
}

// schemaName names component schemas after their Go type, prefixing the
// types of the audit package whose plain names (Entry, Problem, Report)
// would be ambiguous in a document that also has the API's own Problem.
func schemaName(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if strings.HasSuffix(t.PkgPath(), "/internal/bia") && !strings.HasPrefix(name, "BIA") {
		return "BIA" + name // Node, Gap, Settings, Answer… would be ambiguous too
	}
	if strings.HasSuffix(t.PkgPath(), "/internal/notify") && !strings.HasPrefix(name, "Notify") {
		return "Notify" + name // Message, Text, Delivery… would be ambiguous too
	}
	if strings.HasSuffix(t.PkgPath(), "/internal/plan") && !strings.HasPrefix(name, "Plan") {
		return "Plan" + name // Message, Role, Section, Change… would be ambiguous too
	}
	if strings.HasSuffix(t.PkgPath(), "/internal/audit") && !strings.HasPrefix(name, "Audit") {
		return "Audit" + name
	}
	if strings.HasSuffix(t.PkgPath(), "/internal/warning") && !strings.HasPrefix(name, "Warning") {
		return "Warning" + name // Event, Ack, Feed, Contact… would be ambiguous too
	}
	return name
}

// adapter registers huma operations on server.Router under Prefix, with
// the rule stored in the operation's metadata by register.
type adapter struct {
	rt  *server.Router
	log *slog.Logger
}

const ruleKey = "rule"

// Handle registers one operation. An operation without a rule gets the
// empty rule, which the router refuses to everyone.
func (a *adapter) Handle(op *huma.Operation, handler func(huma.Context)) {
	rule, _ := op.Metadata[ruleKey].(authz.Rule)
	a.rt.Handle(strings.ToUpper(op.Method)+" "+Prefix+op.Path, rule, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), loggerKey{}, a.log))
		handler(humago.NewContext(op, r, w))
	}))
}

// ServeHTTP serves through the router, with its rules.
func (a *adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.rt.ServeHTTP(w, r) }

type loggerKey struct{}

func loggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

// register adds an operation with its authorization rule. It is the only
// way operations are added, so none can be registered without a rule. It
// documents the rule in the OpenAPI document and turns every error of the
// handler into the API's error body; field paths of domain errors are
// prefixed with "body." for operations that take a JSON body, so that they
// read like huma's own validation errors.
func register[I, O any](api huma.API, rule authz.Rule, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[ruleKey] = rule
	documentRule(&op, rule)
	prefix := ""
	if _, ok := reflect.TypeFor[I]().FieldByName("Body"); ok {
		prefix = "body."
	}
	huma.Register(api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, problemOf(ctx, err, func(f string) string { return prefix + f })
		}
		return out, nil
	})
}

// documentRule says in the OpenAPI document who may call the operation,
// and lists the errors every protected operation can return.
func documentRule(op *huma.Operation, rule authz.Rule) {
	if op.Extensions == nil {
		op.Extensions = map[string]any{}
	}
	var who string
	switch {
	case rule.Public:
		who = "Public: no token needed."
		op.Extensions["x-continuo-access"] = "public"
	case rule.Authenticated:
		who = "Any signed-in user."
		op.Extensions["x-continuo-access"] = "authenticated"
	case rule.Permission != "":
		who = fmt.Sprintf("Needs the permission `%s`.", rule.Permission)
		switch rule.Permission {
		case authz.OrgWrite, authz.PeopleWrite, authz.TeamsWrite, authz.RiskWrite, authz.BIAWrite:
			who += " It is checked on the unit concerned: a role granted on a unit covers the units under it."
		}
		op.Extensions["x-continuo-access"] = string(rule.Permission)
	}
	if !rule.Public {
		op.Security = []map[string][]string{{bearerScheme: {}}}
		op.Errors = append([]int{http.StatusUnauthorized, http.StatusForbidden}, op.Errors...)
	}
	if strings.Contains(op.Path, "{") {
		op.Errors = append(op.Errors, http.StatusNotFound)
	}
	if op.Description == "" {
		op.Description = who
	} else {
		op.Description += "\n\n" + who
	}
}

// out is the output of an operation with a JSON body.
type out[T any] struct {
	Body T
}

func ok[T any](v T) (*out[T], error) { return &out[T]{Body: v}, nil }

// items is the body of the lists that are not paginated.
type items[T any] struct {
	Items []T `json:"items"`
}

func list[T any](v []T, err error) (*out[items[T]], error) {
	if err != nil {
		return nil, err
	}
	return ok(items[T]{Items: nonNil(v)})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// idPath is the input of operations on one object.
type idPath struct {
	ID int64 `path:"id" minimum:"1" doc:"the object's id"`
}
