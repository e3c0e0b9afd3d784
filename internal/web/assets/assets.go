// Package assets embeds Continuo's static web assets (stylesheet, small
// scripts and the vendored htmx, htmx SSE extension and ECharts bundles) and
// serves them over HTTP.
//
// Vendored third-party files are pinned in static/SHA256SUMS and refreshed
// with scripts/vendor-assets.sh.
//
// Typical use:
//
//	mux.Handle("/static/", assets.Handler())
//
// and in templates reference files as /static/app.css?v=<Version> so that
// browsers may cache them for a long time and fetch new copies after every
// release.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed static
var embedded embed.FS

// FS is the embedded asset tree rooted at the static directory, so that
// FS contains "app.css", "htmx.min.js", and so on.
var FS fs.FS

// Version is a short content hash (the first 12 hex digits of a SHA-256)
// over every embedded file. It changes whenever any asset changes and is
// meant for cache-busting query strings: /static/app.css?v=<Version>.
var Version string

const (
	cacheImmutable   = "public, max-age=31536000, immutable"
	cacheRevalidate  = "no-cache"
	gzipMinSize      = 1024
	versionHexDigits = 12
)

// contentTypes lists the media types we set explicitly instead of relying on
// the host's MIME tables, which differ between systems.
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
}

// compressible lists the extensions worth gzip-encoding on the fly.
var compressible = map[string]bool{
	".css": true, ".js": true, ".mjs": true, ".json": true, ".map": true, ".svg": true, ".txt": true,
}

type asset struct {
	data        []byte
	contentType string
	etag        string

	gzOnce sync.Once
	gzData []byte // nil when compression does not pay off
	gzETag string
}

var files map[string]*asset

func init() {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		panic("assets: " + err.Error())
	}
	FS = sub

	files = make(map[string]*asset)
	all := sha256.New()
	// WalkDir visits entries in lexical order, so Version is deterministic.
	err = fs.WalkDir(FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(FS, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		all.Write([]byte(name))
		all.Write([]byte{0})
		all.Write(sum[:])
		files[name] = &asset{
			data:        data,
			contentType: contentTypeFor(name),
			etag:        `"` + hex.EncodeToString(sum[:8]) + `"`,
		}
		return nil
	})
	if err != nil {
		panic("assets: " + err.Error())
	}
	Version = hex.EncodeToString(all.Sum(nil))[:versionHexDigits]
}

func contentTypeFor(name string) string {
	if ct, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return ct
	}
	if name == "SHA256SUMS" {
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// gzipped returns the gzip encoding of the asset, computed once on first use,
// or nil if the asset is not worth compressing.
func (a *asset) gzipped(name string) ([]byte, string) {
	a.gzOnce.Do(func() {
		if len(a.data) < gzipMinSize || !compressible[strings.ToLower(path.Ext(name))] {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(a.data); err != nil {
			return
		}
		if err := zw.Close(); err != nil {
			return
		}
		if buf.Len() >= len(a.data) {
			return
		}
		a.gzData = buf.Bytes()
		a.gzETag = strings.TrimSuffix(a.etag, `"`) + `-gz"`
	})
	return a.gzData, a.gzETag
}

// Handler returns an http.Handler serving the embedded assets. It accepts
// request paths relative to the asset root ("/app.css", e.g. behind
// http.StripPrefix) as well as paths that still carry a "/static/" prefix, so
// mounting it directly with mux.Handle("/static/", Handler()) works too.
//
// Responses carry an explicit Content-Type, an ETag and
// "X-Content-Type-Options: nosniff". When the query string has v=<Version>
// the response may be cached for a year ("immutable"); any other request is
// served with "Cache-Control: no-cache" so clients revalidate via the ETag.
// (A v= that does not match Version, e.g. during a rolling deployment, is
// deliberately not marked immutable.) Compressible files are gzip-encoded for
// clients that accept it. Directories are not listed.
func Handler() http.Handler {
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}

	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if _, ok := files[name]; !ok {
		name = strings.TrimPrefix(name, "static/")
	}
	a, ok := files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}

	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if v := r.URL.Query().Get("v"); v != "" && v == Version {
		h.Set("Cache-Control", cacheImmutable)
	} else {
		h.Set("Cache-Control", cacheRevalidate)
	}

	body, etag := a.data, a.etag
	if compressible[strings.ToLower(path.Ext(name))] {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			if gz, gzTag := a.gzipped(name); gz != nil {
				body, etag = gz, gzTag
				h.Set("Content-Encoding", "gzip")
			}
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the Accept-Encoding header allows gzip
// (present with no q-value or with q > 0).
func acceptsGzip(r *http.Request) bool {
	for _, field := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(field, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "x-gzip" {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					return err == nil && q > 0
				}
			}
			return true
		}
	}
	return false
}
