package api

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/errs"
)

func TestProblemOfHidesInternals(t *testing.T) {
	var logged bytes.Buffer
	ctx := context.WithValue(context.Background(), loggerKey{}, slog.New(slog.NewTextHandler(&logged, nil)))

	p := problemOf(ctx, errors.New("pq: connection refused to 10.0.0.5"), nil)
	if p.Status != http.StatusInternalServerError || p.Code != errs.Internal || strings.Contains(p.Detail, "10.0.0.5") {
		t.Errorf("an uncoded error became %+v", p)
	}
	if !strings.Contains(logged.String(), "10.0.0.5") {
		t.Errorf("the internal error was not logged: %q", logged.String())
	}

	// A coded error shows its message, not the database error it wraps.
	p = problemOf(ctx, errs.Wrap(errs.Conflict, errors.New("UNIQUE constraint failed: people.employee_no"), "already exists"), nil)
	if p.Status != http.StatusConflict || p.Detail != "already exists" {
		t.Errorf("a wrapped conflict became %+v", p)
	}
}

func TestProblemOfFieldPaths(t *testing.T) {
	err := &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.FieldError{
		{Field: "members[1].deputies[0]", Message: "a member cannot be their own deputy"},
		{Field: "members[1].person_id", Message: "no person with id 9"},
		{Field: "members[0].role", Message: "must be one of …"},
		{Field: "unit_id", Message: "no org unit with this id"},
	}}
	p := problemOf(context.Background(), err, seatField(1))
	want := []string{"body.deputies[0]", "path.person_id", "members[0].role", "unit_id"}
	for i, f := range p.Errors {
		if f.Field != want[i] {
			t.Errorf("field %d: %q, want %q", i, f.Field, want[i])
		}
	}
	if p.Status != http.StatusUnprocessableEntity || p.Code != errs.Invalid {
		t.Errorf("status %d code %s", p.Status, p.Code)
	}
}

func TestNewProblemFromHumaErrors(t *testing.T) {
	se := huma.NewError(http.StatusUnprocessableEntity, "validation failed",
		&huma.ErrorDetail{Location: "body", Message: "expected required property name to be present"},
		&huma.ErrorDetail{Location: "body.members[0]", Message: "unexpected property"},
		&huma.ErrorDetail{Location: "query.limit", Message: "expected number <= 500", Value: 900},
	)
	p, isProblem := se.(*problem)
	if !isProblem {
		t.Fatalf("huma.NewError returns %T, want *problem", se)
	}
	want := []errs.FieldError{
		{Field: "body.name", Message: "is required"},
		{Field: "body.members[0]", Message: "is not a known field"},
		{Field: "query.limit", Message: "expected number <= 500"},
	}
	if len(p.Errors) != len(want) {
		t.Fatalf("errors %+v", p.Errors)
	}
	for i := range want {
		if p.Errors[i] != want[i] {
			t.Errorf("error %d: %+v, want %+v", i, p.Errors[i], want[i])
		}
	}

	// The router's body limit tripping inside huma's read is a 413, not a 500.
	se = huma.NewError(http.StatusInternalServerError, "cannot read request body", &http.MaxBytesError{Limit: 1 << 20})
	if se.GetStatus() != http.StatusRequestEntityTooLarge || se.(*problem).Code != errs.Invalid {
		t.Errorf("a body over the limit became %+v", se)
	}
}
