// Package dingtalk posts deliveries to a DingTalk group robot (钉钉自定义机器人)
// as Markdown, mentioning the recipient by DingTalk user id or mobile
// number, and signs each request when the robot has a signing secret
// (加签): sign = Base64(HMAC-SHA256(key = secret, timestamp + "\n" +
// secret)), added to the URL with the millisecond timestamp.
package dingtalk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/notify"
)

// Notifier posts to one robot.
type Notifier struct {
	url    string
	secret string
	client *http.Client
	now    func() time.Time
}

// New builds the notifier: secret "url"
// (https://oapi.dingtalk.com/robot/send?access_token=…), secret "secret"
// (SEC…) when the robot signs.
func New(c notify.ChannelConfig) (notify.Notifier, error) {
	u, err := notify.EndpointURL(c)
	if err != nil {
		return nil, err
	}
	return &Notifier{url: u, secret: c.Secrets["secret"], client: notify.HTTPClient(), now: time.Now}, nil
}

// Sign returns the signature of a request at timestamp (milliseconds).
func Sign(secret string, timestamp int64) string {
	h := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(h, "%d\n%s", timestamp, secret)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Payload is the robot's Markdown message.
type Payload struct {
	MsgType  string   `json:"msgtype"`
	Markdown Markdown `json:"markdown"`
	At       At       `json:"at"`
}

// Markdown is the content of a Markdown message.
type Markdown struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// At says whom the message mentions.
type At struct {
	AtMobiles []string `json:"atMobiles,omitempty"`
	AtUserIDs []string `json:"atUserIds,omitempty"`
	IsAtAll   bool     `json:"isAtAll"`
}

// Answer is the robot's reply.
type Answer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Send posts the delivery. An answer with errcode 130101 (sending too
// fast) or -1 (busy) is retried; other non-zero codes (bad token, failed
// signature, keyword or IP checks) are permanent.
func (n *Notifier) Send(ctx context.Context, o *notify.Outgoing) (notify.Receipt, error) {
	p := Payload{MsgType: "markdown", Markdown: Markdown{Title: o.Subject, Text: o.Body}}
	switch {
	case strings.HasPrefix(o.Address, "mobile:"):
		m := strings.TrimPrefix(o.Address, "mobile:")
		p.At.AtMobiles = []string{m}
		p.Markdown.Text += "\n\n@" + m
	case o.Address != "":
		p.At.AtUserIDs = []string{o.Address}
		p.Markdown.Text += "\n\n@" + o.Address
	}
	body, err := json.Marshal(p)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(err)
	}
	target := n.url
	if n.secret != "" {
		ts := n.now().UnixMilli()
		sep := "&"
		if !strings.Contains(target, "?") {
			sep = "?"
		}
		target += sep + "timestamp=" + strconv.FormatInt(ts, 10) + "&sign=" + url.QueryEscape(Sign(n.secret, ts))
	}
	b, err := notify.PostJSON(ctx, n.client, target, body, nil)
	if err != nil {
		return notify.Receipt{}, err
	}
	var a Answer
	if err := json.Unmarshal(b, &a); err != nil {
		return notify.Receipt{}, fmt.Errorf("dingtalk: unreadable answer: %w", err)
	}
	if a.ErrCode != 0 {
		e := fmt.Errorf("dingtalk: errcode %d: %s", a.ErrCode, a.ErrMsg)
		if a.ErrCode == 130101 || a.ErrCode == -1 {
			return notify.Receipt{}, e
		}
		return notify.Receipt{}, notify.Permanent(e)
	}
	return notify.Receipt{Delivered: true}, nil
}
