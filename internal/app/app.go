// Package app is the composition root: it reads nothing global, opens the
// database, builds every service and the HTTP handler from a Config.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // the zone database, for --time-zone on any machine

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/continuo-bcm/continuo/internal/api"
	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/notify/channels"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/sso"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/warning"
	"github.com/continuo-bcm/continuo/internal/web"
)

// Version is set at build time with -ldflags "-X …/internal/app.Version=…".
var Version = "dev"

// Config is everything a Continuo process is told.
type Config struct {
	Addr          string // listen address, default 127.0.0.1:8080
	DB            string // SQLite path or postgres:// URL, default ./continuo.db
	BaseURL       string // public URL, for links in messages and SSO redirects
	SecureCookies bool   // set the Secure flag on cookies (behind HTTPS)
	PublicMetrics bool   // serve /metrics without authentication
	PDFFont       string // CJK TrueType font (.ttf/.ttc) for PDF exports; empty: search the usual places
	TimeZone      string // IANA name for times shown to people; "" is the system's
	NotifySecret  string // signs acknowledgement links; empty: a secret generated once and kept in the database
	OIDC          OIDCConfig
}

// OIDCConfig enables single sign-on with an OpenID Connect provider.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
}

// Enabled reports whether any single sign-on setting is given; an
// incomplete configuration then fails at start instead of silently
// leaving single sign-on off.
func (c OIDCConfig) Enabled() bool { return c.Issuer != "" || c.ClientID != "" || c.ClientSecret != "" }

// Defaults fills in unset fields.
func (c *Config) Defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.DB == "" {
		c.DB = "continuo.db"
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
}

// LoadLocation resolves the time zone setting: an IANA name such as
// Asia/Shanghai, or "" for the system's own zone. The zone database is
// built into the binary, so a bare container needs no tzdata package.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("time zone %q: not an IANA time zone name such as Asia/Shanghai or Europe/Berlin", name)
	}
	return loc, nil
}

// App holds the services of one process.
type App struct {
	Config   Config
	Log      *slog.Logger
	Clock    clock.Clock
	DB       *store.DB
	Audit    *audit.Log
	Identity *identity.Service
	Org      *org.Service
	Risk     *risk.Service
	Plan     *plan.Service
	Notify   *notify.Service
	BIA      *bia.Service
	Warning  *warning.Service
	Survey   *risksurvey.Service
	Fonts    *document.LazyFonts
	Location *time.Location // where times are shown: the organisation's time zone
	Registry *prometheus.Registry
	OIDC     *sso.Provider // nil unless single sign-on is configured

	metrics *server.Metrics
}

// New opens the database, applies migrations and builds the services.
func New(ctx context.Context, cfg Config, log *slog.Logger, clk clock.Clock) (*App, error) {
	cfg.Defaults()
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	loc, err := LoadLocation(cfg.TimeZone)
	if err != nil {
		db.Close()
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Clock: clk, DB: db, Location: loc, Registry: prometheus.NewRegistry()}
	a.Audit = audit.NewLog(db, db, clk)
	a.Org = org.NewService(db, db, a.Audit, clk)
	a.Identity = identity.NewService(db, a.Org, db, a.Audit, clk)
	a.Risk = risk.NewService(db, db, a.Audit, clk)
	a.Plan = plan.NewService(db, db, a.Audit, clk)
	a.Notify, err = notify.NewService(ctx, db, db, a.Audit, clk, notify.Config{BaseURL: cfg.BaseURL, Secret: cfg.NotifySecret,
		Factories: channels.Builtin(), Log: log, Location: loc})
	if err != nil {
		db.Close()
		return nil, err
	}
	a.BIA = bia.NewService(db, db, a.Audit, clk)
	a.newWarnings()
	a.newSurveys()
	a.newPlanReviews()
	a.Fonts = document.NewLazyFonts(cfg.PDFFont)
	if cfg.OIDC.Enabled() {
		a.OIDC, err = sso.New(ctx, sso.Config{Issuer: cfg.OIDC.Issuer, ClientID: cfg.OIDC.ClientID, ClientSecret: cfg.OIDC.ClientSecret,
			RedirectURL: cfg.BaseURL + "/auth/oidc/callback"})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("single sign-on: %w", err)
		}
	}
	a.metrics = server.NewMetrics(a.Registry)
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	registerDirectoryMetrics(a.Registry, db)
	return a, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Handler builds the HTTP handler with every route and the middleware
// around it, and returns the router too (for the route table test).
func (a *App) Handler() (http.Handler, *server.Router, error) {
	rt := server.NewRouter()
	server.RegisterHealth(rt, a.DB, a.Registry, a.Config.PublicMetrics)
	if err := api.Register(rt, api.Deps{Org: a.Org, Identity: a.Identity, Risk: a.Risk, Plan: a.Plan, BIA: a.BIA, Notify: a.Notify, Warning: a.Warning, Survey: a.Survey, Fonts: a.Fonts, Audit: a.Audit, DB: a.DB, Clock: a.Clock, Log: a.Log, Version: Version}); err != nil {
		return nil, nil, err
	}
	if err := web.Register(rt, web.Deps{Org: a.Org, Identity: a.Identity, Risk: a.Risk, Plan: a.Plan, BIA: a.BIA, Notify: a.Notify, Warning: a.Warning, Survey: a.Survey, Fonts: a.Fonts, Audit: a.Audit, DB: a.DB, Clock: a.Clock, Log: a.Log, Version: Version,
		SecureCookies: a.Config.SecureCookies, BaseURL: a.Config.BaseURL, OIDC: a.OIDC, Location: a.Location}); err != nil {
		return nil, nil, err
	}
	var h http.Handler = rt
	h = server.Authenticate(a.Identity, h)
	h = revisionMemo(h)
	h = server.LimitBody(1<<20, h)
	h = server.CrossOrigin(h)
	h = server.SecurityHeaders(h)
	h = server.Observe(a.Log, a.metrics, rt, h)
	return h, rt, nil
}

// revisionMemo lets each request read the database's cache revisions
// once (store.WithRevisionMemo).
func revisionMemo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(store.WithRevisionMemo(r.Context())))
	})
}

// Serve runs the HTTP server until ctx is cancelled, then shuts down
// gracefully.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	h, _, err := a.Handler()
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: a.Config.Addr, Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	ln, err := listen(a.Config.Addr)
	if err != nil {
		return err
	}
	go a.housekeeping(ctx)
	go a.runWarnings(ctx)
	go a.runSurveyReminders(ctx)
	go a.runPlanReviewReminders(ctx)
	// The notification dispatcher stops with the server and is waited
	// for, so that no send is left unrecorded by a clean shutdown.
	dctx, stopDispatch := context.WithCancel(ctx)
	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		a.Notify.NewDispatcher().Run(dctx)
	}()
	defer func() { stopDispatch(); <-dispatched }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}

// housekeeping removes expired sessions every hour.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.DB.DeleteExpiredSessions(ctx, a.Clock.Now()); err != nil && ctx.Err() == nil {
			a.Log.Warn("removing expired sessions", "err", err)
		} else if n > 0 {
			a.Log.Debug("removed expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// registerDirectoryMetrics exposes the in-memory people directory and its
// search index on /metrics.
func registerDirectoryMetrics(reg prometheus.Registerer, db *store.DB) {
	gauge := func(name, help string, v func(store.DirectoryStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return v(db.DirectoryStats()) })
	}
	reg.MustRegister(
		gauge("continuo_people_directory_people", "People held in the in-memory directory (0 until the first people list).",
			func(s store.DirectoryStats) float64 { return float64(s.People) }),
		gauge("continuo_people_search_index_ready", "1 when people searches go through the trigram index.",
			func(s store.DirectoryStats) float64 {
				if s.Indexed {
					return 1
				}
				return 0
			}),
		gauge("continuo_people_search_index_stale", "Changes to people that searches check one by one until the index is built again.",
			func(s store.DirectoryStats) float64 { return float64(s.Stale) }),
		gauge("continuo_people_search_index_bytes", "Size of the trigram index of people searches.",
			func(s store.DirectoryStats) float64 { return float64(s.IndexedBytes) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "continuo_people_search_index_builds_total", Help: "Trigram indexes of people searches built since start."},
			func() float64 { return float64(db.DirectoryStats().IndexBuilds) }),
	)
}
