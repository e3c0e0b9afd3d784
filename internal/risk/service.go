package risk

import (
	"context"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Service keeps the risk register.
type Service struct {
	store Store
	tx    tx.Runner
	audit *audit.Log
	clock clock.Clock
}

// NewService returns the risk service.
func NewService(s Store, t tx.Runner, a *audit.Log, c clock.Clock) *Service {
	return &Service{store: s, tx: t, audit: a, clock: c}
}

// Matrices lists the assessment matrices.
func (s *Service) Matrices(ctx context.Context) ([]Matrix, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return nil, err
	}
	return s.store.ListMatrices(ctx)
}

// Matrix returns one assessment matrix.
func (s *Service) Matrix(ctx context.Context, id string) (Matrix, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return Matrix{}, err
	}
	return s.store.MatrixByID(ctx, id)
}

// Today is the calendar day of the service's clock, in UTC, as review dates
// are written.
func (s *Service) Today() string { return s.clock.Now().UTC().Format(DateLayout) }

// Risks returns a page of the ranked register (highest current level and
// score first) and the total matching the filter.
func (s *Service) Risks(ctx context.Context, f Filter) ([]Risk, int, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return nil, 0, err
	}
	var v errs.Validation
	if f.Category != "" && !f.Category.Valid() {
		v.Add("category", "must be one of %s", join(Categories))
	}
	if f.Level != "" && !f.Level.Valid() {
		v.Add("level", "must be one of %s", join(Levels))
	}
	if f.Status != "" && !oneOf(f.Status, Statuses) {
		v.Add("status", "must be one of %s", join(Statuses))
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	if f.UnitID > 0 {
		if _, err := s.store.UnitByID(ctx, f.UnitID); errs.Is(err, errs.NotFound) {
			return nil, 0, errs.Field("unit_id", "no org unit with this id")
		} else if err != nil {
			return nil, 0, err
		}
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 500 {
		f.Limit = 500
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	f.Query = strings.TrimSpace(f.Query)
	f.Today = s.Today()
	return s.store.ListRisks(ctx, f)
}

// Risk returns one risk.
func (s *Service) Risk(ctx context.Context, id int64) (Risk, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return Risk{}, err
	}
	return s.store.RiskByID(ctx, id)
}

func (s *Service) requireOnUnit(ctx context.Context, unitID int64) error {
	u, err := s.store.UnitByID(ctx, unitID)
	if errs.Is(err, errs.NotFound) {
		return errs.Field("unit_id", "no org unit with this id")
	}
	if err != nil {
		return err
	}
	return authz.RequireOn(ctx, authz.RiskWrite, u.Path)
}

// SaveRisk creates (ID 0) or updates a risk's register fields. It needs
// risk.write on the risk's unit, and on both units when the risk moves.
// Ratings are not changed here: they change only by assessment, so that
// every change of rating leaves a trace in the history.
func (s *Service) SaveRisk(ctx context.Context, r Risk) (Risk, error) {
	if err := r.Validate(); err != nil {
		return Risk{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.requireOnUnit(ctx, r.UnitID); err != nil {
			return err
		}
		if err := s.checkPeople(ctx, &r); err != nil {
			return err
		}
		if r.Code != "" {
			other, err := s.store.RiskByCode(ctx, r.Code)
			if err == nil && other.ID != r.ID {
				return &errs.Error{Code: errs.Conflict, Message: "duplicate risk code",
					Fields: []errs.FieldError{{Field: "code", Message: "is already used by risk " + strconv.FormatInt(other.ID, 10) + " " + other.Title}}}
			} else if err != nil && !errs.Is(err, errs.NotFound) {
				return err
			}
		}
		now := s.clock.Now()
		r.UpdatedAt = now
		if r.ID == 0 {
			r.CreatedAt = now
			r.Inherent, r.Residual, r.Level = nil, nil, ""
			if err := s.store.CreateRisk(ctx, &r); err != nil {
				return err
			}
			return s.audit.Record(ctx, "risk.create", "risk", r.ID, nil, r)
		}
		before, err := s.store.RiskByID(ctx, r.ID)
		if err != nil {
			return err
		}
		if before.UnitID != r.UnitID {
			if err := s.requireOnUnit(ctx, before.UnitID); err != nil {
				return err
			}
		}
		r.CreatedAt = before.CreatedAt
		r.Inherent, r.Residual, r.Level = before.Inherent, before.Residual, before.Level
		if err := s.store.UpdateRisk(ctx, &r); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk.update", "risk", r.ID, before, r)
	})
	return r, err
}

// checkPeople makes sure the owner and the owners of actions are people of
// the directory.
func (s *Service) checkPeople(ctx context.Context, r *Risk) error {
	var ids []int64
	if r.OwnerID != nil {
		ids = append(ids, *r.OwnerID)
	}
	for _, a := range r.Actions {
		if a.OwnerID != nil {
			ids = append(ids, *a.OwnerID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	known, err := s.store.PeopleByIDs(ctx, ids)
	if err != nil {
		return err
	}
	var v errs.Validation
	if r.OwnerID != nil {
		if _, ok := known[*r.OwnerID]; !ok {
			v.Add("owner_id", "no person with id %d", *r.OwnerID)
		}
	}
	for i, a := range r.Actions {
		if a.OwnerID != nil {
			if _, ok := known[*a.OwnerID]; !ok {
				v.Add("actions["+strconv.Itoa(i)+"].owner_id", "no person with id %d", *a.OwnerID)
			}
		}
	}
	return v.Err()
}

// DeleteRisk removes a risk and its assessment history; the audit log
// keeps the last state. Closing a risk (status closed) keeps it instead.
func (s *Service) DeleteRisk(ctx context.Context, id int64) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.RiskByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.requireOnUnit(ctx, before.UnitID); err != nil {
			return err
		}
		if err := s.store.DeleteRisk(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk.delete", "risk", id, before, nil)
	})
}

// Assess records an assessment of a risk and makes it the risk's current
// rating of its kind. A residual rating needs an inherent one first, on the
// same matrix, so that the two can be compared. Rating the inherent risk on
// another matrix clears the current residual rating, which was made on the
// old one; both stay in the history.
func (s *Service) Assess(ctx context.Context, a Assessment) (Assessment, error) {
	if a.MatrixID == "" {
		return Assessment{}, errs.Field("matrix_id", "is required")
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		r, err := s.store.RiskByID(ctx, a.RiskID)
		if err != nil {
			return err
		}
		if err := s.requireOnUnit(ctx, r.UnitID); err != nil {
			return err
		}
		m, err := s.store.MatrixByID(ctx, a.MatrixID)
		if errs.Is(err, errs.NotFound) {
			return errs.Field("matrix_id", "no matrix %q", a.MatrixID)
		} else if err != nil {
			return err
		}
		if err := a.Validate(&m); err != nil {
			return err
		}
		if a.Kind == Residual {
			if r.Inherent == nil {
				return errs.Field("kind", "a residual rating needs an inherent rating first")
			}
			if r.Inherent.MatrixID != a.MatrixID {
				return errs.Field("matrix_id", "must be %s, the matrix of the inherent rating", r.Inherent.MatrixID)
			}
		}
		p, _ := authz.From(ctx)
		a.AssessedBy, a.AssessedByName = p.UserID, p.Name
		a.AssessedAt = s.clock.Now()
		a.ID = 0
		if err := s.store.AddAssessment(ctx, &a); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk.assess", "risk", r.ID, nil, a)
	})
	if err != nil {
		return Assessment{}, err
	}
	return a, nil
}

// Assessments returns the assessment history of a risk, oldest first.
func (s *Service) Assessments(ctx context.Context, riskID int64) ([]Assessment, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return nil, err
	}
	if _, err := s.store.RiskByID(ctx, riskID); err != nil {
		return nil, err
	}
	return s.store.Assessments(ctx, riskID)
}

// Heatmap counts the risks in each likelihood × impact cell of a matrix,
// by their current rating of the given kind, and lists the highest ranked
// risk ids of each cell for click-through.
func (s *Service) Heatmap(ctx context.Context, q HeatmapQuery) (Heatmap, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return Heatmap{}, err
	}
	var v errs.Validation
	if q.Kind == "" {
		q.Kind = Inherent
	}
	if q.Kind != Inherent && q.Kind != Residual {
		v.Add("kind", "must be inherent or residual")
	}
	if q.Category != "" && !q.Category.Valid() {
		v.Add("category", "must be one of %s", join(Categories))
	}
	m, err := s.store.MatrixByID(ctx, q.MatrixID)
	if errs.Is(err, errs.NotFound) {
		v.Add("matrix", "no matrix %q", q.MatrixID)
	} else if err != nil {
		return Heatmap{}, err
	}
	if q.UnitID > 0 {
		if _, err := s.store.UnitByID(ctx, q.UnitID); errs.Is(err, errs.NotFound) {
			v.Add("unit_id", "no org unit with this id")
		} else if err != nil {
			return Heatmap{}, err
		}
	}
	if err := v.Err(); err != nil {
		return Heatmap{}, err
	}
	if q.IDsPerCell <= 0 {
		q.IDsPerCell = 100
	}
	found, err := s.store.HeatmapCells(ctx, q)
	if err != nil {
		return Heatmap{}, err
	}
	type key struct{ l, i int }
	byKey := map[key]Cell{}
	for _, c := range found {
		byKey[key{c.Likelihood, c.Impact}] = c
	}
	h := Heatmap{Matrix: m, Kind: q.Kind}
	for l := 1; l <= len(m.Likelihood); l++ {
		for i := 1; i <= len(m.Impact); i++ {
			c := byKey[key{l, i}]
			c.Likelihood, c.Impact = l, i
			c.Score = l * i
			c.Level = m.LevelOf(c.Score)
			if c.RiskIDs == nil {
				c.RiskIDs = []int64{}
			}
			h.Total += c.Count
			h.Cells = append(h.Cells, c)
		}
	}
	return h, nil
}
