package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// env is a running Continuo with a small organisation and one user (and
// API token) per role:
//
//	集团总部 Group HQ (group, code HQ)        ← admin, manager, viewer, auditor
//	├── 华东分公司 East Branch (EAST)          ← lead (department_lead)
//	│   └── 华东运营部 East Operations (EAST-OPS): alice
//	└── 华西分公司 West Branch (WEST): bob
//	carol works at the group; the committee has carol as leader (deputy
//	alice) and alice as member.
type env struct {
	t      *testing.T
	app    *app.App
	h      http.Handler
	rt     *server.Router
	clock  *clock.Fake
	tokens map[string]string // role name → bearer secret
	users  map[string]identity.User
	ids    map[string]int64 // placeholder name → id
}

// roles used by the scenarios, with the unit they are granted on.
var fixtureRoles = []struct {
	name string
	role authz.Role
	unit string
}{
	{"admin", authz.Admin, "group"},
	{"manager", authz.BCMManager, "group"},
	{"viewer", authz.Viewer, "group"},
	{"lead", authz.DepartmentLead, "east"},
	{"auditor", authz.Auditor, "group"},
}

func sys() context.Context {
	return authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
}

func newEnv(t *testing.T, engine store.Engine) *env {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC))
	a, err := app.New(ctx, app.Config{DB: storetest.DSN(t, engine)}, slog.New(slog.DiscardHandler), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	h, rt, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, app: a, h: h, rt: rt, clock: clk, tokens: map[string]string{}, users: map[string]identity.User{}, ids: map[string]int64{}}

	unit := func(key string, parent string, kind org.UnitKind, code, name, nameEn string) {
		u := org.Unit{Kind: kind, Code: code, Name: name, NameEn: nameEn}
		if parent != "" {
			p := e.ids[parent]
			u.ParentID = &p
		}
		u, err := a.Org.CreateUnit(sys(), u)
		if err != nil {
			t.Fatalf("fixture unit %s: %v", key, err)
		}
		e.ids[key] = u.ID
	}
	unit("group", "", org.KindGroup, "HQ", "集团总部", "Group HQ")
	unit("east", "group", org.KindBranch, "EAST", "华东分公司", "East Branch")
	unit("eastops", "east", org.KindDepartment, "EAST-OPS", "华东运营部", "East Operations")
	unit("west", "group", org.KindBranch, "WEST", "华西分公司", "West Branch")

	site, err := a.Org.SaveSite(sys(), org.Site{Name: "集团总部大楼", NameEn: "HQ Tower", UnitID: ptr(e.ids["group"])})
	if err != nil {
		t.Fatal(err)
	}
	e.ids["site"] = site.ID

	e.person("alice", org.Person{EmployeeNo: "E001", Name: "艾丽斯", NameEn: "Alice", Title: "运营经理", TitleEn: "Operations Manager", UnitID: e.ids["eastops"],
		Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: "+86 138 0000 0001"}, {Kind: org.ContactEmail, Value: "alice@example.com"}}})
	e.person("bob", org.Person{EmployeeNo: "E002", Name: "鲍勃", NameEn: "Bob", UnitID: e.ids["west"],
		Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: "+86 138 0000 0002"}}})
	e.person("carol", org.Person{EmployeeNo: "E003", Name: "卡罗尔", NameEn: "Carol", Title: "总经理", TitleEn: "General Manager", UnitID: e.ids["group"],
		Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: "+86 138 0000 0003"}}})

	team, err := a.Org.SaveTeam(sys(), org.Team{Kind: org.TeamCommittee, Name: "危机管理委员会", NameEn: "Crisis management committee", UnitID: e.ids["group"],
		Members: []org.Member{
			{PersonID: e.ids["carol"], Role: org.RoleLeader, Duty: "全面指挥", DutyEn: "Overall command", Deputies: []int64{e.ids["alice"]}, SortOrder: 1},
			{PersonID: e.ids["alice"], Role: org.RoleMember, SortOrder: 2},
		}})
	if err != nil {
		t.Fatal(err)
	}
	e.ids["team"] = team.ID

	for _, r := range fixtureRoles {
		u, err := a.Identity.CreateUser(sys(), identity.NewUser{Username: r.name, DisplayName: strings.ToUpper(r.name[:1]) + r.name[1:],
			Password: "correct horse battery", Grants: []authz.Grant{{Role: r.role, UnitID: e.ids[r.unit]}}})
		if err != nil {
			t.Fatalf("fixture user %s: %v", r.name, err)
		}
		_, secret, err := a.Identity.CreateToken(sys(), u.ID, "tests", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.users[r.name], e.tokens[r.name] = u, secret
		e.ids[r.name+"_id"] = u.ID
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// person stores a person as the system and names their id.
func (e *env) person(key string, p org.Person) {
	e.t.Helper()
	p.Active = true
	p, err := e.app.Org.SavePerson(sys(), p)
	if err != nil {
		e.t.Fatalf("fixture person %s: %v", key, err)
	}
	e.ids[key] = p.ID
}

// expand replaces {name} placeholders with fixture ids.
func (e *env) expand(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, 2*len(e.ids))
	for k, v := range e.ids {
		pairs = append(pairs, "{"+k+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request as the holder of a role's token ("" for anonymous);
// the url is relative to /api/v1.
func (e *env) do(role, method, url string, body io.Reader, header map[string]string) response {
	e.t.Helper()
	r := httptest.NewRequest(method, "/api/v1"+e.expand(url), body)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	if role != "" {
		secret, found := e.tokens[role]
		if !found {
			e.t.Fatalf("no token for role %q", role)
		}
		r.Header.Set("Authorization", "Bearer "+secret)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// json sends a JSON body (or none when body is "") and decodes the answer
// into v unless v is nil. It fails the test unless the status is want.
func (e *env) json(role, method, url, body string, want int, v any) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(e.expand(body))
	}
	res := e.do(role, method, url, rd, nil)
	if res.status != want {
		e.t.Fatalf("%s %s as %q: status %d, want %d; body: %s", method, url, role, res.status, want, res.body)
	}
	if v != nil {
		if err := json.Unmarshal(res.body, v); err != nil {
			e.t.Fatalf("%s %s: decoding %s: %v", method, url, res.body, err)
		}
	}
	return res
}

// scenario is one API request and what must come back, in the style of
// pocketbase's tests.ApiScenario. Strings may hold {placeholders} of
// fixture ids.
type scenario struct {
	name   string
	role   string // whose token; "" for none
	method string
	url    string // relative to /api/v1
	body   string // JSON with placeholders, or a raw file when header sets a Content-Type
	header map[string]string
	setup  func(t *testing.T, e *env) // runs first; may add placeholders to e.ids

	status   int
	contains []string // substrings the body must have
	excludes []string // substrings it must not have
	check    func(t *testing.T, e *env, res response)
}

// runScenarios runs the table once per engine, each on a fresh env, in
// order: a scenario that changes data should create what it changes in
// setup, so that the others do not depend on it.
func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			for _, s := range scenarios {
				t.Run(s.name, func(t *testing.T) {
					e.t = t
					defer func() { e.t = nil }()
					s.run(t, e)
				})
			}
		})
	}
}

func (s scenario) run(t *testing.T, e *env) {
	t.Helper()
	if s.setup != nil {
		s.setup(t, e)
	}
	var body io.Reader
	if s.body != "" {
		if _, raw := s.header["Content-Type"]; raw {
			body = strings.NewReader(s.body) // a file: no placeholders
		} else {
			body = strings.NewReader(e.expand(s.body))
		}
	}
	res := e.do(s.role, s.method, s.url, body, s.header)
	if res.status != s.status {
		t.Errorf("status %d, want %d; body: %s", res.status, s.status, res.body)
	}
	for _, want := range s.contains {
		if want = e.expand(want); !bytes.Contains(res.body, []byte(want)) {
			t.Errorf("body does not contain %s; body: %s", want, res.body)
		}
	}
	for _, bad := range s.excludes {
		if bad = e.expand(bad); bytes.Contains(res.body, []byte(bad)) {
			t.Errorf("body contains %s; body: %s", bad, res.body)
		}
	}
	if res.status >= 400 {
		checkErrorBody(t, res)
	}
	if s.check != nil {
		s.check(t, e, res)
	}
}

// checkErrorBody asserts the one error format of the API.
func checkErrorBody(t *testing.T, res response) {
	t.Helper()
	if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("error Content-Type %q, want application/problem+json", ct)
	}
	var b struct {
		Code   string `json:"code"`
		Status int    `json:"status"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Errors []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		t.Errorf("error body is not the API error format: %v; body: %s", err, res.body)
		return
	}
	if b.Code == "" || b.Status != res.status || b.Title != http.StatusText(res.status) || b.Detail == "" {
		t.Errorf("error body incomplete or inconsistent with status %d: %s", res.status, res.body)
	}
	for _, f := range b.Errors {
		if f.Message == "" {
			t.Errorf("field error without message: %s", res.body)
		}
	}
}

// peopleTotal returns how many people are stored.
func (e *env) peopleTotal() int {
	e.t.Helper()
	var page struct {
		Total int `json:"total"`
	}
	e.json("admin", http.MethodGet, "/people?limit=1", "", http.StatusOK, &page)
	return page.Total
}

func itoa(n int64) string { return fmt.Sprint(n) }

// repeat joins n copies of s with commas.
func repeat(s string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = s
	}
	return strings.Join(parts, ",")
}

func engines() []store.Engine { return storetest.Engines() }

func contains(body []byte, s string) bool { return bytes.Contains(body, []byte(s)) }

func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
}
