// Package sms sends deliveries through an SMS gateway reached over HTTP:
// the URL, method, body template and authentication header are settings,
// so any provider with an HTTP API (or an in-house gateway) fits.
package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/template"

	"github.com/continuo-bcm/continuo/internal/notify"
)

// DefaultBody is the body template used when none is set.
const DefaultBody = `{"to":{{json .To}},"text":{{json .Text}},"id":{{json .IdempotencyKey}}}`

// Notifier posts to one gateway.
type Notifier struct {
	url         string
	method      string
	contentType string
	body        *template.Template
	authHeader  string
	authValue   string
	client      *http.Client
}

// Fields is what the body template sees.
type Fields struct {
	To             string // mobile number
	Text           string // the rendered short message
	Subject        string
	IdempotencyKey string
	DeliveryID     int64
	Severity       string
}

// New builds the notifier. Settings: "url" (or secret "url"), "method"
// (POST, PUT or GET; default POST), "content_type" (default
// application/json), "body_template" (Go text/template over Fields, with
// the functions json and urlquery; default DefaultBody), "auth_header"
// (such as Authorization). Secret: "auth_value" (such as "Bearer …").
func New(c notify.ChannelConfig) (notify.Notifier, error) {
	u, err := notify.EndpointURL(c)
	if err != nil {
		return nil, err
	}
	method := strings.ToUpper(c.Setting("method", http.MethodPost))
	if method != http.MethodPost && method != http.MethodPut && method != http.MethodGet {
		return nil, errors.New("method must be POST, PUT or GET")
	}
	tpl, err := template.New("body").Funcs(template.FuncMap{
		"json": func(s string) (string, error) {
			b, err := json.Marshal(s)
			return string(b), err
		},
		"urlquery": url.QueryEscape,
	}).Parse(c.Setting("body_template", DefaultBody))
	if err != nil {
		return nil, err
	}
	return &Notifier{url: u, method: method, contentType: c.Setting("content_type", "application/json"), body: tpl,
		authHeader: c.Setting("auth_header", ""), authValue: c.Secrets["auth_value"], client: notify.HTTPClient()}, nil
}

// Send submits the delivery to the gateway. A 2xx answer means the
// gateway took it (not that the phone received it); 4xx other than 408,
// 425 and 429 is permanent. The Idempotency-Key header carries the
// delivery's key for gateways that drop repeats.
func (n *Notifier) Send(ctx context.Context, o *notify.Outgoing) (notify.Receipt, error) {
	to := strings.TrimPrefix(o.Address, "mobile:")
	if to == "" {
		return notify.Receipt{}, notify.ErrNoAddress
	}
	var buf bytes.Buffer
	if err := n.body.Execute(&buf, Fields{To: to, Text: o.Body, Subject: o.Subject, IdempotencyKey: o.IdempotencyKey,
		DeliveryID: o.DeliveryID, Severity: string(o.Severity)}); err != nil {
		return notify.Receipt{}, notify.Permanent(err)
	}
	target := n.url
	var body io.Reader = &buf
	if n.method == http.MethodGet {
		sep := "&"
		if !strings.Contains(target, "?") {
			sep = "?"
		}
		target += sep + buf.String()
		body = nil
	}
	req, err := http.NewRequestWithContext(ctx, n.method, target, body)
	if err != nil {
		return notify.Receipt{}, notify.Permanent(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", n.contentType)
	}
	req.Header.Set("Idempotency-Key", o.IdempotencyKey)
	if n.authHeader != "" {
		req.Header.Set(n.authHeader, n.authValue)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return notify.Receipt{}, notify.TransportError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return notify.Receipt{}, notify.StatusError(resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return notify.Receipt{}, nil
}
