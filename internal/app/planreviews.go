package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/plan"
)

// newPlanReviews connects the plan review reminders to the notification
// engine.
func (a *App) newPlanReviews() {
	if a.Notify != nil {
		a.Plan.SetNotifier(planReviewNotifier{n: a.Notify, baseURL: a.Config.BaseURL})
	}
}

// runPlanReviewReminders reminds the owners of plans due for review every
// hour, as the system, until ctx ends. Each reminder stage of a plan
// (a month ahead, a week ahead, the day, each week overdue) is sent once:
// its dedup key names the plan, the due date and the stage.
func (a *App) runPlanReviewReminders(ctx context.Context) {
	if a.Notify == nil {
		return
	}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	sys := authz.WithPrincipal(ctx, authz.SystemPrincipal)
	for {
		if res, err := a.Plan.RemindReviews(sys, a.Clock.Now()); err != nil && ctx.Err() == nil {
			a.Log.Warn("plan review reminders", "err", err)
		} else if res.Sent > 0 {
			a.Log.Info("plan review reminders sent", "count", res.Sent)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// planReviewNotifier hands plan review reminders to the notification
// engine.
type planReviewNotifier struct {
	n       *notify.Service
	baseURL string
}

// RemindReview sends the reminder to the plan's owner; a second call with
// the same dedup key finds the first message and sends nothing.
func (x planReviewNotifier) RemindReview(ctx context.Context, r plan.ReviewReminder, dedupKey string) (bool, error) {
	titleEn := r.TitleEn
	if titleEn == "" {
		titleEn = r.Title
	}
	code := ""
	if r.Code != "" {
		code = " " + r.Code
	}
	var whenZh, whenEn string
	switch {
	case r.Overdue:
		whenZh = fmt.Sprintf("应于 %s 评审，已逾期 %d 天", r.ReviewDue, -r.DaysLeft)
		whenEn = fmt.Sprintf("was due for review on %s, %d days ago", r.ReviewDue, -r.DaysLeft)
	case r.DaysLeft == 0:
		whenZh = fmt.Sprintf("今天（%s）到期评审", r.ReviewDue)
		whenEn = fmt.Sprintf("is due for review today (%s)", r.ReviewDue)
	default:
		whenZh = fmt.Sprintf("将于 %s 到期评审（还有 %d 天）", r.ReviewDue, r.DaysLeft)
		whenEn = fmt.Sprintf("is due for review on %s (in %d days)", r.ReviewDue, r.DaysLeft)
	}
	zh := notify.Text{Subject: "【预案评审提醒】" + r.Title,
		Body: fmt.Sprintf("预案“%s”%s（现行第 %d 版）%s。请组织评审：预案仍然适用时确认评审，需要修改时启动修订。\n", r.Title, code, r.PublishedVersion, whenZh)}
	en := notify.Text{Subject: "[Plan review] " + titleEn,
		Body: fmt.Sprintf("The plan \"%s\"%s (version %d in force) %s. Review it: confirm the review if it still holds, or start a revision.\n", titleEn, code, r.PublishedVersion, whenEn)}
	if x.baseURL != "" {
		link := fmt.Sprintf("%s/plans/%d", strings.TrimRight(x.baseURL, "/"), r.PlanID)
		zh.Body += "查看: " + link + "\n"
		en.Body += "Open: " + link + "\n"
	}
	severity := notify.Info
	if r.Overdue {
		severity = notify.Yellow
	}
	_, created, err := x.n.Send(ctx, notify.Message{
		DedupKey:   dedupKey,
		Source:     fmt.Sprintf("plan:%d", r.PlanID),
		Severity:   severity,
		Texts:      map[string]notify.Text{notify.LangZh: zh, notify.LangEn: en},
		Data:       map[string]any{"plan_id": r.PlanID, "review_due": r.ReviewDue, "days_left": r.DaysLeft, "stage": r.ReminderStage()},
		Recipients: []int64{r.OwnerID},
	})
	return created, err
}
