package plan

import (
	"context"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// ReviewNotifier sends a review reminder to a plan's owner. Sent is false
// when the reminder had been sent before (same dedup key): sending again
// is harmless.
type ReviewNotifier interface {
	RemindReview(ctx context.Context, r ReviewReminder, dedupKey string) (sent bool, err error)
}

// SetNotifier sets where review reminders go; without one,
// RemindReviews fails.
func (s *Service) SetNotifier(n ReviewNotifier) { s.notifier = n }

// RemindResult counts what a round of review reminders did.
type RemindResult struct {
	Due  int `json:"due" doc:"published plans due or overdue for review"`
	Sent int `json:"sent" doc:"reminders sent now"`
	// NoOwner lists the plans due for review that have no owner to remind.
	NoOwner []int64 `json:"no_owner"`
}

// ReminderStage names the reminder a plan due for review gets as of a
// day: "month" when it enters the reminder window, "week" in its last
// seven days, "due" on the day, and "overdue-N" in the N-th week after
// it. Each stage is sent once, so an owner hears of a review a month and
// a week ahead, on the day and weekly while it is overdue, not daily.
func (r ReviewReminder) ReminderStage() string {
	switch {
	case r.DaysLeft > 7:
		return "month"
	case r.DaysLeft > 0:
		return "week"
	case r.DaysLeft == 0:
		return "due"
	}
	return "overdue-" + strconv.Itoa((-r.DaysLeft-1)/7+1)
}

// DedupKey identifies the reminder of the stage: the plan, the due date
// (a confirmed review or a new publication moves it) and the stage.
func (r ReviewReminder) DedupKey() string {
	return "plan_review:" + strconv.FormatInt(r.PlanID, 10) + ":" + r.ReviewDue + ":" + r.ReminderStage()
}

// RemindReviews reminds the owners of the published plans due, or
// overdue, for review as of asOf (see DueForReview and ReminderStage).
// It needs plan.write: the notification engine runs it as the system.
func (s *Service) RemindReviews(ctx context.Context, asOf time.Time) (RemindResult, error) {
	res := RemindResult{NoOwner: []int64{}}
	if err := authz.Require(ctx, authz.PlanWrite); err != nil {
		return res, err
	}
	if s.notifier == nil {
		return res, errs.New(errs.Internal, "no notifier is set for plan review reminders")
	}
	due, err := s.DueForReview(ctx, asOf)
	if err != nil {
		return res, err
	}
	res.Due = len(due)
	for _, r := range due {
		if r.OwnerID == 0 {
			res.NoOwner = append(res.NoOwner, r.PlanID)
			continue
		}
		sent, err := s.notifier.RemindReview(ctx, r, r.DedupKey())
		if err != nil {
			return res, err
		}
		if sent {
			res.Sent++
		}
	}
	return res, nil
}
