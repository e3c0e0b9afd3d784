package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/server"
)

// problem is the body of every API error. It has the fields, and so the
// JSON, of server.ErrorBody, which the router writes for 401 and 403: a
// client sees one error format whether the router, huma's request
// validation or a service refused the request.
type problem server.ErrorBody

// Error returns the detail message.
func (p *problem) Error() string { return p.Detail }

// GetStatus tells huma the HTTP status to answer with.
func (p *problem) GetStatus() int { return p.Status }

// ContentType marks the body as RFC 9457 problem details, as
// server.WriteError does.
func (p *problem) ContentType(string) string { return "application/problem+json" }

// huma builds its own errors (bad JSON, schema violations, body too large)
// and documents the error schema through huma.NewError. It is a package
// variable of huma; only this package uses huma in Continuo, so replacing
// it once here is safe and keeps every error in our format.
func init() {
	huma.NewError = newProblem
}

// newProblem converts huma's errors. Details carry their location
// ("body.contacts[0].value", "query.limit", "path.id") as the field.
func newProblem(status int, msg string, details ...error) huma.StatusError {
	var fields []errs.FieldError
	for _, e := range details {
		if e == nil {
			continue
		}
		var tooLarge *http.MaxBytesError
		if errors.As(e, &tooLarge) {
			// The router's body limit tripped while huma was reading.
			status = http.StatusRequestEntityTooLarge
			msg = fmt.Sprintf("request body is larger than %d bytes", tooLarge.Limit)
			continue
		}
		var d huma.ErrorDetailer
		if errors.As(e, &d) {
			fields = append(fields, fieldOf(d.ErrorDetail()))
			continue
		}
		if status >= 500 {
			continue // do not show internals
		}
		fields = append(fields, errs.FieldError{Message: e.Error()})
	}
	return &problem{Code: codeOfStatus(status), Status: status, Title: http.StatusText(status), Detail: msg, Errors: fields}
}

var requiredRe = regexp.MustCompile(`^expected required property (\S+) to be present$`)

// fieldOf rewrites a huma error detail into a field error. A missing
// required property is reported on the property itself ("body.name: is
// required"), as the services report a blank one, rather than on the
// object that lacks it.
func fieldOf(d *huma.ErrorDetail) errs.FieldError {
	f := errs.FieldError{Field: d.Location, Message: d.Message}
	if m := requiredRe.FindStringSubmatch(d.Message); m != nil {
		if f.Field != "" {
			f.Field += "."
		}
		f.Field += m[1]
		f.Message = "is required"
	}
	if d.Message == "unexpected property" {
		f.Message = "is not a known field"
	}
	return f
}

// codeOfStatus gives huma's errors the domain code of their status.
func codeOfStatus(status int) errs.Code {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusNotAcceptable, http.StatusRequestTimeout:
		return errs.Invalid
	case http.StatusUnauthorized:
		return errs.Unauthorized
	case http.StatusForbidden:
		return errs.Forbidden
	case http.StatusNotFound:
		return errs.NotFound
	case http.StatusConflict, http.StatusPreconditionFailed:
		return errs.Conflict
	case http.StatusTooManyRequests:
		return errs.RateLimited
	}
	if status >= 500 {
		return errs.Internal
	}
	return errs.Invalid
}

// problemOf maps an error of a service to the API error: its code gives
// the status (server.StatusOf), its message the detail and its fields the
// errors, each field path passed through field. Errors without a code are
// logged and answered with a bare 500, so nothing internal leaks.
func problemOf(ctx context.Context, err error, field func(string) string) *problem {
	var p *problem
	if errors.As(err, &p) {
		return p
	}
	var e *errs.Error
	if !errors.As(err, &e) || e.Code == errs.Internal {
		if ctx.Err() == nil {
			loggerFrom(ctx).Error("API request failed", "err", err)
		}
		return &problem{Code: errs.Internal, Status: http.StatusInternalServerError,
			Title:  http.StatusText(http.StatusInternalServerError),
			Detail: "internal error; the server log has the details"}
	}
	status := server.StatusOf(e.Code)
	var fields []errs.FieldError
	for _, f := range e.Fields {
		name := f.Field
		if name != "" && field != nil {
			name = field(name)
		}
		fields = append(fields, errs.FieldError{Field: name, Message: f.Message})
	}
	return &problem{Code: e.Code, Status: status, Title: http.StatusText(status), Detail: e.Message, Errors: fields}
}

// invalidField is an Invalid error about one input field.
func invalidField(field, msg string) error {
	return &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.FieldError{{Field: field, Message: msg}}}
}
