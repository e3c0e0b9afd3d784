// Package slack posts deliveries to a Slack incoming webhook, mentioning
// the recipient by their Slack member id.
package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/continuo-bcm/continuo/internal/notify"
)

// Notifier posts to one incoming webhook.
type Notifier struct {
	url    string
	client *http.Client
}

// New builds the notifier: secret "url" (https://hooks.slack.com/services/…).
func New(c notify.ChannelConfig) (notify.Notifier, error) {
	u, err := notify.EndpointURL(c)
	if err != nil {
		return nil, err
	}
	return &Notifier{url: u, client: notify.HTTPClient()}, nil
}

// Payload is the incoming-webhook body.
type Payload struct {
	Text string `json:"text"`
}

// Send posts the delivery. Slack answers 200 "ok"; 400 (invalid_payload),
// 403, 404 (channel_not_found) and 410 (channel_is_archived) are
// permanent; 429 and 5xx are retried. Slack has no idempotency key, so a
// delivery re-sent after a crash may show twice.
func (n *Notifier) Send(ctx context.Context, o *notify.Outgoing) (notify.Receipt, error) {
	text := o.Body
	if o.Address != "" && !strings.HasPrefix(o.Address, "mobile:") {
		text = "<@" + o.Address + "> " + text
	}
	body, err := json.Marshal(Payload{Text: text})
	if err != nil {
		return notify.Receipt{}, notify.Permanent(err)
	}
	if _, err := notify.PostJSON(ctx, n.client, n.url, body, nil); err != nil {
		return notify.Receipt{}, err
	}
	return notify.Receipt{Delivered: true}, nil
}
