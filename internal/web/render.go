package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed templates
var templateFS embed.FS

// templates holds one parsed set per page: the shared layout and
// components plus the page's own file, so that every page can define its
// own "content" block.
// templates holds the page template sets. Each page's set is the shared
// files plus the page file; it is parsed on the page's first use and kept,
// so that pages nobody opens cost no memory (a parsed set is about 100 KB
// and html/template cannot share parse trees between sets).
type templates struct {
	shared []string          // the shared files
	files  map[string]string // page name → page file
	mu     sync.Mutex        // serialises parsing
	pages  sync.Map          // page name → *template.Template
}

// page returns the template set of a page, parsing it on first use.
func (t *templates) page(name string) (*template.Template, error) {
	if set, ok := t.pages.Load(name); ok {
		return set.(*template.Template), nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if set, ok := t.pages.Load(name); ok {
		return set.(*template.Template), nil
	}
	file, ok := t.files[name]
	if !ok {
		return nil, fmt.Errorf("web: no template %q", name)
	}
	files := t.shared
	if file != "" {
		files = append(append([]string{}, t.shared...), file)
	}
	set, err := template.New(name).Funcs(funcs).ParseFS(templateFS, files...)
	if err != nil {
		return nil, fmt.Errorf("web: parse %s: %w", file, err)
	}
	t.pages.Store(name, set)
	return set, nil
}

// parseAll parses every page's set, for tests and for start-up checks.
func (t *templates) parseAll() error {
	for name := range t.files {
		if _, err := t.page(name); err != nil {
			return err
		}
	}
	return nil
}

var funcs = template.FuncMap{
	// digits groups the integer part of a decimal number by thousands for
	// reading: "1500000.5" → "1,500,000.5". Anything else is returned as is.
	"digits": groupDigits,
	// dict builds the argument of a component template:
	// {{template "input" (dict "Name" "code" "Value" .Form.Code)}}.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	// str makes ids and other values comparable with form strings.
	"str": func(v any) string {
		switch x := v.(type) {
		case *int64:
			if x == nil {
				return ""
			}
			return fmt.Sprint(*x)
		case nil:
			return ""
		}
		return fmt.Sprint(v)
	},
}

// parseTemplates lists the page files and parses the shared set and the
// error page at once, so that a broken shared file stops the start; other
// pages are parsed on first use.
func parseTemplates() (*templates, error) {
	shared, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{shared: shared, files: make(map[string]string, len(pages)+1)}
	// The shared set alone renders fragments used by several pages.
	t.files[sharedSet] = ""
	for _, p := range pages {
		t.files[strings.TrimSuffix(path.Base(p), ".html")] = p
	}
	for _, name := range []string{sharedSet, "error"} {
		if _, err := t.page(name); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// sharedSet names the template set of the shared files only.
const sharedSet = "_shared"

// render writes a whole page: the template file named page, executed with
// its typed data. Pages are rendered to a buffer first so that a template
// error becomes a clean error page instead of half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	h.execute(w, r, status, page, page+".html", data)
}

// renderPartial writes one named block of a page's set, for htmx swaps.
func (h *handler) renderPartial(w http.ResponseWriter, r *http.Request, status int, page, block string, data any) {
	h.execute(w, r, status, page, block, data)
}

func (h *handler) execute(w http.ResponseWriter, r *http.Request, status int, page, name string, data any) {
	set, err := h.tpl.page(page)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, name, data); err != nil {
		if page == "error" {
			// The error page itself failed: do not recurse.
			h.log.Error("rendering the error page", "err", err)
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		h.serverError(w, r, fmt.Errorf("web: render %s/%s: %w", page, name, err))
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	// Pages carry contact details and one-time secrets: never cache them.
	hdr.Set("Cache-Control", "no-store")
	hdr.Add("Vary", "HX-Request")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// isPartial reports whether an htmx request asks for a fragment rather than
// a whole page (a history restore wants the whole page).
func isPartial(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// groupDigits puts a comma between each group of three digits of the
// integer part of a plain decimal number; other text is returned unchanged.
func groupDigits(s string) string {
	sign, rest := "", s
	if strings.HasPrefix(rest, "-") {
		sign, rest = "-", rest[1:]
	}
	intPart, frac, hasFrac := strings.Cut(rest, ".")
	if intPart == "" || strings.Trim(intPart, "0123456789") != "" || (hasFrac && strings.Trim(frac, "0123456789") != "") {
		return s
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}
