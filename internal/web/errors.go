package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/server"
)

// errorPage is the data of the 403, 404, 409, 422, 429 and 500 pages.
type errorPage struct {
	Page
	Status    int
	Heading   string
	Message   string
	Details   []string
	Reference string
}

// notFound answers every path no route claims.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	if server.IsAPI(r) {
		server.WriteError(w, http.StatusNotFound, errs.NotFound, "no such endpoint", nil)
		return
	}
	h.errorStatus(w, r, http.StatusNotFound, "")
}

// errorStatus renders the translated error page for a status; msg, when
// given, replaces the standard explanation.
func (h *handler) errorStatus(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := errorPage{Page: h.base(w, r, ""), Status: status, Message: msg}
	switch status {
	case http.StatusNotFound:
		p.Heading = p.Tr.T("error.not_found_title")
		if msg == "" {
			p.Message = p.Tr.T("error.not_found")
		}
	case http.StatusForbidden:
		p.Heading = p.Tr.T("error.forbidden_title")
		if msg == "" {
			p.Message = p.Tr.T("validation.forbidden")
		}
	case http.StatusConflict:
		p.Heading = p.Tr.T("error.conflict_title")
	case http.StatusTooManyRequests:
		p.Heading = p.Tr.T("error.rate_limited_title")
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		p.Heading = p.Tr.T("error.invalid_title")
	default:
		p.Heading = p.Tr.T("error.internal_title")
		if msg == "" {
			p.Message = p.Tr.T("error.internal")
		}
	}
	p.Title = p.Heading
	h.render(w, r, status, "error", p)
}

// serverError logs err under a reference the user can quote and shows the
// internal-error page with it.
func (h *handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	ref := newReference()
	h.log.Error("web request failed", "ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
	p := errorPage{Page: h.base(w, r, "error.internal_title"), Status: http.StatusInternalServerError, Reference: ref}
	p.Heading = p.Title
	p.Message = p.Tr.T("error.internal")
	h.render(w, r, http.StatusInternalServerError, "error", p)
}

func newReference() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// fail answers a request whose service call failed, by the error's code.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *errs.Error
	if !errors.As(err, &e) {
		h.serverError(w, r, err)
		return
	}
	tr := i18n.For(h.langOf(r))
	switch e.Code {
	case errs.NotFound:
		h.errorStatus(w, r, http.StatusNotFound, "")
	case errs.Forbidden:
		h.errorStatus(w, r, http.StatusForbidden, localizeMessage(tr, err))
	case errs.Unauthorized:
		server.Deny(w, r, http.StatusUnauthorized, errs.Unauthorized, "sign in first")
	case errs.Conflict:
		h.errorWithDetails(w, r, http.StatusConflict, localizeMessage(tr, err), fieldList(tr, e.Fields))
	case errs.Invalid:
		h.errorWithDetails(w, r, http.StatusUnprocessableEntity, localizeMessage(tr, err), fieldList(tr, e.Fields))
	case errs.RateLimited:
		h.errorStatus(w, r, http.StatusTooManyRequests, tr.T("error.rate_limited"))
	default:
		h.serverError(w, r, err)
	}
}

func (h *handler) errorWithDetails(w http.ResponseWriter, r *http.Request, status int, msg string, details []string) {
	p := errorPage{Page: h.base(w, r, ""), Status: status, Message: msg, Details: details}
	if status == http.StatusConflict {
		p.Heading = p.Tr.T("error.conflict_title")
	} else {
		p.Heading = p.Tr.T("error.invalid_title")
	}
	p.Title = p.Heading
	h.render(w, r, status, "error", p)
}

// pathID reads a numeric path parameter; ok is false when it is not one.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// saveOrReport runs save when the form's own checks (v) found nothing.
// Otherwise it saves nothing and adds the checks of the value the form
// built (validate) to the form's, so that the page shows every problem at
// once.
func saveOrReport(v *errs.Validation, validate, save func() error) error {
	if err := v.Err(); err != nil {
		if verr := validate(); verr != nil {
			v.Merge("", verr)
			return v.Err()
		}
		return err
	}
	return save()
}
