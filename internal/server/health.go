package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/continuo-bcm/continuo/internal/authz"
)

// Pinger is what the readiness probe asks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// RegisterHealth adds /healthz (the process answers), /readyz (the
// database answers) and /metrics (Prometheus; needs metrics.read, or is
// public when publicMetrics is set for a scraper on a private network).
func RegisterHealth(rt *Router, db Pinger, reg *prometheus.Registry, publicMetrics bool) {
	rt.HandleFunc("GET /healthz", authz.PublicRule(), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	rt.HandleFunc("GET /readyz", authz.PublicRule(), func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database does not answer"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	rule := authz.Needs(authz.MetricsRead)
	if publicMetrics {
		rule = authz.PublicRule()
	}
	rt.Handle("GET /metrics", rule, promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
