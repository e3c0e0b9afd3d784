package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// newSurveys builds the risk survey service and connects its reminders
// to the notification engine.
func (a *App) newSurveys() {
	a.Survey = risksurvey.NewService(a.DB, a.DB, a.Audit, a.Clock, a.Risk)
	if a.Notify != nil {
		a.Survey.SetNotifier(surveyNotifier{n: a.Notify, baseURL: a.Config.BaseURL})
	}
}

// runSurveyReminders reminds late departments every hour, as the system,
// until ctx ends. A unit is reminded at most once a day: the dedup key of
// the message names the campaign, the unit and the day.
func (a *App) runSurveyReminders(ctx context.Context) {
	if a.Notify == nil {
		return
	}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	sys := authz.WithPrincipal(ctx, authz.SystemPrincipal)
	for {
		if res, err := a.Survey.RemindLate(sys, 0); err != nil && ctx.Err() == nil {
			a.Log.Warn("risk survey reminders", "err", err)
		} else if res.Sent > 0 {
			a.Log.Info("risk survey reminders sent", "count", res.Sent)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// surveyNotifier hands survey reminders to the notification engine.
type surveyNotifier struct {
	n       *notify.Service
	baseURL string
}

// Remind sends the reminder of a campaign to a unit's respondents; a
// second call for the same campaign, unit and day finds the message of
// the first and sends nothing.
func (x surveyNotifier) Remind(ctx context.Context, r risksurvey.Reminder) (bool, error) {
	c := r.Campaign
	titleEn := c.TitleEn
	if titleEn == "" {
		titleEn = c.Title
	}
	unitEn := r.Unit.NameEn
	if unitEn == "" {
		unitEn = r.Unit.Name
	}
	zh := notify.Text{Subject: fmt.Sprintf("【风险排查催办】%s", c.Title),
		Body: fmt.Sprintf("%s尚未提交风险排查“%s”的答复,截止日期为%s,已逾期。请尽快填写并提交。\n", r.Unit.Name, c.Title, c.Due)}
	en := notify.Text{Subject: fmt.Sprintf("[Risk survey overdue] %s", titleEn),
		Body: fmt.Sprintf("%s has not submitted its answers to the risk survey \"%s\", due %s. Please answer and submit them now.\n", unitEn, titleEn, c.Due)}
	if x.baseURL != "" {
		link := fmt.Sprintf("%s/risk-surveys/%d/units/%d", strings.TrimRight(x.baseURL, "/"), c.ID, r.Unit.ID)
		zh.Body += "填写: " + link + "\n"
		en.Body += "Answer: " + link + "\n"
	}
	_, created, err := x.n.Send(ctx, notify.Message{
		DedupKey:   r.DedupKey(),
		Source:     fmt.Sprintf("risk_survey:%d", c.ID),
		Severity:   notify.Info,
		Texts:      map[string]notify.Text{notify.LangZh: zh, notify.LangEn: en},
		Data:       map[string]any{"survey_id": c.ID, "unit_id": r.Unit.ID, "due": c.Due, "day": r.Day},
		Recipients: r.Recipients,
	})
	return created, err
}
