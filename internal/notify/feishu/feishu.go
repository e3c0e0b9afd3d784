// Package feishu posts deliveries to a Feishu (飞书) custom bot as text
// messages mentioning the recipient by their Feishu user id, and signs
// each request when the bot has a signing secret (签名校验): sign =
// Base64(HMAC-SHA256(key = timestamp + "\n" + secret, empty message)),
// sent in the body with the timestamp in seconds.
package feishu

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/notify"
)

// Notifier posts to one bot.
type Notifier struct {
	url    string
	secret string
	client *http.Client
	now    func() time.Time
}

// New builds the notifier: secret "url"
// (https://open.feishu.cn/open-apis/bot/v2/hook/…), secret "secret" when
// the bot signs.
func New(c notify.ChannelConfig) (notify.Notifier, error) {
	u, err := notify.EndpointURL(c)
	if err != nil {
		return nil, err
	}
	return &Notifier{url: u, secret: c.Secrets["secret"], client: notify.HTTPClient(), now: time.Now}, nil
}

// Sign returns the signature of a request at timestamp (seconds).
func Sign(secret string, timestamp int64) string {
	h := hmac.New(sha256.New, []byte(strconv.FormatInt(timestamp, 10)+"\n"+secret))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Payload is the bot's text message.
type Payload struct {
	Timestamp string  `json:"timestamp,omitempty"`
	Sign      string  `json:"sign,omitempty"`
	MsgType   string  `json:"msg_type"`
	Content   Content `json:"content"`
}

// Content is the text of the message.
type Content struct {
	Text string `json:"text"`
}

// Answer is the bot's reply.
type Answer struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

// Send posts the delivery. Codes 9499 and 11232 (too many requests) are
// retried; others (19021 signature or timestamp refused, 19024 keyword
// check, 19001 bad hook) are permanent.
func (n *Notifier) Send(ctx context.Context, o *notify.Outgoing) (notify.Receipt, error) {
	text := o.Body
	if o.Address != "" {
		text = fmt.Sprintf(`<at user_id="%s">%s</at> `, html.EscapeString(o.Address), html.EscapeString(o.Name)) + text
	}
	p := Payload{MsgType: "text", Content: Content{Text: text}}
	if n.secret != "" {
		ts := n.now().Unix()
		p.Timestamp, p.Sign = strconv.FormatInt(ts, 10), Sign(n.secret, ts)
	}
	body, err := json.Marshal(p)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(err)
	}
	b, err := notify.PostJSON(ctx, n.client, n.url, body, nil)
	if err != nil {
		return notify.Receipt{}, err
	}
	var a Answer
	if err := json.Unmarshal(b, &a); err != nil {
		return notify.Receipt{}, fmt.Errorf("feishu: unreadable answer: %w", err)
	}
	if a.Code != 0 {
		e := fmt.Errorf("feishu: code %d: %s", a.Code, a.Msg)
		if a.Code == 9499 || a.Code == 11232 {
			return notify.Receipt{}, e
		}
		return notify.Receipt{}, notify.Permanent(e)
	}
	return notify.Receipt{Delivered: true}, nil
}
