package risk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
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
	if f.Kind != "" && f.Kind != Inherent && f.Kind != Residual {
		v.Add("kind", "must be inherent or residual")
	}
	if f.Kind == "" && (f.MatrixID != "" || f.Likelihood != 0 || f.Impact != 0) {
		v.Add("kind", "is required with a matrix, likelihood or impact")
	}
	v.Check(f.Likelihood >= 0, "likelihood", "must not be negative")
	v.Check(f.Impact >= 0, "impact", "must not be negative")
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
		if err := s.checkProcesses(ctx, r.ProcessIDs); err != nil {
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

// checkProcesses makes sure the affected processes are processes of the
// business impact analysis.
func (s *Service) checkProcesses(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	known, err := s.store.KnownProcesses(ctx, ids)
	if err != nil {
		return err
	}
	var v errs.Validation
	for i, id := range ids {
		if !known[id] {
			v.Add("process_ids["+strconv.Itoa(i)+"]", "no process with id %d", id)
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
//
// An assessment normally takes the time it is recorded. One with an
// earlier AssessedAt records a past rating (from paper records or another
// tool); that needs risk.manage, may not lie in the future, and may not
// come before the current rating of its kind, which it replaces.
func (s *Service) Assess(ctx context.Context, a Assessment) (Assessment, error) {
	if a.MatrixID == "" {
		return Assessment{}, errs.Field("matrix_id", "is required")
	}
	now := s.clock.Now()
	backdated := !a.AssessedAt.IsZero()
	if backdated {
		if err := authz.Require(ctx, authz.RiskManage); err != nil {
			return Assessment{}, err
		}
		if a.AssessedAt.After(now) {
			return Assessment{}, errs.Field("assessed_at", "must not be in the future")
		}
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
		if backdated {
			cur := r.Inherent
			if a.Kind == Residual {
				cur = r.Residual
			}
			if cur != nil && a.AssessedAt.Before(cur.AssessedAt) {
				return errs.Field("assessed_at", "must not be before the current %s rating of %s", a.Kind, cur.AssessedAt.UTC().Format(time.RFC3339))
			}
		} else {
			a.AssessedAt = now
		}
		p, _ := authz.From(ctx)
		a.AssessedBy, a.AssessedByName = p.UserID, p.Name
		a.AssessedAt = a.AssessedAt.UTC()
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

// TopRisks returns the highest ranked open risks of every unit of a
// subtree that has any, for the "top risks by unit" view.
func (s *Service) TopRisks(ctx context.Context, q TopQuery) ([]UnitTop, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return nil, err
	}
	if q.UnitID > 0 {
		if _, err := s.store.UnitByID(ctx, q.UnitID); errs.Is(err, errs.NotFound) {
			return nil, errs.Field("unit_id", "no org unit with this id")
		} else if err != nil {
			return nil, err
		}
	}
	if q.Category != "" && !q.Category.Valid() {
		return nil, errs.Field("category", "must be one of %s", join(Categories))
	}
	if q.N <= 0 {
		q.N = 5
	}
	if q.N > 50 {
		q.N = 50
	}
	return s.store.TopRisks(ctx, q)
}

// RiskByCode returns the risk with the given code.
func (s *Service) RiskByCode(ctx context.Context, code string) (Risk, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return Risk{}, err
	}
	return s.store.RiskByCode(ctx, strings.TrimSpace(code))
}

// Directory returns the org units and the people that risks can belong
// to and be owned by, for naming them in lists, imports and exports.
func (s *Service) Directory(ctx context.Context) ([]org.Unit, []org.Person, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return nil, nil, err
	}
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	var people []org.Person
	var after int64
	for {
		page, _, err := s.store.ListPeople(ctx, org.PeopleFilter{Limit: 500, AfterID: after})
		if err != nil {
			return nil, nil, err
		}
		people = append(people, page...)
		if len(page) < 500 {
			return units, people, nil
		}
		after = page[len(page)-1].ID
	}
}

// RisksByCode returns the stored risks with the given codes, by code.
func (s *Service) RisksByCode(ctx context.Context, codes []string) (map[string]Risk, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return nil, err
	}
	return s.store.RisksByCode(ctx, codes)
}

// ImportRisks creates and updates a batch of risks and records their new
// ratings, with the rules of SaveRisk and Assess (validation, people of
// the directory, risk.write on the units concerned, a residual rating on
// the matrix of the inherent one) checked for every item, and one audit
// entry per risk. It is the bulk path of spreadsheet imports: units,
// people and matrices are read once for the whole batch. The fields of
// an error are prefixed with the item, "items[3].category".
func (s *Service) ImportRisks(ctx context.Context, items []ImportItem) error {
	if err := authz.Require(ctx, authz.RiskWrite); err != nil {
		return err
	}
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		units, err := s.store.ListUnits(ctx)
		if err != nil {
			return err
		}
		unitPath := make(map[int64]string, len(units))
		for _, u := range units {
			unitPath[u.ID] = u.Path
		}
		matrices, err := s.store.ListMatrices(ctx)
		if err != nil {
			return err
		}
		matrix := map[string]*Matrix{}
		for i := range matrices {
			matrix[matrices[i].ID] = &matrices[i]
		}
		var personIDs []int64
		for _, it := range items {
			if it.Risk.OwnerID != nil {
				personIDs = append(personIDs, *it.Risk.OwnerID)
			}
			for _, a := range it.Risk.Actions {
				if a.OwnerID != nil {
					personIDs = append(personIDs, *a.OwnerID)
				}
			}
		}
		people, err := s.store.PeopleByIDs(ctx, personIDs)
		if err != nil {
			return err
		}
		p, _ := authz.From(ctx)
		now := s.clock.Now()
		befores := make([]*Risk, len(items))
		var v errs.Validation
		for i := range items {
			item := fmt.Sprintf("items[%d]", i)
			r := &items[i].Risk
			if err := r.Validate(); err != nil {
				v.Merge(item, err)
				continue
			}
			onUnit := func(id int64) bool {
				path, ok := unitPath[id]
				if !ok {
					v.Add(item+".unit_id", "no org unit with this id")
					return false
				}
				if !p.On(authz.RiskWrite, path) {
					v.Add(item+".unit_id", "permission %s required on this unit", authz.RiskWrite)
					return false
				}
				return true
			}
			if !onUnit(r.UnitID) {
				continue
			}
			if r.OwnerID != nil {
				if _, ok := people[*r.OwnerID]; !ok {
					v.Add(item+".owner_id", "no person with id %d", *r.OwnerID)
				}
			}
			for j, a := range r.Actions {
				if a.OwnerID != nil {
					if _, ok := people[*a.OwnerID]; !ok {
						v.Add(item+".actions["+strconv.Itoa(j)+"].owner_id", "no person with id %d", *a.OwnerID)
					}
				}
			}
			r.UpdatedAt = now
			if r.ID == 0 {
				r.CreatedAt = now
				r.Inherent, r.Residual, r.Level = nil, nil, ""
			} else {
				before, err := s.store.RiskByID(ctx, r.ID)
				if err != nil {
					return err
				}
				if before.UnitID != r.UnitID && !onUnit(before.UnitID) {
					continue
				}
				befores[i] = &before
				r.CreatedAt = before.CreatedAt
				r.Inherent, r.Residual, r.Level = before.Inherent, before.Residual, before.Level
			}
			for j := range items[i].Ratings {
				a := &items[i].Ratings[j]
				m, ok := matrix[a.MatrixID]
				if !ok {
					v.Add(item+".matrix_id", "no matrix %q", a.MatrixID)
					break
				}
				if err := a.Validate(m); err != nil {
					v.Merge(item, err)
					break
				}
				rt := &Rating{MatrixID: a.MatrixID, Likelihood: a.Likelihood, Impact: a.Impact, Score: a.Score, Level: a.Level, AssessedAt: now.UTC()}
				if a.Kind == Residual {
					if r.Inherent == nil || r.Inherent.MatrixID != a.MatrixID {
						v.Add(item+".kind", "a residual rating needs an inherent rating on matrix %s first", a.MatrixID)
						break
					}
					r.Residual = rt
				} else {
					if r.Residual != nil && r.Residual.MatrixID != a.MatrixID {
						r.Residual = nil
					}
					r.Inherent = rt
				}
				a.ID, a.AssessedAt, a.AssessedBy, a.AssessedByName = 0, now.UTC(), p.UserID, p.Name
			}
			r.Level = ""
			if cur := r.Current(); cur != nil {
				r.Level = cur.Level
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.store.ImportRisks(ctx, items); err != nil {
			return err
		}
		// One audit entry per risk, recorded together.
		changes := make([]audit.Change, len(items))
		for i, it := range items {
			after := struct {
				Risk
				Assessments []Assessment `json:"assessments,omitempty"`
			}{it.Risk, it.Ratings}
			var before any
			if befores[i] != nil {
				before = befores[i]
			}
			changes[i] = audit.Change{Action: "risk.import", Entity: "risk", EntityID: it.Risk.ID, Before: before, After: after}
		}
		return s.audit.RecordMany(ctx, changes)
	})
}
