// Package webhook sends deliveries as JSON POSTs to a URL of the
// receiver's choosing, signed so that the receiver can tell them from
// forgeries: X-Continuo-Signature carries v1=HMAC-SHA256(secret,
// timestamp + "." + body) in hex, X-Continuo-Timestamp the Unix time, and
// Idempotency-Key the same value for every attempt of a delivery.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/notify"
)

// The headers of a webhook request.
const (
	HeaderSignature   = "X-Continuo-Signature"
	HeaderTimestamp   = "X-Continuo-Timestamp"
	HeaderIdempotency = "Idempotency-Key"
)

// Payload is the JSON body of a webhook request.
type Payload struct {
	DeliveryID     int64           `json:"delivery_id"`
	IdempotencyKey string          `json:"idempotency_key"`
	MessageID      int64           `json:"message_id"`
	PersonID       int64           `json:"person_id"`
	Name           string          `json:"name"`
	Lang           string          `json:"lang"`
	Severity       notify.Severity `json:"severity"`
	Source         string          `json:"source"`
	Subject        string          `json:"subject"`
	Body           string          `json:"body"`
	AckURL         string          `json:"ack_url,omitempty"`
	SentAt         time.Time       `json:"sent_at"`
}

// Notifier posts to one webhook.
type Notifier struct {
	url    string
	secret []byte
	client *http.Client
	now    func() time.Time
}

// New builds the notifier: setting (or secret) "url", secret "secret"
// for the signature (unsigned without it).
func New(c notify.ChannelConfig) (notify.Notifier, error) {
	u, err := notify.EndpointURL(c)
	if err != nil {
		return nil, err
	}
	return &Notifier{url: u, secret: []byte(c.Secrets["secret"]), client: notify.HTTPClient(), now: time.Now}, nil
}

// Sign returns the signature header value of a body sent at timestamp.
func Sign(secret []byte, timestamp string, body []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(timestamp))
	h.Write([]byte("."))
	h.Write(body)
	return "v1=" + hex.EncodeToString(h.Sum(nil))
}

// Verify checks a request's signature and that its timestamp is within
// tolerance of now, for receivers written in Go.
func Verify(secret []byte, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) bool {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return false
	}
	return hmac.Equal([]byte(signature), []byte(Sign(secret, timestamp, body)))
}

// Send posts the delivery.
func (n *Notifier) Send(ctx context.Context, o *notify.Outgoing) (notify.Receipt, error) {
	body, err := json.Marshal(Payload{DeliveryID: o.DeliveryID, IdempotencyKey: o.IdempotencyKey, MessageID: o.MessageID, PersonID: o.PersonID,
		Name: o.Name, Lang: o.Lang, Severity: o.Severity, Source: o.Source, Subject: o.Subject, Body: o.Body, AckURL: o.AckURL, SentAt: o.SentAt})
	if err != nil {
		return notify.Receipt{}, notify.Permanent(err)
	}
	ts := strconv.FormatInt(n.now().Unix(), 10)
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderIdempotency, o.IdempotencyKey)
	h.Set("User-Agent", "Continuo-Webhook/1")
	if len(n.secret) > 0 {
		h.Set(HeaderSignature, Sign(n.secret, ts, body))
	}
	if _, err := notify.PostJSON(ctx, n.client, n.url, body, h); err != nil {
		return notify.Receipt{}, err
	}
	return notify.Receipt{Delivered: true}, nil
}
