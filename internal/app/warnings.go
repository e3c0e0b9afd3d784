package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// newWarnings builds the warning service and connects it to the
// notification engine: every change of a warning becomes a notify
// message to the people of its audience.
func (a *App) newWarnings() {
	a.Warning = warning.NewService(a.DB, a.DB, a.Audit, a.Clock)
	a.Warning.SetLogger(a.Log)
	host := "localhost"
	if u, err := url.Parse(a.Config.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	a.Warning.SetPublisher("continuo@"+host, "Continuo", a.Config.BaseURL)
	if a.Notify != nil {
		a.Warning.SetNotifier(warningNotifier{n: a.Notify, baseURL: a.Config.BaseURL})
	}
}

// runWarnings polls the CAP feeds and expires warnings past their
// valid-until time, once a minute, until ctx ends.
func (a *App) runWarnings(ctx context.Context) {
	a.Warning.RunFeeds(ctx, &http.Client{Timeout: 30 * time.Second}, time.Minute)
}

// warningNotifier hands warnings to the notification engine.
type warningNotifier struct {
	n       *notify.Service
	baseURL string
}

// NotifyWarning sends one change of a warning as a message to the people
// of its audience. The dedup key names the change, so a retry notifies
// nobody twice. Partners outside the directory travel in the message data
// for templates and webhooks: the engine delivers to people.
func (x warningNotifier) NotifyWarning(ctx context.Context, change warning.Action, w warning.Warning, to warning.Recipients) error {
	if len(to.PersonIDs) == 0 {
		return nil
	}
	sev := notify.Severity(w.Level.Color())
	if change == warning.ActLifted || change == warning.ActExpired {
		sev = notify.Info
	}
	zh, en := warningTexts(change, &w, x.baseURL)
	m := notify.Message{
		DedupKey:    fmt.Sprintf("warning:%d:%s:r%d:%d", w.ID, change, w.Revision, w.UpdatedAt.UnixNano()),
		Source:      fmt.Sprintf("warning:%d", w.ID),
		Severity:    sev,
		AckRequired: change == warning.ActRaised || change == warning.ActUpgraded,
		Texts:       map[string]notify.Text{notify.LangZh: zh, notify.LangEn: en},
		Data: map[string]any{"warning_id": w.ID, "level": int(w.Level), "colour": w.Level.Color(), "change": string(change),
			"revision": w.Revision, "unit_ids": to.UnitIDs, "partners": to.Partners},
		Recipients: to.PersonIDs,
	}
	_, _, err := x.n.Send(ctx, m)
	return err
}

func warningTexts(change warning.Action, w *warning.Warning, baseURL string) (zh, en notify.Text) {
	zhVerb := map[warning.Action]string{warning.ActRaised: "发布", warning.ActUpgraded: "升级", warning.ActDowngraded: "降级",
		warning.ActLifted: "解除", warning.ActExpired: "到期"}[change]
	enVerb := map[warning.Action]string{warning.ActRaised: "issued", warning.ActUpgraded: "upgraded", warning.ActDowngraded: "downgraded",
		warning.ActLifted: "lifted", warning.ActExpired: "expired"}[change]
	titleEn := w.TitleEn
	if titleEn == "" {
		titleEn = w.Title
	}
	zh.Subject = fmt.Sprintf("【%s%s】%s", w.Level.NameZh(), zhVerb, w.Title)
	en.Subject = fmt.Sprintf("[%s %s] %s", strings.ToUpper(w.Level.Color()), enVerb, titleEn)
	var bz, be strings.Builder
	line := func(b *strings.Builder, label, v string) {
		if v != "" {
			fmt.Fprintf(b, "%s: %s\n", label, v)
		}
	}
	line(&bz, "预警级别", w.Level.NameZh())
	line(&bz, "影响范围", w.Area)
	line(&bz, "可能影响", w.Impact)
	line(&bz, "防范措施", w.Measures)
	line(&be, "Level", w.Level.NameEn())
	line(&be, "Area", w.Area)
	line(&be, "Expected impact", w.Impact)
	line(&be, "Required measures", w.Measures)
	if w.ValidUntil != nil {
		line(&bz, "有效期至", w.ValidUntil.Format("2006-01-02 15:04 MST"))
		line(&be, "Valid until", w.ValidUntil.Format("2006-01-02 15:04 MST"))
	}
	if change == warning.ActRaised || change == warning.ActUpgraded {
		bz.WriteString("请各接收部门确认收到并记录已采取的措施。\n")
		be.WriteString("Each recipient department must acknowledge and record the measures it took.\n")
	}
	if baseURL != "" {
		link := fmt.Sprintf("%s/warnings/%d", strings.TrimRight(baseURL, "/"), w.ID)
		line(&bz, "详情", link)
		line(&be, "Details", link)
	}
	zh.Body, en.Body = bz.String(), be.String()
	return zh, en
}
