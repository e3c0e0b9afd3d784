package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/notify/dingtalk"
	"github.com/continuo-bcm/continuo/internal/notify/email"
	"github.com/continuo-bcm/continuo/internal/notify/feishu"
	"github.com/continuo-bcm/continuo/internal/notify/notifytest"
	"github.com/continuo-bcm/continuo/internal/notify/webhook"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// TestEveryWebhookFormat sends one message over every HTTP channel to a
// real HTTP server, which checks each platform's format and signature.
func TestEveryWebhookFormat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sink := e.withHTTP()
		sink.Answer(func(r *notifytest.Request) (int, string) {
			switch r.Path {
			case "/dingtalk", "/wecom":
				return 200, `{"errcode":0,"errmsg":"ok"}`
			case "/feishu":
				return 200, `{"code":0,"msg":"success","data":{}}`
			case "/slack":
				return 200, "ok"
			}
			return 200, `{"ok":true}`
		})
		e.channel(notify.ChannelConfig{Kind: notify.Webhook, Name: "值班系统", Enabled: true, Settings: map[string]string{"url": sink.URL + "/webhook"},
			Secrets: map[string]string{"secret": "webhook-signing-key"}})
		e.channel(notify.ChannelConfig{Kind: notify.DingTalk, Name: "钉钉", Enabled: true,
			Secrets: map[string]string{"url": sink.URL + "/dingtalk?access_token=dt-token", "secret": "SECdingtalk"}})
		e.channel(notify.ChannelConfig{Kind: notify.WeCom, Name: "企业微信", Enabled: true,
			Secrets: map[string]string{"url": sink.URL + "/wecom?key=wc-key"}})
		e.channel(notify.ChannelConfig{Kind: notify.Feishu, Name: "飞书", Enabled: true,
			Secrets: map[string]string{"url": sink.URL + "/feishu", "secret": "feishu-secret"}})
		e.channel(notify.ChannelConfig{Kind: notify.Slack, Name: "Slack", Enabled: true, Secrets: map[string]string{"url": sink.URL + "/slack"}})
		e.channel(notify.ChannelConfig{Kind: notify.SMS, Name: "短信", Enabled: true, Settings: map[string]string{"url": sink.URL + "/sms",
			"body_template": `{"phone":{{json .To}},"content":{{json .Text}},"ref":{{json .IdempotencyKey}}}`, "auth_header": "X-Api-Key"},
			Secrets: map[string]string{"auth_value": "sms-api-key"}})
		before := time.Now()
		m := e.send(notify.Message{Source: "warning:5", Severity: notify.Orange, AckRequired: true, Texts: texts("橙色预警：台风", "Orange warning: typhoon"),
			Recipients: []int64{e.holder.ID}, Channels: []notify.Kind{notify.Webhook, notify.DingTalk, notify.WeCom, notify.Feishu, notify.Slack, notify.SMS}})
		st := e.tick()
		after := time.Now()
		if st.Sent != 6 || st.Delivered != 5 {
			t.Fatalf("stats %+v (SMS is accepted by the gateway, the rest delivered)", st)
		}
		ds := e.deliveries(notify.DeliveryFilter{MessageID: m.ID})
		keyOf := map[notify.Kind]string{}
		for _, d := range ds {
			keyOf[d.Kind] = d.IdempotencyKey()
		}
		reqs := map[string]notifytest.Request{}
		for _, r := range sink.Requests() {
			reqs[r.Path] = r
		}
		if len(reqs) != 6 {
			t.Fatalf("requests to %v", reqs)
		}

		// Generic webhook: JSON payload, HMAC-SHA256 over timestamp.body.
		r := reqs["/webhook"]
		ts, sig := r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature)
		if !webhook.Verify([]byte("webhook-signing-key"), ts, sig, r.Body, time.Now(), time.Minute) {
			t.Errorf("webhook signature %q over %q does not verify", sig, ts)
		}
		if webhook.Verify([]byte("another-key"), ts, sig, r.Body, time.Now(), time.Minute) {
			t.Error("a signature verifies under the wrong key")
		}
		if r.Header.Get("Idempotency-Key") != keyOf[notify.Webhook] {
			t.Errorf("Idempotency-Key %q, want %q", r.Header.Get("Idempotency-Key"), keyOf[notify.Webhook])
		}
		var p webhook.Payload
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatal(err)
		}
		if p.PersonID != e.holder.ID || p.Severity != notify.Orange || p.Source != "warning:5" || p.Subject != "【橙色】橙色预警：台风" ||
			!strings.HasPrefix(p.AckURL, "https://bcm.example.cn/ack/") || p.IdempotencyKey != keyOf[notify.Webhook] {
			t.Errorf("webhook payload %+v", p)
		}

		// DingTalk: markdown, @user id, timestamp and sign in the URL.
		r = reqs["/dingtalk"]
		q, _ := url.ParseQuery(r.Query)
		tsMs, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil || tsMs < before.UnixMilli() || tsMs > after.UnixMilli() {
			t.Errorf("dingtalk timestamp %q", q.Get("timestamp"))
		}
		if q.Get("access_token") != "dt-token" || q.Get("sign") != dingtalk.Sign("SECdingtalk", tsMs) {
			t.Errorf("dingtalk query %v", q)
		}
		var dp dingtalk.Payload
		if err := json.Unmarshal(r.Body, &dp); err != nil {
			t.Fatal(err)
		}
		if dp.MsgType != "markdown" || dp.Markdown.Title != "【橙色】橙色预警：台风" || !strings.Contains(dp.Markdown.Text, "@wangqiang") ||
			!strings.Contains(dp.Markdown.Text, "[确认收到](https://bcm.example.cn/ack/") || len(dp.At.AtUserIDs) != 1 || dp.At.AtUserIDs[0] != "wangqiang" {
			t.Errorf("dingtalk payload %s", r.Body)
		}

		// WeCom: text with mentioned_list.
		r = reqs["/wecom"]
		var wp struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content       string   `json:"content"`
				MentionedList []string `json:"mentioned_list"`
			} `json:"text"`
		}
		if err := json.Unmarshal(r.Body, &wp); err != nil {
			t.Fatal(err)
		}
		if wp.MsgType != "text" || !strings.Contains(wp.Text.Content, "仓库温度超过") || len(wp.Text.MentionedList) != 1 || wp.Text.MentionedList[0] != "WangQiang" ||
			!strings.Contains(r.Query, "key=wc-key") {
			t.Errorf("wecom request %s?%s", r.Body, r.Query)
		}

		// Feishu: signed text with an <at> mention.
		r = reqs["/feishu"]
		var fp feishu.Payload
		if err := json.Unmarshal(r.Body, &fp); err != nil {
			t.Fatal(err)
		}
		fts, _ := strconv.ParseInt(fp.Timestamp, 10, 64)
		if fp.MsgType != "text" || fp.Sign != feishu.Sign("feishu-secret", fts) || fts < before.Unix() || fts > after.Unix() ||
			!strings.HasPrefix(fp.Content.Text, `<at user_id="ou_wq">王强</at> `) {
			t.Errorf("feishu payload %s", r.Body)
		}

		// Slack: text mentioning the member.
		r = reqs["/slack"]
		var sp struct{ Text string }
		if err := json.Unmarshal(r.Body, &sp); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sp.Text, "<@U0WQ> *【橙色】橙色预警：台风*") || !strings.Contains(sp.Text, "|确认收到>") {
			t.Errorf("slack text %q", sp.Text)
		}

		// SMS gateway: the configured body template and auth header.
		r = reqs["/sms"]
		var smp struct{ Phone, Content, Ref string }
		if err := json.Unmarshal(r.Body, &smp); err != nil {
			t.Fatalf("sms body %s: %v", r.Body, err)
		}
		if smp.Phone != "13800000001" || !strings.HasPrefix(smp.Content, "【橙色】橙色预警：台风 确认：https://bcm.example.cn/ack/") ||
			smp.Ref != keyOf[notify.SMS] || r.Header.Get("X-Api-Key") != "sms-api-key" {
			t.Errorf("sms request %s %v", r.Body, r.Header)
		}
	})
}

// TestRobotErrorCodes checks that a robot's error answer in a 200 reply
// is classified: rate limits are retried, bad tokens are not.
func TestRobotErrorCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sink := e.withHTTP()
		answer := `{"errcode":130101,"errmsg":"send too fast"}`
		sink.Answer(func(*notifytest.Request) (int, string) { return 200, answer })
		e.channel(notify.ChannelConfig{Kind: notify.DingTalk, Name: "钉钉", Enabled: true, Secrets: map[string]string{"url": sink.URL + "/d"}})
		m := e.send(notify.Message{Severity: notify.Blue, Texts: texts("通知", "Notice"), Recipients: []int64{e.holder.ID},
			Channels: []notify.Kind{notify.DingTalk}})
		if st := e.tick(); st.Retried != 1 {
			t.Fatalf("130101: %+v", st)
		}
		answer = `{"errcode":310000,"errmsg":"sign not match"}`
		e.clock.Advance(time.Minute)
		if st := e.tick(); st.Failed != 1 {
			t.Fatalf("310000: %+v", st)
		}
		d := e.deliveries(notify.DeliveryFilter{MessageID: m.ID})[0]
		if d.State != notify.Failed || !strings.Contains(d.LastError, "errcode 310000") {
			t.Errorf("delivery %+v", d)
		}
	})
}

// TestEmailReconnectsAfterServerRestart sends over a kept connection that
// the SMTP server dropped: the mail goes out on a new connection, once.
func TestEmailReconnectsAfterServerRestart(t *testing.T) {
	sink, err := notifytest.StartSMTP(true)
	if err != nil {
		t.Fatal(err)
	}
	n, err := email.New(notify.ChannelConfig{Kind: notify.Email, Settings: map[string]string{"host": sink.Host(), "port": sink.Port(),
		"tls": "none", "from": "bcm@example.cn"}})
	if err != nil {
		t.Fatal(err)
	}
	out := func(id int64) *notify.Outgoing {
		return &notify.Outgoing{DeliveryID: id, IdempotencyKey: fmt.Sprintf("continuo-delivery-%d", id), Address: "li.na@example.cn", Name: "李娜",
			Lang: notify.LangZh, Subject: "测试", Body: "正文", SentAt: time.Now()}
	}
	if _, err := n.Send(context.Background(), out(1)); err != nil {
		t.Fatal(err)
	}
	addr := sink.Addr
	sink.Close() // drops the kept connection
	again, err := notifytest.StartSMTPAt(addr, true)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if _, err := n.Send(context.Background(), out(2)); err != nil {
		t.Fatalf("send after the server restarted: %v", err)
	}
	if ms := again.Mails(); len(ms) != 1 || ms[0].MessageID != "continuo-delivery-2@example.cn" || ms[0].Subject != "测试" {
		t.Fatalf("mails after restart: %+v", ms)
	}
	// With no server at all, the error is worth retrying later.
	again.Close()
	if _, err := n.Send(context.Background(), out(3)); err == nil || notify.IsPermanent(err) {
		t.Errorf("no server at all must be retryable, got %v", err)
	}
}
