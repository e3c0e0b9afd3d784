package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/org"
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

// runWarnings polls the CAP feeds, expires warnings past their
// valid-until time and escalates overdue acknowledgements, once a minute,
// until ctx ends.
func (a *App) runWarnings(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if n, err := a.EscalateOverdueAcks(ctx); err != nil {
				a.Log.Error("escalating overdue warning acknowledgements", "err", err)
			} else if n > 0 {
				a.Log.Info("overdue warning acknowledgements escalated", "departments", n)
			}
		}
	}()
	a.Warning.RunFeeds(ctx, &http.Client{Timeout: 30 * time.Second}, time.Minute)
}

// OverduePolicy is the name of the escalation policy applied to the
// reminders of overdue acknowledgements, when such a policy exists.
const OverduePolicy = "warning-overdue"

// EscalateOverdueAcks sends, once per warning revision and recipient
// department, a reminder to the people of each department that has not
// acknowledged a warning in force by its due time, with acknowledgement
// required and the escalation policy named OverduePolicy (deputies are
// notified when nobody answers). The dedup key makes it safe to run on
// every server every minute. It returns how many reminders it created.
func (a *App) EscalateOverdueAcks(ctx context.Context) (int, error) {
	if a.Notify == nil {
		return 0, nil
	}
	sys := authz.WithPrincipal(ctx, authz.SystemPrincipal)
	pending, err := a.Warning.OverdueAcks(sys)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	var policy *int64
	policies, err := a.Notify.Policies(sys)
	if err != nil {
		return 0, err
	}
	for _, p := range policies {
		if p.Name == OverduePolicy {
			policy = &p.ID
		}
	}
	n := 0
	for _, p := range pending {
		people, err := a.peopleOf(sys, p.UnitID)
		if err != nil {
			return n, err
		}
		if len(people) == 0 {
			continue
		}
		zh, en := overdueTexts(&p, a.Config.BaseURL, a.Location)
		sev := notify.Severity(p.Level.Color())
		if !sev.Valid() {
			sev = notify.Info
		}
		_, created, err := a.Notify.Send(sys, notify.Message{
			DedupKey:    fmt.Sprintf("warning:%d:overdue:r%d:u%d", p.WarningID, p.Revision, p.UnitID),
			Source:      fmt.Sprintf("warning:%d", p.WarningID),
			Severity:    sev,
			AckRequired: true,
			Texts:       map[string]notify.Text{notify.LangZh: zh, notify.LangEn: en},
			Data: map[string]any{"warning_id": p.WarningID, "revision": p.Revision, "unit_id": p.UnitID, "level": int(p.Level),
				"change": "overdue", "due_at": p.DueAt},
			Recipients: people,
			PolicyID:   policy,
		})
		if err != nil {
			return n, fmt.Errorf("warning %d, unit %d: %w", p.WarningID, p.UnitID, err)
		}
		if created {
			n++
		}
	}
	return n, nil
}

// peopleOf lists the active people of a unit's subtree.
func (a *App) peopleOf(ctx context.Context, unitID int64) ([]int64, error) {
	active := true
	var ids []int64
	var after int64
	for {
		page, _, err := a.Org.People(ctx, org.PeopleFilter{UnitID: unitID, Active: &active, Limit: 500, AfterID: after})
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			ids = append(ids, p.ID)
		}
		if len(page) < 500 {
			return ids, nil
		}
		after = page[len(page)-1].ID
	}
}

func overdueTexts(p *warning.PendingAck, baseURL string, loc *time.Location) (zh, en notify.Text) {
	titleEn, unitEn := p.TitleEn, p.UnitNameEn
	if titleEn == "" {
		titleEn = p.Title
	}
	if unitEn == "" {
		unitEn = p.UnitName
	}
	if loc == nil {
		loc = time.Local
	}
	due := p.DueAt.In(loc).Format("2006-01-02 15:04 MST")
	zh.Subject = clip(fmt.Sprintf("【预警响应超时】%s：%s尚未确认", p.Title, p.UnitName), 300)
	en.Subject = clip(fmt.Sprintf("[Acknowledgement overdue] %s: %s has not acknowledged", titleEn, unitEn), 300)
	zh.Body = fmt.Sprintf("%s（%s）要求各接收部门在 %s 前确认收到并记录已采取的措施，%s尚未确认。请立即处理。\n", p.Title, p.Level.NameZh(), due, p.UnitName)
	en.Body = fmt.Sprintf("%s (%s) was to be acknowledged by every recipient department by %s, with the measures taken; %s has not. Please act now.\n",
		titleEn, p.Level.NameEn(), due, unitEn)
	if baseURL != "" {
		link := fmt.Sprintf("%s/warnings/%d#ack-form", strings.TrimRight(baseURL, "/"), p.WarningID)
		zh.Body += "确认响应: " + link + "\n"
		en.Body += "Acknowledge: " + link + "\n"
	}
	return zh, en
}

// warningNotifier hands warnings to the notification engine.
type warningNotifier struct {
	n       *notify.Service
	baseURL string
}

// NotifyWarning sends one change of a warning as a message to the people
// and partners of its audience. The dedup key names the change, so a retry
// notifies nobody twice. Partners outside the directory are external
// recipients of the message, reached by email and SMS; they also travel
// in the message data for templates and webhooks.
func (x warningNotifier) NotifyWarning(ctx context.Context, change warning.Action, w warning.Warning, to warning.Recipients) error {
	external := partnerRecipients(to.Partners)
	if len(to.PersonIDs) == 0 && len(external) == 0 {
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
		External:   external,
	}
	_, _, err := x.n.Send(ctx, m)
	return err
}

// partnerRecipients turns a warning's partners into external recipients.
// The warning service checks partners' addresses with the engine's rules;
// an address stored before those rules that the engine refuses is left
// out rather than keeping the warning from being released, and a partner
// left without any address is not notified.
func partnerRecipients(ps []warning.Contact) []notify.External {
	var out []notify.External
	for _, p := range ps {
		e := notify.External{Name: strings.TrimSpace(p.Name), Lang: p.Lang}
		if org := strings.TrimSpace(p.Organisation); org != "" {
			e.Name = clip(e.Name+" ("+org+")", 200)
		}
		if v := strings.TrimSpace(p.Email); notify.ValidEmail(v) {
			e.Email = v
		}
		if v := strings.TrimSpace(p.Mobile); notify.ValidPhone(v) {
			e.Phone = v
		}
		if e.Lang != notify.LangEn {
			e.Lang = notify.LangZh
		}
		if e.Name == "" || (e.Email == "" && e.Phone == "") || len(out) == notify.MaxExternal {
			continue
		}
		out = append(out, e)
	}
	return out
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
	// The engine refuses subjects over 300 characters; a long title must
	// not keep the warning from being released.
	zh.Subject, en.Subject = clip(zh.Subject, 300), clip(en.Subject, 300)
	return zh, en
}

// clip shortens s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
