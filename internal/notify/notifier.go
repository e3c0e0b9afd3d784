package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Outgoing is one rendered delivery handed to a channel.
type Outgoing struct {
	DeliveryID     int64
	IdempotencyKey string // the same for every attempt of a delivery
	PersonID       int64
	Name           string // the recipient's name in their language
	Address        string // email address, mobile number, platform user id
	Lang           string
	Subject        string
	Body           string // rendered for the channel (plain, Markdown), ack link included
	AckURL         string // empty when no acknowledgement is asked for
	Severity       Severity
	Source         string
	MessageID      int64
	SentAt         time.Time
}

// Receipt is what a channel says when it took a message.
type Receipt struct {
	// Delivered is true when the channel confirmed the message reached
	// its destination (a chat robot posted it), false when it was only
	// accepted for onward delivery (an SMTP relay, an SMS gateway).
	Delivered  bool
	ExternalID string
}

// Notifier sends deliveries over one configured channel. Implementations
// are safe for concurrent use. An error is retryable unless marked with
// Permanent.
type Notifier interface {
	Send(ctx context.Context, o *Outgoing) (Receipt, error)
}

// Factory builds the notifier of a channel from its configuration; it
// rejects settings the channel cannot work with.
type Factory func(c ChannelConfig) (Notifier, error)

// permanentError marks an error that retrying cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying (a rejected address, a
// misconfigured channel, a 4xx answer).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err was marked permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// HTTPStatusError is a non-2xx answer of a channel's HTTP endpoint.
type HTTPStatusError struct {
	Status     int
	Body       string // the start of the answer, for the delivery log
	RetryAfter time.Duration
}

func (e *HTTPStatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body)
}

// StatusError classifies an HTTP answer: 408, 425, 429 and 5xx are worth
// retrying, other 4xx are permanent. It reads at most 300 bytes of the body.
func StatusError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	e := &HTTPStatusError{Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			e.RetryAfter = time.Duration(n) * time.Second
		}
	}
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooEarly,
		resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return e
	default:
		return Permanent(e)
	}
}

// TransportError classifies an error of an HTTP client call: timeouts and
// network failures are retryable; a bad URL is permanent.
func TransportError(err error) error {
	var ne net.Error
	if errors.As(err, &ne) {
		return err
	}
	if strings.Contains(err.Error(), "unsupported protocol scheme") {
		return Permanent(err)
	}
	return err
}

// ErrNoAddress is the permanent error of a delivery whose recipient has no
// contact for the channel.
var ErrNoAddress = Permanent(errors.New("the recipient has no address on this channel"))

// HTTPClient is the client channels use unless given another: bounded
// time, connections kept for the next messages.
func HTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: 15 * time.Second, Transport: tr}
}

// PostJSON posts body to url with the headers and classifies the answer.
// The returned body is at most 64 KiB.
func PostJSON(ctx context.Context, c *http.Client, url string, body []byte, header http.Header) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		return nil, Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, TransportError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, StatusError(resp)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// EndpointURL returns the channel's endpoint: the secret "url" (robot
// URLs carry their access token) or else the setting "url". It must be an
// http or https URL.
func EndpointURL(c ChannelConfig) (string, error) {
	u := strings.TrimSpace(c.Secrets["url"])
	if u == "" {
		u = strings.TrimSpace(c.Settings["url"])
	}
	if u == "" {
		return "", errors.New("url is required")
	}
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return "", errors.New("url must start with http:// or https://")
	}
	return u, nil
}
