// Package errs defines the error codes of the domain once. Services return
// *Error values; the web and API edges map the code to an HTTP status.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error for the edges.
type Code string

// The error codes of the domain.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	RateLimited  Code = "rate_limited"
	Internal     Code = "internal"
)

// FieldError says what is wrong with one input field. Field is a path such
// as "name", "contacts[1].value" or "row 7.mobile".
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error with a code, a message and optional field details.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with the given code and message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with the given code that wraps err.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// CodeOf returns the code of err, Internal for errors without one.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// FieldsOf returns the field details of err, if any.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// Validation collects field errors; its Err method returns nil when there
// are none, so validators read as a list of checks.
type Validation struct {
	fields []FieldError
}

// Add records a problem with a field.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check records msg for field when ok is false.
func (v *Validation) Check(ok bool, field, msg string) {
	if !ok {
		v.Add(field, "%s", msg)
	}
}

// Required records a problem when the trimmed value is empty.
func (v *Validation) Required(field, value string) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, "is required")
	}
}

// MaxLen records a problem when value is longer than n characters.
func (v *Validation) MaxLen(field, value string, n int) {
	if len([]rune(value)) > n {
		v.Add(field, "must be at most %d characters", n)
	}
}

// Merge adds the field errors of err under a prefix: "contacts[1]" and
// "value" give "contacts[1].value". An error without fields is added
// under the prefix itself.
func (v *Validation) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	fields := FieldsOf(err)
	if len(fields) == 0 {
		v.fields = append(v.fields, FieldError{Field: prefix, Message: err.Error()})
		return
	}
	for _, f := range fields {
		name := f.Field
		if prefix != "" {
			name = prefix + "." + f.Field
		}
		v.fields = append(v.fields, FieldError{Field: name, Message: f.Message})
	}
}

// Fields returns the collected problems.
func (v *Validation) Fields() []FieldError { return v.fields }

// Err returns an Invalid error listing the problems, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "invalid input", Fields: v.fields}
}

// Field returns an Invalid error about one field.
func Field(field, format string, args ...any) error {
	var v Validation
	v.Add(field, format, args...)
	return v.Err()
}
