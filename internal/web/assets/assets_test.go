package assets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestSHA256SUMSMatchesEmbeddedFiles(t *testing.T) {
	sums, err := fs.ReadFile(FS, "SHA256SUMS")
	if err != nil {
		t.Fatalf("read SHA256SUMS: %v", err)
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(sums))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want, name, ok := strings.Cut(line, "  ")
		if !ok {
			// sha256sum binary-mode lines use " *name".
			want, name, ok = strings.Cut(line, " *")
		}
		if !ok || len(want) != 64 {
			t.Errorf("malformed SHA256SUMS line %q", line)
			continue
		}
		n++
		data, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Errorf("%s listed in SHA256SUMS but not embedded: %v", name, err)
			continue
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != strings.ToLower(want) {
			t.Errorf("%s: sha256 %s, SHA256SUMS says %s", name, got, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Errorf("SHA256SUMS lists %d files, want at least the 3 vendored ones", n)
	}
}

func TestExpectedFilesEmbedded(t *testing.T) {
	for _, name := range []string{"app.css", "app.js", "htmx.min.js", "htmx-ext-sse.js", "echarts.min.js", "SHA256SUMS"} {
		if fi, err := fs.Stat(FS, name); err != nil {
			t.Errorf("%s: %v", name, err)
		} else if fi.Size() == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}

func TestVersion(t *testing.T) {
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(Version) {
		t.Fatalf("Version = %q, want 12 lowercase hex digits", Version)
	}
}

func get(t *testing.T, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec
}

func TestHandlerServesCSS(t *testing.T) {
	for _, target := range []string{"/app.css", "/static/app.css"} {
		rec := get(t, target, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: status %d", target, rec.Code)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
			t.Errorf("GET %s: Content-Type %q, want text/css", target, ct)
		}
		want, _ := fs.ReadFile(FS, "app.css")
		if !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("GET %s: body differs from embedded app.css", target)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != cacheRevalidate {
			t.Errorf("GET %s without v: Cache-Control %q, want %q", target, cc, cacheRevalidate)
		}
	}
}

func TestHandlerContentTypes(t *testing.T) {
	for _, name := range []string{"app.js", "htmx.min.js", "htmx-ext-sse.js", "echarts.min.js"} {
		rec := get(t, "/"+name, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: status %d", name, rec.Code)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", name, ct)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: missing nosniff", name)
		}
	}
}

func TestHandlerCaching(t *testing.T) {
	rec := get(t, "/app.css?v="+Version, nil)
	if cc := rec.Header().Get("Cache-Control"); cc != cacheImmutable {
		t.Errorf("with v=Version: Cache-Control %q, want %q", cc, cacheImmutable)
	}
	rec = get(t, "/app.css?v=stale0000000", nil)
	if cc := rec.Header().Get("Cache-Control"); cc != cacheRevalidate {
		t.Errorf("with foreign v: Cache-Control %q, want %q", cc, cacheRevalidate)
	}

	etag := get(t, "/app.css", nil).Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	rec = get(t, "/app.css", map[string]string{"If-None-Match": etag})
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", rec.Code)
	}
}

func TestHandlerGzip(t *testing.T) {
	rec := get(t, "/echarts.min.js", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", rec.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := fs.ReadFile(FS, "echarts.min.js")
	if !bytes.Equal(got, want) {
		t.Error("gunzipped body differs from embedded file")
	}

	rec = get(t, "/echarts.min.js", map[string]string{"Accept-Encoding": "gzip;q=0"})
	if rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 must not be gzip-encoded")
	}
}

func TestHandlerRejects(t *testing.T) {
	for _, target := range []string{"/", "/static/", "/missing.js", "/../assets.go", "/static/../static"} {
		if rec := get(t, target, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, rec.Code)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/app.css", nil)
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", rec.Code)
	}
}
