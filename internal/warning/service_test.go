package warning_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
	"github.com/continuo-bcm/continuo/internal/warning"
)

var _ warning.Store = (*store.DB)(nil)

// sent is one notification handed to the notifier.
type sent struct {
	change warning.Action
	w      warning.Warning
	to     warning.Recipients
}

// recorder is a Notifier that keeps what it is given, as the notification
// engine would queue it.
type recorder struct {
	mu   sync.Mutex
	sent []sent
}

func (r *recorder) NotifyWarning(_ context.Context, c warning.Action, w warning.Warning, to warning.Recipients) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, sent{c, w, to})
	return nil
}

func (r *recorder) take() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sent
	r.sent = nil
	return out
}

// env is a logistics group with an east branch holding the Shanghai and
// Hangzhou hubs, a west branch, people in each, and a special team.
type env struct {
	db     *store.DB
	svc    *warning.Service
	org    *org.Service
	audit  *audit.Log
	clock  *clock.Fake
	notes  *recorder
	sys    context.Context
	group  org.Unit
	east   org.Unit
	shHub  org.Unit
	hzHub  org.Unit
	west   org.Unit
	people map[string]org.Person
	team   org.Team
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	e := &env{db: db, svc: warning.NewService(db, db, a, clk), org: org.NewService(db, db, a, clk), audit: a, clock: clk,
		notes: &recorder{}, sys: authz.WithPrincipal(context.Background(), authz.SystemPrincipal), people: map[string]org.Person{}}
	e.svc.SetNotifier(e.notes)
	unit := func(parent *org.Unit, kind org.UnitKind, code, name string) org.Unit {
		u := org.Unit{Kind: kind, Code: code, Name: name}
		if parent != nil {
			u.ParentID = &parent.ID
		}
		u, err := e.org.CreateUnit(e.sys, u)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.group = unit(nil, org.KindGroup, "HQ", "星联物流集团")
	e.east = unit(&e.group, org.KindBranch, "EAST", "华东分公司")
	e.shHub = unit(&e.east, org.KindDepartment, "SH-HUB", "上海枢纽")
	e.hzHub = unit(&e.east, org.KindDepartment, "HZ-HUB", "杭州枢纽")
	e.west = unit(&e.group, org.KindBranch, "WEST", "西南分公司")
	for _, p := range []struct {
		key  string
		unit int64
	}{{"zhang", e.shHub.ID}, {"li", e.shHub.ID}, {"wang", e.hzHub.ID}, {"zhao", e.west.ID}, {"chen", e.group.ID}} {
		person, err := e.org.SavePerson(e.sys, org.Person{Name: p.key, UnitID: p.unit, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		e.people[p.key] = person
	}
	team, err := e.org.SaveTeam(e.sys, org.Team{Kind: org.TeamSpecial, Name: "灾害应急小组", UnitID: e.group.ID,
		Members: []org.Member{{PersonID: e.people["chen"].ID, Role: org.RoleLeader}, {PersonID: e.people["zhao"].ID, Role: org.RoleLiaison}}})
	if err != nil {
		t.Fatal(err)
	}
	e.team = team
	return e
}

func (e *env) as(role authz.Role, u org.Unit) context.Context {
	return authz.WithPrincipal(context.Background(), authz.Principal{UserID: 7, Name: string(role) + "@" + u.Code,
		Grants: []authz.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}})
}

func (e *env) indicator(t *testing.T, ind warning.Indicator) warning.Indicator {
	t.Helper()
	ind.Active = true
	ind, err := e.svc.SaveIndicator(e.sys, ind)
	if err != nil {
		t.Fatal(err)
	}
	return ind
}

func (e *env) observe(t *testing.T, id int64, v float64) warning.Indicator {
	t.Helper()
	_, ind, err := e.svc.Observe(e.sys, warning.Observation{IndicatorID: id, Value: v})
	if err != nil {
		t.Fatal(err)
	}
	return ind
}

func changes(ss []sent) []string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s:%s", s.change, s.w.Level.Color()))
	}
	return out
}

func TestIndicatorsOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ind := e.indicator(t, warning.Indicator{Code: "WH-TEMP-SH", Name: "上海冷库温度", NameEn: "Shanghai cold store temperature", Measure: "°C",
			Source: warning.SourceAlertmanager, OwnerUnitID: e.shHub.ID, Direction: warning.HigherIsWorse, Hysteresis: 0.5,
			Thresholds: warning.Thresholds{Blue: f(4), Yellow: f(6), Orange: f(8), Red: f(10)},
			Audience:   warning.Audience{UnitIDs: []int64{e.shHub.ID}, Partners: []warning.Contact{{Name: "冷链承运商值班", Mobile: "+86 139 0000 0000"}}}})
		got, err := e.svc.Indicator(e.sys, ind.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Code != "WH-TEMP-SH" || *got.Thresholds.Orange != 8 || got.Thresholds.Blue == nil || got.Hysteresis != 0.5 ||
			len(got.Audience.Partners) != 1 || got.Audience.Partners[0].Name != "冷链承运商值班" || got.Level != warning.None {
			t.Fatalf("stored indicator differs: %+v", got)
		}
		// Duplicate code.
		_, err = e.svc.SaveIndicator(e.sys, warning.Indicator{Code: "WH-TEMP-SH", Name: "x", OwnerUnitID: e.shHub.ID,
			Direction: warning.HigherIsWorse, Thresholds: warning.Thresholds{Red: f(1)}})
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("duplicate code: %v", err)
		}
		// A lead of the west branch may not define indicators of the east.
		other := got
		other.ID, other.Code = 0, "WH-TEMP-2"
		if _, err := e.svc.SaveIndicator(e.as(authz.BCMManager, e.west), other); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("west manager on an east indicator: %v", err)
		}
		if _, err := e.svc.SaveIndicator(e.as(authz.BCMManager, e.east), other); err != nil {
			t.Fatalf("east manager: %v", err)
		}
		// Update keeps the evaluation state.
		e.observe(t, ind.ID, 6.1)
		got.Name = "上海浦东冷库温度"
		got.Level = warning.None
		if got, err = e.svc.SaveIndicator(e.sys, got); err != nil {
			t.Fatal(err)
		}
		if got.Level != warning.Yellow || got.Value == nil || *got.Value != 6.1 || got.WarningID == nil {
			t.Fatalf("update lost the state: %+v", got)
		}
		list, err := e.svc.Indicators(e.sys)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %d %v", len(list), err)
		}
		if err := e.svc.DeleteIndicator(e.sys, ind.ID); err != nil {
			t.Fatal(err)
		}
		w, err := e.svc.Warning(e.sys, *got.WarningID)
		if err != nil || w.IndicatorID != nil {
			t.Fatalf("the warning must outlive its indicator, unlinked: %+v %v", w, err)
		}
	})
}

func TestObservationsRaiseUpgradeLowerAndLiftWarnings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ind := e.indicator(t, warning.Indicator{Code: "WH-TEMP-SH", Name: "上海冷库温度", NameEn: "Shanghai cold store temperature", Measure: "°C",
			OwnerUnitID: e.shHub.ID, Direction: warning.HigherIsWorse, Hysteresis: 0.5,
			Thresholds: warning.Thresholds{Blue: f(4), Yellow: f(6), Orange: f(8), Red: f(10)},
			Audience: warning.Audience{UnitIDs: []int64{e.shHub.ID}, TeamIDs: []int64{e.team.ID},
				Partners: []warning.Contact{{Name: "冷链承运商值班", Mobile: "+86 139 0000 0000"}}}})
		steps := []struct {
			v    float64
			want []string
		}{
			{3.0, nil},
			{6.4, []string{"raised:yellow"}},
			{6.2, nil},
			{10.5, []string{"upgraded:red"}},
			{9.8, nil}, // within the hysteresis
			{7.1, []string{"downgraded:yellow"}},
			{2.0, []string{"lifted:yellow"}},
			{8.3, []string{"raised:orange"}}, // a new warning
		}
		var first, second int64
		for i, s := range steps {
			e.clock.Advance(5 * time.Minute)
			ind = e.observe(t, ind.ID, s.v)
			got := changes(e.notes.take())
			if !slices.Equal(got, s.want) {
				t.Fatalf("step %d (%g): notified %v, want %v", i, s.v, got, s.want)
			}
			if i == 1 {
				first = *ind.WarningID
			}
		}
		second = *ind.WarningID
		if first == second {
			t.Fatal("after a lift the next crossing must raise a new warning")
		}
		w, err := e.svc.Warning(e.sys, first)
		if err != nil {
			t.Fatal(err)
		}
		if w.Status != warning.StatusLifted || w.EndedAt == nil || w.Revision != 2 || w.Source != warning.SourceAPI ||
			!strings.Contains(w.Title, "上海冷库温度") || !strings.Contains(w.Impact, "6.4°C") {
			t.Fatalf("first warning: %+v", w)
		}
		hist, err := e.svc.History(e.sys, first)
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, h := range hist {
			acts = append(acts, fmt.Sprintf("%s %d→%d", h.Action, h.FromLevel, h.ToLevel))
		}
		if want := []string{"raised 0→3", "upgraded 3→1", "downgraded 1→3", "lifted 3→0"}; !slices.Equal(acts, want) {
			t.Fatalf("history %v, want %v", acts, want)
		}
		if hist[1].Value == nil || *hist[1].Value != 10.5 {
			t.Fatalf("the upgrade must record the value: %+v", hist[1])
		}

		// Recipients: people of the hub, the team's members, the partner.
		e.clock.Advance(time.Minute)
		e.observe(t, ind.ID, 10.0)
		ns := e.notes.take()
		if len(ns) != 1 {
			t.Fatalf("notices %v", changes(ns))
		}
		wantPeople := []int64{e.people["zhang"].ID, e.people["li"].ID, e.people["zhao"].ID, e.people["chen"].ID}
		slices.Sort(wantPeople)
		if !slices.Equal(ns[0].to.PersonIDs, wantPeople) || len(ns[0].to.Partners) != 1 || !slices.Equal(ns[0].to.UnitIDs, []int64{e.shHub.ID}) {
			t.Fatalf("recipients %+v, want people %v", ns[0].to, wantPeople)
		}

		entries, err := e.audit.List(e.sys, audit.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for _, en := range entries {
			found[en.Action] = true
		}
		for _, a := range []string{"warning.raise", "warning.upgraded", "warning.downgraded", "warning.lifted", "warning.indicator.create"} {
			if !found[a] {
				t.Errorf("no audit entry %s", a)
			}
		}
	})
}

func TestRainfallOverAWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// The rainstorm signal: orange 50 mm in 3 h, red 100 mm in 3 h.
		ind := e.indicator(t, warning.Indicator{Code: "RAIN-3H-HZ", Name: "杭州枢纽3小时降雨量", Measure: "mm", OwnerUnitID: e.hzHub.ID,
			Direction: warning.HigherIsWorse, Aggregation: warning.AggSum, WindowMinutes: 180,
			Thresholds: warning.Thresholds{Orange: f(50), Red: f(100)}})
		for _, mm := range []float64{18, 17, 16} { // 51 mm within 2 h
			e.clock.Advance(time.Hour)
			ind = e.observe(t, ind.ID, mm)
		}
		if ind.Level != warning.Orange || *ind.Value != 51 {
			t.Fatalf("after 51 mm in 3 h: level %d value %v", ind.Level, *ind.Value)
		}
		// An hour later the first 18 mm have left the window.
		e.clock.Advance(time.Hour)
		ind = e.observe(t, ind.ID, 2)
		if *ind.Value != 35 || ind.Level != warning.None {
			t.Fatalf("window sum %v level %d, want 35 and lifted", *ind.Value, ind.Level)
		}
		if got := changes(e.notes.take()); !slices.Equal(got, []string{"raised:orange", "lifted:orange"}) {
			t.Fatalf("notices %v", got)
		}
		// A late observation inside the window counts too.
		_, ind, err := e.svc.Observe(e.sys, warning.Observation{IndicatorID: ind.ID, Value: 70, ObservedAt: e.clock.Now().Add(-30 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if *ind.Value != 105 || ind.Level != warning.Red {
			t.Fatalf("late observation: %v level %d", *ind.Value, ind.Level)
		}
		_, _, err = e.svc.Observe(e.sys, warning.Observation{IndicatorID: ind.ID, Value: 1, ObservedAt: e.clock.Now().Add(time.Hour)})
		if fieldOf(t, err) != "observed_at" {
			t.Fatalf("future observation: %v", err)
		}
	})
}

func TestIssueAcknowledgeAndOverdue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		until := e.clock.Now().Add(24 * time.Hour)
		office := e.as(authz.BCMManager, e.group)
		w, err := e.svc.Issue(office, warning.Warning{Level: warning.Yellow, Title: "杭州枢纽暴雨黄色预警", TitleEn: "Hangzhou hub rainstorm yellow warning",
			Category: "Met", Area: "杭州市余杭区", UnitIDs: []int64{e.hzHub.ID}, Impact: "园区道路积水", Measures: "转移低洼库位货物",
			ValidUntil: &until, Audience: warning.Audience{UnitIDs: []int64{e.shHub.ID, e.hzHub.ID, e.west.ID}, Roles: []org.TeamRole{org.RoleLiaison}}})
		if err != nil {
			t.Fatal(err)
		}
		if w.Status != warning.StatusActive || w.Source != warning.SourceManual || w.IssuedByName != "bcm_manager@HQ" ||
			!w.AckDueAt.Equal(e.clock.Now().Add(2*time.Hour)) {
			t.Fatalf("issued %+v", w)
		}
		ns := e.notes.take()
		if len(ns) != 1 || ns[0].change != warning.ActRaised || !slices.Contains(ns[0].to.PersonIDs, e.people["zhao"].ID) {
			t.Fatalf("issue notices %+v", ns)
		}
		if _, err := e.svc.Issue(e.as(authz.Viewer, e.group), w); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("viewer issuing: %v", err)
		}
		if _, err := e.svc.Issue(office, warning.Warning{Level: 5, Title: "x", Audience: warning.Audience{UnitIDs: []int64{e.east.ID}}}); fieldOf(t, err) != "level" {
			t.Fatalf("level 5: %v", err)
		}
		if _, err := e.svc.Issue(office, warning.Warning{Level: warning.Blue, Title: "x"}); fieldOf(t, err) != "audience" {
			t.Fatalf("no audience: %v", err)
		}

		eastLead := e.as(authz.DepartmentLead, e.east)
		if _, err := e.svc.Acknowledge(eastLead, w.ID, e.shHub.ID, "已加强冷库巡检"); err != nil {
			t.Fatalf("east lead for the Shanghai hub (in the subtree): %v", err)
		}
		if _, err := e.svc.Acknowledge(eastLead, w.ID, e.west.ID, "x"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("east lead for the west branch: %v", err)
		}
		if _, err := e.svc.Acknowledge(eastLead, w.ID, e.east.ID, "x"); fieldOf(t, err) != "unit_id" {
			t.Fatalf("a unit that is not a recipient: %v", err)
		}
		if _, err := e.svc.Acknowledge(eastLead, w.ID, e.hzHub.ID, " "); fieldOf(t, err) != "measures" {
			t.Fatalf("no measures: %v", err)
		}
		if _, err := e.svc.Acknowledge(e.as(authz.Viewer, e.group), w.ID, e.hzHub.ID, "x"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("viewer acknowledging: %v", err)
		}

		if od, _ := e.svc.OverdueAcks(e.sys); len(od) != 0 {
			t.Fatalf("overdue before the due time: %+v", od)
		}
		e.clock.Advance(2 * time.Hour)
		od, err := e.svc.OverdueAcks(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		var units []int64
		for _, p := range od {
			units = append(units, p.UnitID)
			if p.WarningID != w.ID || p.Revision != 1 || p.Level != warning.Yellow || p.UnitName == "" {
				t.Fatalf("pending %+v", p)
			}
		}
		if !slices.Equal(units, []int64{e.hzHub.ID, e.west.ID}) {
			t.Fatalf("overdue units %v, want Hangzhou and west", units)
		}
		progress, err := e.svc.Acknowledgements(e.sys, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(progress) != 3 || !progress[0].Acked || progress[0].Ack.Measures != "已加强冷库巡检" || progress[1].Acked || !progress[1].Overdue {
			t.Fatalf("progress %+v", progress)
		}

		// An upgrade is a new revision: every department acknowledges again.
		w, err = e.svc.ChangeLevel(office, w.ID, warning.Orange, "雨量加大")
		if err != nil {
			t.Fatal(err)
		}
		if w.Status != warning.StatusUpgraded || w.Revision != 2 || !w.AckDueAt.Equal(e.clock.Now().Add(time.Hour)) {
			t.Fatalf("upgraded %+v", w)
		}
		progress, _ = e.svc.Acknowledgements(e.sys, w.ID)
		for _, p := range progress {
			if p.Acked {
				t.Fatalf("acknowledgement of revision 1 counted for revision 2: %+v", p)
			}
		}
		if _, err := e.svc.ChangeLevel(office, w.ID, warning.Orange, ""); fieldOf(t, err) != "level" {
			t.Fatalf("same level: %v", err)
		}
		e.clock.Advance(time.Hour)
		if od, _ := e.svc.OverdueAcks(e.sys); len(od) != 3 {
			t.Fatalf("overdue after the upgrade: %d, want 3", len(od))
		}
		for _, u := range []org.Unit{e.shHub, e.hzHub} {
			if _, err := e.svc.Acknowledge(eastLead, w.ID, u.ID, "已启动防汛预案"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.svc.Acknowledge(e.as(authz.Responder, e.west), w.ID, e.west.ID, "已通知承运商"); err != nil {
			t.Fatal(err)
		}
		if od, _ := e.svc.OverdueAcks(e.sys); len(od) != 0 {
			t.Fatalf("still overdue: %+v", od)
		}
		hist, _ := e.svc.History(e.sys, w.ID)
		nacks := 0
		for _, h := range hist {
			if h.Action == warning.ActAcknowledged {
				nacks++
			}
		}
		if nacks != 4 {
			t.Fatalf("history holds %d acknowledgements, want 4", nacks)
		}
		all, _ := e.svc.AllAcks(e.sys, w.ID)
		if len(all) != 4 {
			t.Fatalf("%d acknowledgements, want 4", len(all))
		}

		// Expiry.
		e.clock.Set(until)
		n, err := e.svc.ExpireDue(e.sys)
		if err != nil || n != 1 {
			t.Fatalf("expired %d %v", n, err)
		}
		w, _ = e.svc.Warning(e.sys, w.ID)
		if w.Status != warning.StatusExpired {
			t.Fatalf("status %s", w.Status)
		}
		if _, err := e.svc.Acknowledge(eastLead, w.ID, e.hzHub.ID, "x"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("acknowledging an expired warning: %v", err)
		}
		if _, err := e.svc.Lift(office, w.ID, ""); !errs.Is(err, errs.Conflict) {
			t.Fatalf("lifting an expired warning: %v", err)
		}
		if got := changes(e.notes.take()); !slices.Equal(got, []string{"upgraded:orange", "expired:orange"}) {
			t.Fatalf("notices %v", got)
		}
		list, total, err := e.svc.Warnings(e.sys, warning.Filter{UnitID: e.west.ID})
		if err != nil || total != 1 || len(list) != 1 {
			t.Fatalf("warnings for the west branch: %d %v", total, err)
		}
		if _, total, _ := e.svc.Warnings(e.sys, warning.Filter{InForce: true}); total != 0 {
			t.Fatalf("%d in force", total)
		}
	})
}

func TestAlertmanagerPayloadsOnBothEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.indicator(t, warning.Indicator{Code: "WH-TEMP-SH", Name: "上海冷库温度", Measure: "°C", Source: warning.SourceAlertmanager,
			OwnerUnitID: e.shHub.ID, Direction: warning.HigherIsWorse, Thresholds: warning.Thresholds{Blue: f(4), Yellow: f(6), Orange: f(8), Red: f(10)}})
		wms := e.indicator(t, warning.Indicator{Code: "WMS-ERR", Name: "WMS错误率", Measure: "%", Source: warning.SourceAlertmanager,
			OwnerUnitID: e.group.ID, Direction: warning.HigherIsWorse, Thresholds: warning.Thresholds{Yellow: f(1), Orange: f(3), Red: f(5)}})
		p, err := warning.ParseAlertmanager(bytes.NewReader(readFile(t, "alertmanager_firing.json")))
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.ReceiveAlertmanager(e.sys, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 2 || res[0].Outcome != warning.OutcomeRaised || res[0].Level != warning.Yellow ||
			res[1].Outcome != warning.OutcomeRaised || res[1].Level != warning.Red {
			t.Fatalf("results %+v", res)
		}
		w, _ := e.svc.Warning(e.sys, *res[1].WarningID)
		if w.Source != warning.SourceAlertmanager || w.SourceRef != "c03f29a2b8e44f10" || w.Level != warning.Red {
			t.Fatalf("WMS warning %+v", w)
		}
		// Alertmanager repeats the notification: nothing changes.
		e.clock.Advance(5 * time.Minute)
		res, err = e.svc.ReceiveAlertmanager(e.sys, p)
		if err != nil || res[0].Outcome != warning.OutcomeObserved || res[1].Outcome != warning.OutcomeObserved {
			t.Fatalf("repeat: %+v %v", res, err)
		}
		r, _ := warning.ParseAlertmanager(bytes.NewReader(readFile(t, "alertmanager_resolved.json")))
		res, err = e.svc.ReceiveAlertmanager(e.sys, r)
		if err != nil || res[0].Outcome != warning.OutcomeLifted {
			t.Fatalf("resolved: %+v %v", res, err)
		}
		ind, _ := e.svc.Indicator(e.sys, wms.ID)
		if ind.Level != warning.None || ind.WarningID != nil {
			t.Fatalf("indicator after resolve %+v", ind)
		}
		if got := changes(e.notes.take()); !slices.Equal(got, []string{"raised:yellow", "raised:red", "lifted:red"}) {
			t.Fatalf("notices %v", got)
		}
		// An unknown indicator rejects the whole payload.
		p.Alerts[1].Labels["continuo_indicator"] = "NOPE"
		_, err = e.svc.ReceiveAlertmanager(e.sys, p)
		if fieldOf(t, err) != "alerts[1].labels.continuo_indicator" {
			t.Fatalf("unknown indicator: %v", err)
		}
	})
}

func capAlert(t *testing.T, name string) warning.CAPAlert {
	t.Helper()
	a, err := warning.ParseCAP(bytes.NewReader(readFile(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCAPAlertsRaiseUpdateAndCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ty := e.indicator(t, warning.Indicator{Code: "TYPHOON-SH", Name: "台风", NameEn: "Typhoon", Source: warning.SourceCAP,
			OwnerUnitID: e.shHub.ID, Direction: warning.HigherIsWorse,
			Audience: warning.Audience{UnitIDs: []int64{e.shHub.ID, e.hzHub.ID}}})
		res, err := e.svc.ApplyCAP(e.sys, capAlert(t, "cap_typhoon_orange.xml"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != warning.OutcomeRaised || res.Level != warning.Orange || res.IndicatorID != ty.ID {
			t.Fatalf("orange alert: %+v", res)
		}
		w, _ := e.svc.Warning(e.sys, *res.WarningID)
		if w.Title != "上海中心气象台发布台风橙色预警" || w.Category != "Met" || w.Source != warning.SourceCAP ||
			w.ValidUntil == nil || !slices.Equal(w.Audience.UnitIDs, []int64{e.shHub.ID, e.hzHub.ID}) ||
			w.SourceRef != "shanghai.meteo@weather.example.cn,31000041600000_20250314173000" {
			t.Fatalf("warning from CAP %+v", w)
		}
		again, err := e.svc.ApplyCAP(e.sys, capAlert(t, "cap_typhoon_orange.xml"))
		if err != nil || again.Outcome != warning.OutcomeDuplicate || *again.WarningID != w.ID {
			t.Fatalf("second time: %+v %v", again, err)
		}
		// An update at the same level changes the text only.
		same := capAlert(t, "cap_typhoon_red_update.xml")
		same.Identifier, same.Info[0].Severity, same.Info[0].Headline = "31000041600000_20250315000000", "Severe", "上海中心气象台继续发布台风橙色预警"
		res, err = e.svc.ApplyCAP(e.sys, same)
		if err != nil || res.Outcome != warning.OutcomeUpdated || *res.WarningID != w.ID {
			t.Fatalf("same-level update: %+v %v", res, err)
		}
		if hist, _ := e.svc.History(e.sys, w.ID); hist[len(hist)-1].Action != warning.ActUpdated {
			t.Fatalf("history %+v", hist)
		}
		e.clock.Advance(12 * time.Hour)
		res, err = e.svc.ApplyCAP(e.sys, capAlert(t, "cap_typhoon_red_update.xml"))
		if err != nil || res.Outcome != warning.OutcomeUpgraded || res.Level != warning.Red || *res.WarningID != w.ID {
			t.Fatalf("red update: %+v %v", res, err)
		}
		w, _ = e.svc.Warning(e.sys, w.ID)
		if w.Area != "上海市全市" || w.Revision != 2 || w.Status != warning.StatusUpgraded {
			t.Fatalf("after update %+v", w)
		}
		res, err = e.svc.ApplyCAP(e.sys, capAlert(t, "cap_typhoon_cancel.xml"))
		if err != nil || res.Outcome != warning.OutcomeLifted {
			t.Fatalf("cancel: %+v %v", res, err)
		}
		ignored, err := e.svc.ApplyCAP(e.sys, capAlert(t, "cap_rainstorm_en_test.xml"))
		if err != nil || ignored.Outcome != warning.OutcomeIgnored {
			t.Fatalf("test message: %+v %v", ignored, err)
		}
		if got := changes(e.notes.take()); !slices.Equal(got, []string{"raised:orange", "upgraded:red", "lifted:red"}) {
			t.Fatalf("notices %v", got)
		}
		// An alert that names no indicator is refused with the element.
		a := capAlert(t, "cap_typhoon_orange.xml")
		a.Identifier = "other"
		a.Info[0].Event, a.Info[1].Event = "寒潮", "Cold wave"
		if _, err := e.svc.ApplyCAP(e.sys, a); fieldOf(t, err) != "alert.info[0].event" {
			t.Fatalf("unmatched event: %v", err)
		}
		if _, err := e.svc.ApplyCAP(e.as(authz.Viewer, e.group), capAlert(t, "cap_typhoon_orange.xml")); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("viewer: %v", err)
		}
	})
}

func TestPolledCAPFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.indicator(t, warning.Indicator{Code: "TYPHOON-SH", Name: "台风", NameEn: "Typhoon", Source: warning.SourceCAP,
			OwnerUnitID: e.shHub.ID, Direction: warning.HigherIsWorse})
		var mu sync.Mutex
		entries := []string{"cap_typhoon_orange.xml"}
		hits := map[string]int{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			hits[r.URL.Path]++
			if r.URL.Path == "/feed.atom" {
				w.Header().Set("Content-Type", "application/atom+xml")
				fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>上海气象预警</title><id>urn:feed</id><updated>2025-03-15T06:00:00+08:00</updated>`)
				for _, n := range entries {
					fmt.Fprintf(w, `<entry><id>urn:%s</id><title>%s</title><updated>2025-03-15T06:00:00+08:00</updated><link rel="alternate" type="application/cap+xml" href="/cap/%s"/></entry>`, n, n, n)
				}
				fmt.Fprint(w, `</feed>`)
				return
			}
			b := readFile(t, strings.TrimPrefix(r.URL.Path, "/cap/"))
			w.Header().Set("Content-Type", "application/cap+xml")
			w.Write(b)
		}))
		defer srv.Close()
		feed, err := e.svc.SaveFeed(e.sys, warning.Feed{Name: "上海中心气象台", URL: srv.URL + "/feed.atom", IntervalSeconds: 300, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.PollDue(context.Background(), srv.Client())
		if err != nil || len(res) != 1 || res[0].Outcome != warning.OutcomeRaised {
			t.Fatalf("first poll: %+v %v", res, err)
		}
		// Not due yet: nothing fetched.
		e.clock.Advance(4 * time.Minute)
		if res, _ := e.svc.PollDue(context.Background(), srv.Client()); len(res) != 0 || hits["/feed.atom"] != 1 {
			t.Fatalf("polled before the interval: %+v, %d fetches", res, hits["/feed.atom"])
		}
		mu.Lock()
		entries = append(entries, "cap_typhoon_red_update.xml")
		mu.Unlock()
		e.clock.Advance(time.Minute)
		res, err = e.svc.PollDue(context.Background(), srv.Client())
		if err != nil || len(res) != 2 || res[0].Outcome != warning.OutcomeDuplicate || res[1].Outcome != warning.OutcomeUpgraded {
			t.Fatalf("second poll: %+v %v", res, err)
		}
		feeds, _ := e.svc.Feeds(e.sys)
		if len(feeds) != 1 || feeds[0].ID != feed.ID || feeds[0].LastPolledAt == nil || !feeds[0].LastPolledAt.Equal(e.clock.Now()) || feeds[0].LastError != "" {
			t.Fatalf("feed state %+v", feeds)
		}
		// A plain CAP URL, and a broken document recorded as the feed's error.
		mu.Lock()
		entries = []string{"cap_missing_severity.xml"}
		mu.Unlock()
		e.clock.Advance(10 * time.Minute)
		if _, err := e.svc.PollDue(context.Background(), srv.Client()); err != nil {
			t.Fatal(err)
		}
		feeds, _ = e.svc.Feeds(e.sys)
		if !strings.Contains(feeds[0].LastError, "alert.info[0].severity") {
			t.Fatalf("feed error %q", feeds[0].LastError)
		}
		res, err = e.svc.PollFeed(e.sys, srv.Client(), srv.URL+"/cap/cap_typhoon_cancel.xml")
		if err != nil || len(res) != 1 || res[0].Outcome != warning.OutcomeLifted {
			t.Fatalf("plain CAP URL: %+v %v", res, err)
		}
	})
}

func TestPublishedCAPOfAStoredWarning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.svc.SetPublisher("continuo@bcm.example.com", "星联物流集团危机管理办公室", "https://bcm.example.com/")
		until := e.clock.Now().Add(6 * time.Hour)
		w, err := e.svc.Issue(e.sys, warning.Warning{Level: warning.Red, Title: "上海枢纽台风红色预警", TitleEn: "Shanghai hub typhoon red warning",
			Category: "Met", Area: "上海浦东", UnitIDs: []int64{e.shHub.ID}, Impact: "停止作业", Measures: "人员撤离", ValidUntil: &until,
			Audience: warning.Audience{UnitIDs: []int64{e.shHub.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := e.svc.CAP(e.sys, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, err := warning.ParseCAP(bytes.NewReader(doc))
		if err != nil {
			t.Fatalf("%v\n%s", err, doc)
		}
		d, _ := a.Draft()
		if d.Warning.Level != warning.Red || d.Warning.Title != w.Title || !slices.Equal(d.UnitCodes, []string{"SH-HUB"}) ||
			a.Info[0].Web != fmt.Sprintf("https://bcm.example.com/warnings/%d", w.ID) || a.Info[0].SenderName != "星联物流集团危机管理办公室" {
			t.Fatalf("published %s", doc)
		}
	})
}

func TestConcurrentObservationsRaiseOneWarning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ind := e.indicator(t, warning.Indicator{Code: "ORDER-BACKLOG", Name: "订单积压", OwnerUnitID: e.group.ID,
			Direction: warning.HigherIsWorse, Thresholds: warning.Thresholds{Yellow: f(10000), Red: f(40000)}})
		var wg sync.WaitGroup
		errc := make(chan error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := e.svc.Observe(e.sys, warning.Observation{IndicatorID: ind.ID, Value: 12000 + float64(i),
					ObservedAt: e.clock.Now().Add(-time.Duration(i) * time.Second)})
				errc <- err
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		_, total, err := e.svc.Warnings(e.sys, warning.Filter{IndicatorID: ind.ID})
		if err != nil || total != 1 {
			t.Fatalf("%d warnings raised by concurrent crossings, want 1 (%v)", total, err)
		}
		if got := changes(e.notes.take()); !slices.Equal(got, []string{"raised:yellow"}) {
			t.Fatalf("notices %v", got)
		}
	})
}
