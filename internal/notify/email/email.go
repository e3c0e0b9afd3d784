// Package email sends deliveries by SMTP. Each mail carries a Message-ID
// derived from the delivery id, so a delivery sent again after a crash
// has the same Message-ID and mail systems (and people's mail clients)
// can drop the copy. Connections are kept and reused between messages.
package email

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/continuo-bcm/continuo/internal/notify"
)

// Notifier sends through one SMTP server.
type Notifier struct {
	client *gomail.Client
	from   *mail.Address
	domain string // of Message-IDs

	mu   sync.Mutex
	idle []*smtp.Client
	max  int
}

// New builds the notifier. Settings: "host" (required), "port" (default
// 587 with STARTTLS, 465 with TLS, else 25), "tls" (starttls: required,
// tls: implicit TLS, opportunistic: when offered (default), none),
// "username", "from" (required, "Name <addr>" or addr), "helo",
// "connections" (kept open at most, default 4). Secret: "password".
func New(c notify.ChannelConfig) (notify.Notifier, error) {
	host := c.Setting("host", "")
	if host == "" {
		return nil, errors.New("host is required")
	}
	from, err := mail.ParseAddress(c.Setting("from", ""))
	if err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	// No NOOP before and no RSET after each message: a message ends its
	// own transaction, and a kept connection the server dropped fails at
	// MAIL FROM, before anything is handed over, and is replaced.
	opts := []gomail.Option{gomail.WithTimeout(20 * time.Second), gomail.WithoutNoop(), gomail.WithoutRset()}
	mode := c.Setting("tls", "opportunistic")
	port := 25
	switch mode {
	case "starttls":
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.TLSMandatory))
		port = 587
	case "tls":
		opts = append(opts, gomail.WithSSLPort(false))
		port = 465
	case "opportunistic":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, errors.New("tls must be one of starttls, tls, opportunistic, none")
	}
	if p := c.Setting("port", ""); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return nil, errors.New("port must be a number from 1 to 65535")
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if h := c.Setting("helo", ""); h != "" {
		opts = append(opts, gomail.WithHELO(h))
	}
	if u := c.Setting("username", ""); u != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(u), gomail.WithPassword(c.Secrets["password"]))
	}
	cl, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, err
	}
	conns, _ := strconv.Atoi(c.Setting("connections", "4"))
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	return &Notifier{client: cl, from: from, domain: domain, max: max(1, conns)}, nil
}

// MessageID returns the Message-ID (without angle brackets) of a delivery.
func MessageID(idempotencyKey, domain string) string { return idempotencyKey + "@" + domain }

func (n *Notifier) build(o *notify.Outgoing) (*gomail.Msg, error) {
	m := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingB64), gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(n.from)
	if err := m.AddToFormat(o.Name, o.Address); err != nil {
		return nil, notify.Permanent(fmt.Errorf("recipient address: %w", err))
	}
	m.Subject(o.Subject)
	m.SetMessageIDWithValue(MessageID(o.IdempotencyKey, n.domain))
	m.SetDateWithValue(o.SentAt)
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetGenHeader("X-Continuo-Delivery", strconv.FormatInt(o.DeliveryID, 10))
	if o.Source != "" {
		m.SetGenHeader("X-Continuo-Source", o.Source)
	}
	m.SetGenHeader("X-Continuo-Severity", string(o.Severity))
	if o.Severity.Critical() {
		m.SetImportance(gomail.ImportanceUrgent)
	}
	m.SetBodyString(gomail.TypeTextPlain, o.Body)
	return m, nil
}

// conn returns a kept connection or dials one.
func (n *Notifier) conn(ctx context.Context) (*smtp.Client, bool, error) {
	n.mu.Lock()
	if k := len(n.idle); k > 0 {
		c := n.idle[k-1]
		n.idle = n.idle[:k-1]
		n.mu.Unlock()
		return c, true, nil
	}
	n.mu.Unlock()
	c, err := n.client.DialToSMTPClientWithContext(ctx)
	return c, false, err
}

func (n *Notifier) release(c *smtp.Client) {
	n.mu.Lock()
	if len(n.idle) < n.max {
		n.idle = append(n.idle, c)
		n.mu.Unlock()
		return
	}
	n.mu.Unlock()
	_ = n.client.CloseWithSMTPClient(c)
}

// Send mails the delivery. A reused connection that the server closed
// meanwhile fails before the message is handed over, and is replaced once.
// SMTP 4xx answers and network failures are retried; 5xx are permanent.
func (n *Notifier) Send(ctx context.Context, o *notify.Outgoing) (notify.Receipt, error) {
	if o.Address == "" {
		return notify.Receipt{}, notify.ErrNoAddress
	}
	m, err := n.build(o)
	if err != nil {
		return notify.Receipt{}, err
	}
	for try := 0; ; try++ {
		c, reused, err := n.conn(ctx)
		if err != nil {
			return notify.Receipt{}, fmt.Errorf("connect to the SMTP server: %w", err)
		}
		err = n.client.SendWithSMTPClient(c, m)
		if err == nil {
			n.release(c)
			return notify.Receipt{}, nil
		}
		_ = n.client.CloseWithSMTPClient(c)
		if m.IsDelivered() {
			// The server took the message; only the reset after it failed.
			return notify.Receipt{}, nil
		}
		var se *gomail.SendError
		isSendErr := errors.As(err, &se)
		if reused && try == 0 && isSendErr && (se.Reason == gomail.ErrConnCheck || se.Reason == gomail.ErrSMTPMailFrom) && !se.IsTemp() && se.ErrorCode() == 0 {
			continue // a stale kept connection: nothing was handed over
		}
		if isSendErr && !se.IsTemp() && se.ErrorCode() >= 500 {
			return notify.Receipt{}, notify.Permanent(err)
		}
		return notify.Receipt{}, err
	}
}
