package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// TestWarningsReachPeopleThroughTheNotificationEngine issues a warning and
// follows it to a webhook: the warning service hands the change to the
// engine, whose dispatcher delivers one message per recipient.
func TestWarningsReachPeopleThroughTheNotificationEngine(t *testing.T) {
	a, _, _ := newApp(t)
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)

	var mu sync.Mutex
	var got []map[string]any
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p map[string]any
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer sink.Close()
	if _, err := a.Notify.SaveChannel(ctx, notify.ChannelConfig{Kind: notify.Webhook, Name: "hook", Enabled: true,
		Settings: map[string]string{"url": sink.URL}}); err != nil {
		t.Fatal(err)
	}
	hub, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Code: "HZ", Name: "杭州枢纽"})
	if err != nil {
		t.Fatal(err)
	}
	var people []int64
	for _, n := range []string{"魏琳", "严俊"} {
		p, err := a.Org.SavePerson(ctx, org.Person{Name: n, UnitID: hub.ID, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p.ID)
		if _, err := a.Notify.SavePreference(ctx, notify.Preference{PersonID: p.ID, Channels: []notify.Kind{notify.Webhook}}); err != nil {
			t.Fatal(err)
		}
	}
	w, err := a.Warning.Issue(ctx, warning.Warning{Level: warning.Orange, Title: "杭州枢纽暴雨橙色预警", TitleEn: "Hangzhou hub rainstorm orange warning",
		Measures: "暂停室外装卸", Audience: warning.Audience{UnitIDs: []int64{hub.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	d := a.Notify.NewDispatcher()
	for range 3 {
		if _, err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("%d webhook deliveries, want one per person (2): %v", len(got), got)
	}
	var to []int64
	for _, p := range got {
		if p["source"] != "warning:"+itoa(w.ID) || p["severity"] != "orange" || !strings.Contains(p["subject"].(string), "杭州枢纽暴雨橙色预警") {
			t.Errorf("delivery %v", p)
		}
		to = append(to, int64(p["person_id"].(float64)))
	}
	slices.Sort(to)
	if !slices.Equal(to, people) {
		t.Fatalf("delivered to %v, want %v", to, people)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
