// Package wecom posts deliveries to a WeCom (企业微信) group robot as text
// messages mentioning the recipient by WeCom user id or mobile number.
// Group robots have no signing; the key in the URL is the secret.
package wecom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/continuo-bcm/continuo/internal/notify"
)

// Notifier posts to one robot.
type Notifier struct {
	url    string
	client *http.Client
}

// New builds the notifier: secret "url"
// (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…).
func New(c notify.ChannelConfig) (notify.Notifier, error) {
	u, err := notify.EndpointURL(c)
	if err != nil {
		return nil, err
	}
	return &Notifier{url: u, client: notify.HTTPClient()}, nil
}

// Payload is the robot's text message.
type Payload struct {
	MsgType string `json:"msgtype"`
	Text    Text   `json:"text"`
}

// Text is the content of a text message with its mentions.
type Text struct {
	Content             string   `json:"content"`
	MentionedList       []string `json:"mentioned_list,omitempty"`
	MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
}

// Answer is the robot's reply.
type Answer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Send posts the delivery. errcode 45009 (over the rate limit) and -1
// (busy) are retried; other non-zero codes are permanent.
func (n *Notifier) Send(ctx context.Context, o *notify.Outgoing) (notify.Receipt, error) {
	p := Payload{MsgType: "text", Text: Text{Content: o.Body}}
	switch {
	case strings.HasPrefix(o.Address, "mobile:"):
		p.Text.MentionedMobileList = []string{strings.TrimPrefix(o.Address, "mobile:")}
	case o.Address != "":
		p.Text.MentionedList = []string{o.Address}
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
		return notify.Receipt{}, fmt.Errorf("wecom: unreadable answer: %w", err)
	}
	if a.ErrCode != 0 {
		e := fmt.Errorf("wecom: errcode %d: %s", a.ErrCode, a.ErrMsg)
		if a.ErrCode == 45009 || a.ErrCode == -1 {
			return notify.Receipt{}, e
		}
		return notify.Receipt{}, notify.Permanent(e)
	}
	return notify.Receipt{Delivered: true}, nil
}
