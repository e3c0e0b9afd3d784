package web

import (
	"context"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// situation is the top of the dashboard: what needs attention now, from
// each area the user may read.
type situation struct {
	Warnings *warningSituation
	Risks    *riskSituation
	Plans    *planSituation
	BIA      *biaSituation
}

// Any reports whether the user may see any part of it.
func (s situation) Any() bool {
	return s.Warnings != nil || s.Risks != nil || s.Plans != nil || s.BIA != nil
}

type warningSituation struct {
	InForce int
	Counts  []levelCount // red first
	Top     []situationWarning
}

type situationWarning struct {
	ID    int64
	Badge warnBadge
	Title string
}

type riskSituation struct {
	Critical, High levelCountRisk
	OverdueReview  int
}

type levelCountRisk struct {
	Badge levelBadge
	N     int
}

type planSituation struct {
	Published, ReviewDue, ReviewOverdue int
}

type biaSituation struct {
	Gaps int
}

// situationTop is how many warnings in force the dashboard names.
const situationTop = 3

// situation gathers the dashboard's current situation; each part needs
// its area's read permission.
func (h *handler) situation(ctx context.Context, p Page, pr authz.Principal) (situation, error) {
	var s situation
	if h.d.Warning != nil && pr.Any(authz.WarningRead) {
		ws, n, err := h.d.Warning.Warnings(ctx, warning.Filter{InForce: true, Limit: 500})
		if err != nil {
			return s, err
		}
		ws2 := &warningSituation{InForce: n}
		counts := map[warning.Level]int{}
		for _, w := range ws {
			counts[w.Level]++
		}
		for _, l := range []warning.Level{warning.Red, warning.Orange, warning.Yellow, warning.Blue} {
			ws2.Counts = append(ws2.Counts, levelCount{Badge: p.WarnLevel(l), N: counts[l]})
		}
		// Most severe first, then the newest (the list comes newest first).
		for _, l := range []warning.Level{warning.Red, warning.Orange, warning.Yellow, warning.Blue} {
			for _, w := range ws {
				if w.Level == l && len(ws2.Top) < situationTop {
					ws2.Top = append(ws2.Top, situationWarning{ID: w.ID, Badge: p.WarnLevel(w.Level), Title: p.L(w.Title, w.TitleEn)})
				}
			}
		}
		s.Warnings = ws2
	}
	if h.d.Risk != nil && pr.Any(authz.RiskRead) {
		rs := &riskSituation{Critical: levelCountRisk{Badge: p.RiskLevel(risk.Critical)}, High: levelCountRisk{Badge: p.RiskLevel(risk.High)}}
		err := countEach(ctx, h.d.Risk.Risks, []counted[risk.Filter]{
			{risk.Filter{Level: risk.Critical, Limit: 1}, &rs.Critical.N},
			{risk.Filter{Level: risk.High, Limit: 1}, &rs.High.N},
			{risk.Filter{OverdueReview: true, Limit: 1}, &rs.OverdueReview},
		})
		if err != nil {
			return s, err
		}
		s.Risks = rs
	}
	if h.d.Plan != nil && pr.Any(authz.PlanRead) {
		now := h.d.Clock.Now().UTC()
		ps := &planSituation{}
		err := countEach(ctx, h.d.Plan.Plans, []counted[plan.Filter]{
			{plan.Filter{Published: true, Limit: 1}, &ps.Published},
			{plan.Filter{ReviewDueBy: now.Add(plan.ReminderWindow).Format(plan.DateLayout), Limit: 1}, &ps.ReviewDue},
			{plan.Filter{ReviewDueBy: now.Add(-24 * time.Hour).Format(plan.DateLayout), Limit: 1}, &ps.ReviewOverdue},
		})
		if err != nil {
			return s, err
		}
		s.Plans = ps
	}
	if h.d.BIA != nil && pr.Any(authz.BIARead) {
		rep, err := h.d.BIA.FeasibilityReport(ctx)
		if err != nil {
			return s, err
		}
		s.BIA = &biaSituation{Gaps: len(rep.Gaps)}
	}
	return s, nil
}

// counted is a filter of a paged list and where to put how many match.
type counted[F any] struct {
	f F
	n *int
}

// countEach asks a paged list (which returns the page and the total) for
// the total of each filter.
func countEach[F, T any](ctx context.Context, list func(context.Context, F) ([]T, int, error), cs []counted[F]) error {
	for _, c := range cs {
		_, n, err := list(ctx, c.f)
		if err != nil {
			return err
		}
		*c.n = n
	}
	return nil
}
