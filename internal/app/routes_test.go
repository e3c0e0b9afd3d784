package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

func newApp(t *testing.T) (*app.App, http.Handler, *server.Router) {
	t.Helper()
	return newAppWith(t, app.Config{})
}

// newAppWith is newApp with settings; the database is always a fresh
// SQLite file.
func newAppWith(t *testing.T, cfg app.Config) (*app.App, http.Handler, *server.Router) {
	t.Helper()
	cfg.DB = storetest.DSN(t, store.SQLite)
	a, err := app.New(context.Background(), cfg,
		slog.New(slog.NewTextHandler(io.Discard, nil)), clock.NewFake(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	h, rt, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	return a, h, rt
}

// TestEveryRouteHasARule walks every registered route: a route without a
// rule fails the test (and is refused to everyone at run time).
func TestEveryRouteHasARule(t *testing.T) {
	_, _, rt := newApp(t)
	routes := rt.Routes()
	for _, r := range routes {
		if !r.Rule.Defined() {
			t.Errorf("route %q has no authorization rule", r.Pattern)
		}
	}
	if len(routes) < 3 {
		t.Fatalf("only %d routes registered", len(routes))
	}
}

var wildcard = regexp.MustCompile(`\{[^}]+\}`)

// TestAnonymousIsRefused requests every non-public route without
// credentials and expects a refusal, never the handler's answer.
func TestAnonymousIsRefused(t *testing.T) {
	_, h, rt := newApp(t)
	for _, r := range rt.Routes() {
		if r.Rule.Public {
			continue
		}
		method, path, ok := strings.Cut(r.Pattern, " ")
		if !ok {
			t.Errorf("route %q has no method", r.Pattern)
			continue
		}
		path = strings.TrimSuffix(wildcard.ReplaceAllString(path, "1"), "/")
		if path == "" {
			path = "/"
		}
		req := httptest.NewRequest(method, path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch {
		case strings.HasPrefix(path, "/api/"):
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s anonymous: status %d, want 401", method, path, rec.Code)
			}
		default:
			if rec.Code != http.StatusSeeOther && rec.Code != http.StatusUnauthorized && rec.Code != http.StatusNotFound {
				t.Errorf("%s %s anonymous: status %d, want a redirect to sign in", method, path, rec.Code)
			}
		}
	}
}

func TestHealthAndMetrics(t *testing.T) {
	_, h, _ := newApp(t)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 401} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'self'") {
		t.Errorf("security headers missing: %v", rec.Header())
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	_, h, _ := newApp(t)
	req := httptest.NewRequest("POST", "/api/v1/units", strings.NewReader(`{}`))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", rec.Code)
	}
}

// TestDirectoryMetrics: /metrics says how many people the in-memory
// directory holds and whether searches go through the trigram index.
func TestDirectoryMetrics(t *testing.T) {
	a, h, _ := newAppWith(t, app.Config{PublicMetrics: true})
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	root, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Name: "集团"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	// More people than the directory scans without an index.
	err = a.DB.InTx(ctx, func(ctx context.Context) error {
		for i := range 2500 {
			p := org.Person{Name: fmt.Sprint("王", i), UnitID: root.ID, Active: true, CreatedAt: now, UpdatedAt: now}
			if err := a.DB.CreatePerson(ctx, &p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	metrics := func() string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return rec.Body.String()
	}
	if m := metrics(); !strings.Contains(m, "continuo_people_directory_people 0") || !strings.Contains(m, "continuo_people_search_index_ready 0") {
		t.Fatalf("before any people list:\n%s", grepLines(m, "continuo_people"))
	}
	want := 0
	for i := range 2500 {
		if strings.Contains(fmt.Sprint("王", i), "王12") {
			want++
		}
	}
	if _, n, err := a.Org.People(ctx, org.PeopleFilter{Query: "王12"}); err != nil || n != want {
		t.Fatalf("search: %d, %v; want %d", n, err, want)
	}
	// The index is built in the background after the first search.
	for range 200 {
		if a.DB.DirectoryStats().Indexed {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	m := metrics()
	for _, want := range []string{"continuo_people_directory_people 2500", "continuo_people_search_index_ready 1",
		"continuo_people_search_index_builds_total 1", "continuo_people_search_index_stale 0"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(m, "continuo_people"))
		}
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
