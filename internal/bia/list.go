package bia

import (
	"context"
	"slices"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// MaxPageSize bounds one page of a list.
const MaxPageSize = 200

// ProcessQuery selects one page of processes for the process list.
type ProcessQuery struct {
	UnitID    int64 // 0: all; otherwise the unit's subtree
	Important bool  // only important processes
	OwnerID   int64 // 0: any owner
	Query     string
	Limit     int // 1..MaxPageSize; 0 means MaxPageSize
	Offset    int
}

// ResourceQuery selects one page of resources.
type ResourceQuery struct {
	Kind   ResourceKind // "" for all
	Query  string
	Limit  int
	Offset int
}

// ListStore is the paged listing of processes and resources. Each call
// returns one page and the number of rows matching the filter.
type ListStore interface {
	ProcessPage(ctx context.Context, q ProcessQuery) ([]Process, int, error)
	ResourcePage(ctx context.Context, q ResourceQuery) ([]Resource, int, error)
}

func pageBounds(limit, offset *int) error {
	var v errs.Validation
	if *limit == 0 {
		*limit = MaxPageSize
	}
	v.Check(*limit >= 1 && *limit <= MaxPageSize, "limit", "must be between 1 and 200")
	v.Check(*offset >= 0, "offset", "must not be negative")
	return v.Err()
}

func (s *Service) lists() (ListStore, error) {
	ls, ok := s.store.(ListStore)
	if !ok {
		return nil, errs.New(errs.Internal, "the store cannot list pages")
	}
	return ls, nil
}

// ProcessPage lists one page of processes, by code then name, with the
// number of processes the filter matches.
func (s *Service) ProcessPage(ctx context.Context, q ProcessQuery) ([]Process, int, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, 0, err
	}
	if err := pageBounds(&q.Limit, &q.Offset); err != nil {
		return nil, 0, err
	}
	if q.UnitID > 0 {
		if _, err := s.store.UnitByID(ctx, q.UnitID); errs.Is(err, errs.NotFound) {
			return nil, 0, errs.Field("unit_id", "no org unit with id %d", q.UnitID)
		} else if err != nil {
			return nil, 0, err
		}
	}
	q.Query = strings.TrimSpace(q.Query)
	ls, err := s.lists()
	if err != nil {
		return nil, 0, err
	}
	return ls.ProcessPage(ctx, q)
}

// ResourcePage lists one page of resources, by kind, code and name, with
// the number of resources the filter matches.
func (s *Service) ResourcePage(ctx context.Context, q ResourceQuery) ([]Resource, int, error) {
	if err := authz.Require(ctx, authz.BIARead); err != nil {
		return nil, 0, err
	}
	if err := pageBounds(&q.Limit, &q.Offset); err != nil {
		return nil, 0, err
	}
	if q.Kind != "" && !slices.Contains(ResourceKinds, q.Kind) {
		return nil, 0, errs.Field("kind", "must be one of %s", join(ResourceKinds))
	}
	q.Query = strings.TrimSpace(q.Query)
	ls, err := s.lists()
	if err != nil {
		return nil, 0, err
	}
	return ls.ResourcePage(ctx, q)
}
