package risk

import (
	"context"
	"regexp"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
)

var matrixIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,20}$`)

// SaveMatrix creates a matrix of your own (create true) or updates one.
// The built-in matrices are the reference of the levels and cannot change.
// A matrix in use (ratings, assessments or survey campaigns made on it)
// keeps its scales and bands, which the stored scores and levels were
// computed with: only its names, labels, descriptions and colours change.
// It needs risk.manage.
func (s *Service) SaveMatrix(ctx context.Context, m Matrix, create bool) (Matrix, error) {
	if err := authz.Require(ctx, authz.RiskManage); err != nil {
		return Matrix{}, err
	}
	m.ID = strings.TrimSpace(m.ID)
	m.Name = strings.TrimSpace(m.Name)
	m.NameEn = strings.TrimSpace(m.NameEn)
	m.Builtin = false
	if create && m.ID != "" && !matrixIDRe.MatchString(m.ID) {
		return Matrix{}, errs.Field("id", "must be 1 to 20 letters, digits, - or _")
	}
	for i := range m.Bands {
		b := &m.Bands[i]
		if b.Label == "" || b.LabelEn == "" {
			zh, en := LevelLabel(b.Level)
			if b.Label == "" {
				b.Label = zh
			}
			if b.LabelEn == "" {
				b.LabelEn = en
			}
		}
		b.Color = strings.TrimSpace(b.Color)
	}
	if err := m.Validate(); err != nil {
		return Matrix{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.MatrixByID(ctx, m.ID)
		found := err == nil
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if create {
			if found {
				return &errs.Error{Code: errs.Conflict, Message: "duplicate matrix id",
					Fields: []errs.FieldError{{Field: "id", Message: "is already used by matrix " + before.Name}}}
			}
			if err := s.store.CreateMatrix(ctx, &m); err != nil {
				return err
			}
			return s.audit.Record(ctx, "risk_matrix.create", "risk_matrix", m.ID, nil, m)
		}
		if !found {
			return err
		}
		if before.Builtin {
			return errs.New(errs.Conflict, "the built-in matrix %s cannot be changed; make a matrix of your own", m.ID)
		}
		uses, err := s.store.MatrixUses(ctx, m.ID)
		if err != nil {
			return err
		}
		if uses > 0 {
			if err := sameShape(&before, &m); err != nil {
				return err
			}
		}
		if err := s.store.UpdateMatrix(ctx, &m); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk_matrix.update", "risk_matrix", m.ID, before, m)
	})
	if err != nil {
		return Matrix{}, err
	}
	return m, nil
}

// sameShape refuses changes of scales and bands on a matrix in use.
func sameShape(before, after *Matrix) error {
	var v errs.Validation
	const inUse = "cannot change on a matrix in use: its ratings were scored with it"
	v.Check(len(before.Likelihood) == len(after.Likelihood), "likelihood", inUse)
	v.Check(len(before.Impact) == len(after.Impact), "impact", inUse)
	same := len(before.Bands) == len(after.Bands)
	for i := 0; same && i < len(before.Bands); i++ {
		b, a := before.Bands[i], after.Bands[i]
		same = b.Min == a.Min && b.Max == a.Max && b.Level == a.Level
	}
	v.Check(same, "bands", "score ranges and levels "+inUse)
	return v.Err()
}

// DeleteMatrix removes a matrix of your own that nothing was rated on.
// It needs risk.manage.
func (s *Service) DeleteMatrix(ctx context.Context, id string) error {
	if err := authz.Require(ctx, authz.RiskManage); err != nil {
		return err
	}
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.MatrixByID(ctx, id)
		if err != nil {
			return err
		}
		if before.Builtin {
			return errs.New(errs.Conflict, "the built-in matrix %s cannot be deleted", id)
		}
		uses, err := s.store.MatrixUses(ctx, id)
		if err != nil {
			return err
		}
		if uses > 0 {
			return errs.New(errs.Conflict, "the matrix %s is in use by %d ratings, assessments or survey campaigns and cannot be deleted", id, uses)
		}
		if err := s.store.DeleteMatrix(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk_matrix.delete", "risk_matrix", id, before, nil)
	})
}
