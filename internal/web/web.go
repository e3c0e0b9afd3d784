// Package web is the browser UI. (being written)
package web

import (
	"log/slog"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/sso"
	"github.com/continuo-bcm/continuo/internal/store"
)

// Deps are the services the web UI uses.
type Deps struct {
	Org           *org.Service
	Identity      *identity.Service
	Audit         *audit.Log
	DB            *store.DB
	Clock         clock.Clock
	Log           *slog.Logger
	Version       string
	SecureCookies bool
	BaseURL       string
	OIDC          *sso.Provider // nil when single sign-on is off
}

// Register adds the web routes to rt.
func Register(rt *server.Router, d Deps) error { return nil }
