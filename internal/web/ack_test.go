package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/notify/notifytest"
)

// TestAcknowledgementLink follows the link of a real notification without
// signing in: opening it changes nothing, confirming records it, and the
// page says so in both languages.
func TestAcknowledgementLink(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		unit := e.seedOrg()
		p := e.seedPerson(unit, "王强", "Wang Qiang", "13800000001")
		sink := notifytest.StartHTTP(true)
		t.Cleanup(sink.Close)
		if _, err := e.app.Notify.SaveChannel(sys(), notify.ChannelConfig{Kind: notify.SMS, Name: "短信", Enabled: true,
			Settings: map[string]string{"url": sink.URL}}); err != nil {
			t.Fatal(err)
		}
		m, _, err := e.app.Notify.Send(sys(), notify.Message{Severity: notify.Red, AckRequired: true, Recipients: []int64{p.ID},
			Texts: map[string]notify.Text{notify.LangZh: {Subject: "红色预警：暴雨", Body: "立即转移"}, notify.LangEn: {Subject: "Red warning: rainstorm", Body: "Move now"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Notify.NewDispatcher().Tick(sys()); err != nil {
			t.Fatal(err)
		}
		reqs := sink.Requests()
		if len(reqs) != 1 {
			t.Fatalf("%d SMS requests", len(reqs))
		}
		link := regexp.MustCompile(`/ack/[A-Za-z0-9_\-]+`).FindString(string(reqs[0].Body))
		if link == "" || !strings.Contains(string(reqs[0].Body), e.srv.URL+link) {
			t.Fatalf("no acknowledgement link to this server in %s", reqs[0].Body)
		}
		c := e.client()
		r := c.get(link)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "红色预警：暴雨", "Red warning: rainstorm", "请确认您已收到", "please confirm", `action="`+link+`"`)
		ds, err := e.app.Notify.Deliveries(sys(), notify.DeliveryFilter{MessageID: m.ID})
		if err != nil || ds[0].AckedAt != nil {
			t.Fatalf("opening the link acknowledged: %+v %v", ds, err)
		}
		r = c.post(link, url.Values{})
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "已确认收到", "Acknowledged")
		ds, _ = e.app.Notify.Deliveries(sys(), notify.DeliveryFilter{MessageID: m.ID})
		if ds[0].State != notify.Acknowledged {
			t.Errorf("delivery %+v", ds[0])
		}
		r = c.get(link)
		mustContain(t, r.body, "无需再次确认", "already acknowledged")
		r = c.get("/ack/AAAAAAAAAAAAAAAAAAAAAAAA")
		wantStatus(t, r, http.StatusNotFound)
		mustContain(t, r.body, "确认链接无效", "not valid")
	})
}
