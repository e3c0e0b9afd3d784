package warning_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/warning"
)

func f(x float64) *float64 { return &x }

func fieldOf(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	fs := errs.FieldsOf(err)
	if len(fs) == 0 {
		t.Fatalf("error without field: %v", err)
	}
	return fs[0].Field
}

func TestThresholdsMustBeMonotonicInTheDirection(t *testing.T) {
	base := func(d warning.Direction, th warning.Thresholds) warning.Indicator {
		return warning.Indicator{Code: "X", Name: "x", OwnerUnitID: 1, Direction: d, Thresholds: th}
	}
	cases := []struct {
		name  string
		ind   warning.Indicator
		field string // "" when valid
	}{
		{"rising", base(warning.HigherIsWorse, warning.Thresholds{Blue: f(1), Yellow: f(2), Orange: f(3), Red: f(4)}), ""},
		{"gaps allowed", base(warning.HigherIsWorse, warning.Thresholds{Yellow: f(50), Red: f(100)}), ""},
		{"falling when lower is worse", base(warning.LowerIsWorse, warning.Thresholds{Blue: f(800), Yellow: f(500), Orange: f(300), Red: f(100)}), ""},
		{"red below orange", base(warning.HigherIsWorse, warning.Thresholds{Yellow: f(2), Orange: f(5), Red: f(4)}), "thresholds.red"},
		{"equal", base(warning.HigherIsWorse, warning.Thresholds{Blue: f(2), Yellow: f(2)}), "thresholds.yellow"},
		{"rising when lower is worse", base(warning.LowerIsWorse, warning.Thresholds{Blue: f(100), Red: f(800)}), "thresholds.red"},
		{"none", base(warning.HigherIsWorse, warning.Thresholds{}), "thresholds"},
		{"no direction", base("", warning.Thresholds{Red: f(1)}), "direction"},
		{"sum without window", func() warning.Indicator {
			i := base(warning.HigherIsWorse, warning.Thresholds{Red: f(100)})
			i.Aggregation = warning.AggSum
			return i
		}(), "window_minutes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.ind.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("valid indicator refused: %v", err)
				}
				return
			}
			if got := fieldOf(t, err); got != c.field {
				t.Fatalf("error on %q, want %q: %v", got, c.field, err)
			}
		})
	}
}

func TestLevelsFollowThresholdsAndHysteresis(t *testing.T) {
	temp := warning.Indicator{Direction: warning.HigherIsWorse, Hysteresis: 0.5,
		Thresholds: warning.Thresholds{Blue: f(4), Yellow: f(6), Orange: f(8), Red: f(10)}}
	steps := []struct {
		value float64
		want  warning.Level
	}{
		{3.9, warning.None},
		{4, warning.Blue}, // reaching the threshold counts
		{6.4, warning.Yellow},
		{10.2, warning.Red}, // jumps straight to red
		{9.7, warning.Red},  // within the hysteresis of red
		{9.4, warning.Orange},
		{5.8, warning.Yellow}, // 6 − 0.5 = 5.5 still reached
		{5.4, warning.Blue},
		{3.6, warning.Blue},
		{3.4, warning.None},
	}
	cur := warning.None
	for i, s := range steps {
		cur = temp.Next(cur, s.value)
		if cur != s.want {
			t.Fatalf("step %d value %g: level %d, want %d", i, s.value, cur, s.want)
		}
	}
	dist := warning.Indicator{Direction: warning.LowerIsWorse, Thresholds: warning.Thresholds{Blue: f(800), Yellow: f(500), Orange: f(300), Red: f(100)}}
	for _, c := range []struct {
		v    float64
		want warning.Level
	}{{900, warning.None}, {800, warning.Blue}, {450, warning.Yellow}, {120, warning.Orange}, {80, warning.Red}} {
		if got := dist.LevelOf(c.v); got != c.want {
			t.Errorf("distance %g km: level %d, want %d", c.v, got, c.want)
		}
	}
}

func TestAggregations(t *testing.T) {
	t0 := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	obs := []warning.Observation{{Value: 20, ObservedAt: t0}, {Value: 35, ObservedAt: t0.Add(time.Hour)}, {Value: 5, ObservedAt: t0.Add(2 * time.Hour)}}
	for agg, want := range map[warning.Aggregation]float64{warning.AggSum: 60, warning.AggMax: 35, warning.AggMin: 5, warning.AggAvg: 20, warning.AggLast: 5} {
		ind := warning.Indicator{Aggregation: agg}
		if got, ok := ind.Aggregate(obs); !ok || got != want {
			t.Errorf("%s: %g, want %g", agg, got, want)
		}
	}
	if _, ok := (&warning.Indicator{Aggregation: warning.AggSum}).Aggregate(nil); ok {
		t.Error("no observations gave a value")
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAlertmanagerSamplePayloads(t *testing.T) {
	p, err := warning.ParseAlertmanager(bytes.NewReader(readFile(t, "alertmanager_firing.json")))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "4" || p.Status != "firing" || len(p.Alerts) != 2 || p.ExternalURL != "http://alertmanager.example.com:9093" {
		t.Fatalf("payload read wrong: %+v", p)
	}
	temp := p.Alerts[0]
	if temp.IndicatorCode(&p) != "WH-TEMP-SH" || temp.Fingerprint != "5a8d1e5f0b3c7d21" || temp.StartsAt.IsZero() {
		t.Fatalf("alert read wrong: %+v", temp)
	}
	sig, err := temp.Signal(&p, "alerts[0]")
	if err != nil || sig.Value == nil || *sig.Value != 6.4 {
		t.Fatalf("value annotation: %+v %v", sig, err)
	}
	sig, err = p.Alerts[1].Signal(&p, "alerts[1]")
	if err != nil || sig.Value != nil || sig.Level != warning.Red {
		t.Fatalf("severity critical should give red: %+v %v", sig, err)
	}

	r, err := warning.ParseAlertmanager(bytes.NewReader(readFile(t, "alertmanager_resolved.json")))
	if err != nil {
		t.Fatal(err)
	}
	sig, err = r.Alerts[0].Signal(&r, "alerts[0]")
	if err != nil || !sig.Resolved || sig.Value != nil || !sig.At.Equal(time.Date(2025, 3, 14, 9, 41, 0, 0, time.UTC)) {
		t.Fatalf("resolved alert: %+v %v", sig, err)
	}

	_, err = warning.ParseAlertmanager(bytes.NewReader(readFile(t, "alertmanager_v3.json")))
	if got := fieldOf(t, err); got != "version" || !strings.Contains(err.Error(), "only version 4") {
		t.Fatalf("version 3: %v", err)
	}
	for _, c := range []struct{ body, field string }{
		{`{"version":"4",`, "body"},
		{`{"version":4}`, "version"},
		{`{"version":"4","status":"firing","receiver":"r","groupKey":"k","alerts":[{"status":"burning","labels":{"continuo_indicator":"X"},"startsAt":"2025-01-01T00:00:00Z","fingerprint":"f"}]}`, "alerts[0].status"},
		{`{"version":"4","status":"firing","receiver":"r","groupKey":"k","alerts":[{"status":"firing","labels":{"alertname":"X"},"startsAt":"2025-01-01T00:00:00Z","fingerprint":"f"}]}`, "alerts[0].labels.continuo_indicator"},
	} {
		_, err := warning.ParseAlertmanager(strings.NewReader(c.body))
		if got := fieldOf(t, err); got != c.field {
			t.Errorf("%s: error on %q, want %q: %v", c.body, got, c.field, err)
		}
	}
}

func TestCAPSampleDocuments(t *testing.T) {
	a, err := warning.ParseCAP(bytes.NewReader(readFile(t, "cap_typhoon_orange.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if a.Identifier != "31000041600000_20250314173000" || a.MsgType != "Alert" || len(a.Info) != 2 {
		t.Fatalf("alert read wrong: %+v", a)
	}
	if !a.SentAt.Equal(time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)) {
		t.Fatalf("sent %v", a.SentAt)
	}
	d, err := a.Draft()
	if err != nil {
		t.Fatal(err)
	}
	w := d.Warning
	if w.Level != warning.Orange || w.Title != "上海中心气象台发布台风橙色预警" || !strings.HasPrefix(w.TitleEn, "Typhoon Orange Warning") ||
		w.Category != "Met" || !strings.Contains(w.Area, "浦东新区") || !strings.Contains(w.Measures, "加固港口设施") ||
		w.ValidUntil == nil || !w.ValidUntil.Equal(time.Date(2025, 3, 16, 9, 30, 0, 0, time.UTC)) {
		t.Fatalf("draft wrong: %+v", w)
	}

	u, err := warning.ParseCAP(bytes.NewReader(readFile(t, "cap_typhoon_red_update.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if refs := u.ReferencedRefs(); len(refs) != 1 || refs[0] != a.Ref() {
		t.Fatalf("references %v, want %s", refs, a.Ref())
	}
	if d, _ := u.Draft(); d.Warning.Level != warning.Red {
		t.Fatalf("update level %d", d.Warning.Level)
	}
	c, err := warning.ParseCAP(bytes.NewReader(readFile(t, "cap_typhoon_cancel.xml")))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := c.Draft(); !d.Lift {
		t.Fatal("a Cancel must lift")
	}
}

func TestCAPIsParsedStrictly(t *testing.T) {
	valid := string(readFile(t, "cap_typhoon_orange.xml"))
	cases := []struct {
		name, doc, field, says string
	}{
		{"missing severity", string(readFile(t, "cap_missing_severity.xml")), "alert.info[0].severity", "is required"},
		{"not XML", "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>x</identifer></alert>", "alert", "not well-formed XML: line 1"},
		{"truncated", valid[:len(valid)/2], "alert", "not well-formed"},
		{"CAP 1.1", strings.Replace(valid, "cap:1.2", "cap:1.1", 1), "alert", "not CAP 1.2"},
		{"other root", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>`, "alert", "not a CAP <alert>"},
		{"bad status", strings.Replace(valid, "<status>Actual</status>", "<status>Real</status>", 1), "alert.status", `"Real" is not one of Actual`},
		{"bad urgency", strings.Replace(valid, "<urgency>Expected</urgency>", "<urgency>Soon</urgency>", 1), "alert.info[0].urgency", "Soon"},
		{"bad category", strings.Replace(valid, "<category>Met</category>", "<category>Weather</category>", 1), "alert.info[0].category", "Weather"},
		{"missing sender", strings.Replace(valid, "<sender>shanghai.meteo@weather.example.cn</sender>", "", 1), "alert.sender", "is required"},
		{"Z time", strings.Replace(valid, "<sent>2025-03-14T17:30:00+08:00</sent>", "<sent>2025-03-14T09:30:00Z</sent>", 1), "alert.sent", "-00:00, not Z"},
		{"repeated element", strings.Replace(valid, "<msgType>Alert</msgType>", "<msgType>Alert</msgType><msgType>Update</msgType>", 1), "alert.msgType", "more than once"},
		{"update without references", strings.Replace(valid, "<msgType>Alert</msgType>", "<msgType>Update</msgType>", 1), "alert.references", "required"},
		{"no info", valid[:strings.Index(valid, "<info>")] + "</alert>", "alert.info", "at least one info"},
		{"missing event", strings.Replace(valid, "<event>Typhoon</event>", "", 1), "alert.info[1].event", "is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := warning.ParseCAP(strings.NewReader(c.doc))
			if got := fieldOf(t, err); got != c.field {
				t.Fatalf("error on %q, want %q: %v", got, c.field, err)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Fatalf("error %q does not say %q", err, c.says)
			}
		})
	}
}

func TestPublishedCAPParsesBackToTheSameWarning(t *testing.T) {
	issued := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	until := issued.Add(36 * time.Hour)
	for _, st := range []struct {
		status  warning.Status
		updated time.Time
		msgType string
	}{
		{warning.StatusActive, issued, "Alert"},
		{warning.StatusUpgraded, issued.Add(time.Hour), "Update"},
		{warning.StatusLifted, issued.Add(2 * time.Hour), "Cancel"},
	} {
		w := warning.Warning{ID: 42, Level: warning.Yellow, Title: "杭州枢纽暴雨黄色预警", TitleEn: "Hangzhou hub rainstorm: yellow warning",
			Category: "Met", Area: "杭州市余杭区 & 临平区 <仓储园区>", UnitIDs: []int64{7}, Impact: "3小时降雨量预计达50毫米以上,园区道路可能积水。",
			Measures: "1. 转移低洼库位货物;\n2. 暂停室外装卸。", ValidUntil: &until, Status: st.status, Source: warning.SourceManual,
			Revision: 1, IssuedAt: issued, UpdatedAt: st.updated}
		doc, err := warning.PublishCAP(&w, warning.Publication{Sender: "continuo@bcm.example.com", UnitCodes: []string{"HZ-HUB"}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := warning.ParseCAP(bytes.NewReader(doc))
		if err != nil {
			t.Fatalf("%s: published CAP does not parse: %v\n%s", st.status, err, doc)
		}
		if a.MsgType != st.msgType || a.Sender != "continuo@bcm.example.com" || !strings.Contains(string(doc), "-00:00</sent>") {
			t.Fatalf("%s: msgType %s sender %s\n%s", st.status, a.MsgType, a.Sender, doc)
		}
		d, err := a.Draft()
		if err != nil {
			t.Fatal(err)
		}
		g := d.Warning
		if g.Level != w.Level || g.Title != w.Title || g.TitleEn != w.TitleEn || g.Category != w.Category || g.Area != w.Area ||
			g.Impact != w.Impact || g.Measures != w.Measures || g.ValidUntil == nil || !g.ValidUntil.Equal(until) {
			t.Fatalf("%s: round trip changed the warning:\n got %+v\nwant %+v", st.status, g, w)
		}
		if d.WarningID != 42 || len(d.UnitCodes) != 1 || d.UnitCodes[0] != "HZ-HUB" {
			t.Fatalf("%s: warning id %d, units %v", st.status, d.WarningID, d.UnitCodes)
		}
		if d.Lift != !st.status.InForce() {
			t.Fatalf("%s: lift %v", st.status, d.Lift)
		}
		if st.msgType != "Alert" && len(a.ReferencedRefs()) != 1 {
			t.Fatalf("%s: references %q", st.status, a.References)
		}
	}
}

func TestLevelNames(t *testing.T) {
	for s, want := range map[string]warning.Level{"red": warning.Red, "Ⅱ": warning.Orange, "黄色": warning.Yellow, "4": warning.Blue, "IV": warning.Blue} {
		if got, err := warning.ParseLevel(s); err != nil || got != want {
			t.Errorf("%s: %d %v", s, got, err)
		}
	}
	if _, err := warning.ParseLevel("purple"); err == nil {
		t.Error("purple is a level")
	}
	if warning.Yellow.NameZh() != "黄色预警(Ⅲ级)" || warning.Red.NameEn() != "red warning (level I)" {
		t.Error(warning.Yellow.NameZh(), warning.Red.NameEn())
	}
	if !warning.Red.Above(warning.Orange) || warning.Blue.Above(warning.Yellow) || !warning.Blue.Above(warning.None) {
		t.Error("Above is wrong")
	}
}
