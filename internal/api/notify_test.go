package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/notify/notifytest"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

func TestNotifyChannelsAndPolicies(t *testing.T) {
	t.Parallel()
	sink := notifytest.StartHTTP(true)
	t.Cleanup(sink.Close)
	hook := `{"kind": "webhook", "name": "值班系统", "settings": {"url": "` + sink.URL + `/hook"}, "secrets": {"secret": "s3cret-signing-key"}}`
	n := 0
	newChannel := func(t *testing.T, e *env) {
		var c struct{ ID int64 }
		n++
		e.json("manager", "POST", "/notify/channels", strings.Replace(hook, "值班系统", fmt.Sprintf("值班系统 %d", n), 1), 201, &c)
		e.ids["chan"] = c.ID
	}
	runScenarios(t, []scenario{
		{name: "create a channel: the secret is not returned", role: "manager", method: "POST", url: "/notify/channels", body: hook,
			status: 201, contains: []string{`"secrets_set":["secret"]`, `"kind":"webhook"`, `"enabled":true`}, excludes: []string{"s3cret-signing-key"}},
		{name: "channels need notify.manage", role: "viewer", method: "GET", url: "/notify/channels",
			status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "a channel with unusable settings", role: "manager", method: "POST", url: "/notify/channels",
			body: `{"kind": "email", "name": "坏", "settings": {"from": "nobody"}}`, status: 422, contains: []string{`"code":"invalid"`}},
		{name: "a second channel with the same name", role: "manager", method: "POST", url: "/notify/channels", body: hook,
			status: 422, contains: []string{`"field":"body.name"`}},
		{name: "update keeps secrets left out", role: "manager", method: "PUT", url: "/notify/channels/{chan}", setup: newChannel,
			body:   `{"kind": "webhook", "name": "值班系统 改", "settings": {"url": "` + sink.URL + `/hook2"}}`,
			status: 200, contains: []string{`"name":"值班系统 改"`, `"secrets_set":["secret"]`}, excludes: []string{"s3cret"}},
		{name: "list shows no secret", role: "admin", method: "GET", url: "/notify/channels", setup: newChannel,
			status: 200, contains: []string{`"secrets_set":["secret"]`}, excludes: []string{"s3cret-signing-key"}},
		{name: "test message", role: "manager", method: "POST", url: "/notify/channels/{chan}/test", setup: newChannel,
			body: `{"person_id": {alice}}`, status: 200, contains: []string{`"sent":true`, `"delivered":true`},
			check: func(t *testing.T, e *env, res response) {
				reqs := sink.Requests()
				if len(reqs) == 0 {
					t.Fatal("the test message did not arrive")
				}
				last := reqs[len(reqs)-1]
				if !strings.Contains(string(last.Body), "Continuo 通知渠道测试") || last.Header.Get("X-Continuo-Signature") == "" {
					t.Errorf("test request %s %v", last.Body, last.Header)
				}
			}},
		{name: "create a policy", role: "manager", method: "POST", url: "/notify/policies",
			body:   `{"name": "值班升级", "repeat": 1, "steps": [{"after": "10m", "target": "holder", "channels": ["sms"]}, {"after": "20m", "target": "deputies"}]}`,
			status: 201, contains: []string{`"after":"10m0s"`, `"target":"deputies"`, `"repeat":1`}},
		{name: "a policy with steps out of order", role: "manager", method: "POST", url: "/notify/policies",
			body:   `{"name": "乱序", "steps": [{"after": "20m", "target": "holder"}, {"after": "10m", "target": "deputies"}]}`,
			status: 422, contains: []string{`"field":"body.steps[1].after"`}},
		{name: "sending needs notify.manage", role: "viewer", method: "POST", url: "/notify/messages",
			body:   `{"severity": "red", "texts": {"zh-CN": {"subject": "测试", "body": ""}}, "recipients": [{alice}]}`,
			status: 403},
		{name: "a message without text", role: "manager", method: "POST", url: "/notify/messages",
			body: `{"severity": "red", "texts": {}, "recipients": [{alice}]}`, status: 422, contains: []string{`"field":"body.texts"`}},
		{name: "a bad external recipient", role: "manager", method: "POST", url: "/notify/messages",
			body:   `{"severity": "blue", "texts": {"zh-CN": {"subject": "蓝色预警", "body": ""}}, "external": [{"name": "东海冷链", "email": "ops@donghai"}]}`,
			status: 422, contains: []string{`"field":"body.external[0].email"`}},
		{name: "a message to nobody", role: "manager", method: "POST", url: "/notify/messages",
			body:   `{"severity": "blue", "texts": {"zh-CN": {"subject": "蓝色预警", "body": ""}}}`,
			status: 422, contains: []string{`"field":"body.recipients"`}},
		{name: "a message to external recipients only", role: "manager", method: "POST", url: "/notify/messages",
			body:   `{"severity": "blue", "texts": {"zh-CN": {"subject": "蓝色预警", "body": ""}}, "external": [{"name": "港务局调度", "phone": "+86 139 0000 0002"}]}`,
			status: 202, contains: []string{`"external":[{"name":"港务局调度","phone":"+86 139 0000 0002"}]`, `"created":true`}},
	})
}

// TestNotifyFlow sends through the API, runs the dispatcher, reads the
// delivery log and acknowledges as the recipient.
func TestNotifyFlow(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			sink := notifytest.StartHTTP(true)
			t.Cleanup(sink.Close)
			e.json("manager", "POST", "/notify/channels", `{"kind": "webhook", "name": "hook", "settings": {"url": "`+sink.URL+`"}}`, 201, nil)
			// alice signs in as herself.
			u, err := e.app.Identity.CreateUser(sys(), identity.NewUser{Username: "alice", Password: "correct horse battery", PersonID: ptr(e.ids["alice"]),
				Grants: []authz.Grant{{Role: authz.Responder, UnitID: e.ids["eastops"]}}})
			if err != nil {
				t.Fatal(err)
			}
			_, secret, err := e.app.Identity.CreateToken(sys(), u.ID, "tests", 0)
			if err != nil {
				t.Fatal(err)
			}
			e.tokens["alice"] = secret

			var sent struct {
				Message notify.Message
				Created bool
			}
			body := `{"dedup_key": "warning:9", "source": "warning:9", "severity": "orange", "ack_required": true, "channels": ["webhook"],
				"texts": {"zh-CN": {"subject": "橙色预警", "body": "台风"}}, "recipients": [{alice}, {bob}]}`
			e.json("manager", "POST", "/notify/messages", body, 202, &sent)
			if !sent.Created || sent.Message.ID == 0 {
				t.Fatalf("send %+v", sent)
			}
			e.json("manager", "POST", "/notify/messages", body, 202, &sent)
			if sent.Created {
				t.Fatal("the same dedup_key sent twice")
			}
			if _, err := e.app.Notify.NewDispatcher().Tick(sys()); err != nil {
				t.Fatal(err)
			}
			if sink.Count() != 2 {
				t.Fatalf("%d webhook requests, want 2", sink.Count())
			}
			var log struct{ Items []notify.Delivery }
			e.json("manager", "GET", "/notify/deliveries?source=warning:9&state=delivered", "", 200, &log)
			if len(log.Items) != 2 {
				t.Fatalf("delivery log %+v", log.Items)
			}
			var mine struct{ Items []notify.Delivery }
			e.json("alice", "GET", "/me/notifications", "", 200, &mine)
			if len(mine.Items) != 1 || mine.Items[0].PersonID != e.ids["alice"] {
				t.Fatalf("alice's notifications %+v", mine.Items)
			}
			var bobs int64
			for _, d := range log.Items {
				if d.PersonID == e.ids["bob"] {
					bobs = d.ID
				}
			}
			res := e.do("alice", "POST", "/notify/deliveries/"+itoa(bobs)+"/ack", nil, nil)
			if res.status != http.StatusForbidden {
				t.Errorf("acknowledging bob's notification as alice: %d %s", res.status, res.body)
			}
			var ack notify.AckResult
			e.json("alice", "POST", "/notify/deliveries/"+itoa(mine.Items[0].ID)+"/ack", "", 200, &ack)
			if ack.Delivery.State != notify.Acknowledged || ack.Already {
				t.Errorf("ack %+v", ack)
			}
			e.json("alice", "PUT", "/notify/preferences/{alice}", `{"channels": ["email", "sms"], "quiet_start": "22:00", "quiet_end": "07:00", "lang": "en"}`, 200, nil)
			var pref notify.Preference
			e.json("alice", "GET", "/notify/preferences/{alice}", "", 200, &pref)
			if pref.QuietStart != "22:00" || pref.Lang != "en" || len(pref.Channels) != 2 {
				t.Errorf("preference %+v", pref)
			}
			if res := e.do("alice", "PUT", "/notify/preferences/"+itoa(e.ids["bob"]), strings.NewReader(`{"channels": []}`), nil); res.status != 403 {
				t.Errorf("setting bob's preference as alice: %d", res.status)
			}
		})
	}
}
