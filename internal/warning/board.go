package warning

import (
	"context"

	"github.com/continuo-bcm/continuo/internal/authz"
)

// BoardRevision is a cheap token that changes whenever what the warning
// board shows may have changed: a warning raised, changed, lifted or
// expired, a department acknowledging (each is a history event), or an
// acknowledgement falling due. Live views poll it, so that a change made
// by another server process on the same database reaches them too.
func (s *Service) BoardRevision(ctx context.Context) (string, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return "", err
	}
	return s.store.BoardRevision(ctx, s.clock.Now())
}
