package web

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"

	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/planexport"
)

// exportPlan downloads a version of a plan as a document worth printing:
// DOCX, PDF or HTML (?format=), in ?lang= or the page language.
func (h *handler) exportPlan(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	number, err := strconv.Atoi(r.PathValue("n"))
	if !ok || err != nil || number < 1 {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	f, ok := planexport.ParseFormat(r.URL.Query().Get("format"))
	if !ok {
		h.errorStatus(w, r, http.StatusUnprocessableEntity, h.trOf(r).T("planweb.bad_format"))
		return
	}
	lang := h.exportLang(r)
	p, err := h.d.Plan.Plan(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.d.Plan.Version(ctx, id, number)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lk, err := planexport.NewLookup(ctx, h.d.Org, h.d.Risk, &v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var fonts *document.Fonts
	if f == planexport.PDF {
		if fonts, err = h.fonts().Get(); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	var buf bytes.Buffer
	if err := planexport.Write(&buf, f, p, v, lk, lang, fonts); err != nil {
		h.serverError(w, r, err)
		return
	}
	download(w, f.ContentType(), planexport.FileName(p, v, lang, f), buf.Bytes())
}

// exportCrisisPack downloads the offline crisis pack: a zip of static
// pages and PDFs of every published plan, the teams, the contact list and
// the playbook checklists, in ?lang= or the page language.
func (h *handler) exportCrisisPack(w http.ResponseWriter, r *http.Request) {
	lang := h.exportLang(r)
	deps := planexport.Deps{Plan: h.d.Plan, Org: h.d.Org, Risk: h.d.Risk, Fonts: h.fonts(), Clock: h.d.Clock}
	var buf bytes.Buffer
	if err := planexport.WriteCrisisPackZip(r.Context(), &buf, deps, lang); err != nil {
		h.fail(w, r, err)
		return
	}
	suffix := "en"
	if lang == i18n.ZH {
		suffix = "zh"
	}
	name := "crisis-pack-" + h.d.Clock.Now().Format("2006-01-02") + "-" + suffix + ".zip"
	download(w, "application/zip", name, buf.Bytes())
}

// exportLang is the language asked for with ?lang=, else the page's.
func (h *handler) exportLang(r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	return h.langOf(r)
}

// fonts is the PDF font loader: the app's, else the default font search,
// loaded once on first use.
func (h *handler) fonts() *document.LazyFonts {
	if h.d.Fonts != nil {
		return h.d.Fonts
	}
	return defaultFonts()
}

var defaultFonts = sync.OnceValue(func() *document.LazyFonts { return document.NewLazyFonts("") })

// download writes a file for the browser to save.
func download(w http.ResponseWriter, contentType, name string, body []byte) {
	hdr := w.Header()
	hdr.Set("Content-Type", contentType)
	hdr.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
