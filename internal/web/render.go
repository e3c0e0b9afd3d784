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
)

//go:embed templates
var templateFS embed.FS

// templates holds one parsed set per page: the shared layout and
// components plus the page's own file, so that every page can define its
// own "content" block.
type templates struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
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

func parseTemplates() (*templates, error) {
	shared, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: make(map[string]*template.Template, len(pages)+1)}
	// The shared set alone renders fragments used by several pages.
	set, err := template.New(sharedSet).Funcs(funcs).ParseFS(templateFS, shared...)
	if err != nil {
		return nil, fmt.Errorf("web: parse shared templates: %w", err)
	}
	t.pages[sharedSet] = set
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		set, err := template.New(name).Funcs(funcs).ParseFS(templateFS, append(append([]string{}, shared...), p)...)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", p, err)
		}
		t.pages[name] = set
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
	set, ok := h.tpl.pages[page]
	if !ok {
		h.serverError(w, r, fmt.Errorf("web: no template %q", page))
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
