// Package notifytest runs real receivers for the notification channels in
// tests and benchmarks: an SMTP server (emersion/go-smtp) and an HTTP
// server, both on loopback, that count what they receive by delivery key
// and keep the messages for inspection. They drop nothing: a message sent
// twice is received twice.
package notifytest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"log"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// Mail is one message received by the SMTP sink.
type Mail struct {
	From      string
	To        []string
	Raw       []byte
	Header    mail.Header
	Subject   string // decoded
	Body      string // decoded
	MessageID string
}

// SMTPSink is an SMTP server that accepts every message.
type SMTPSink struct {
	Addr string
	// Keep makes the sink keep and decode every message (tests); a
	// benchmark only counts.
	Keep bool

	srv *smtp.Server
	ln  net.Listener

	mu     sync.Mutex
	mails  []Mail
	byID   map[string]int
	total  int
	onMail func(messageID string)
}

// StartSMTP starts an SMTP sink on a loopback port.
func StartSMTP(keep bool) (*SMTPSink, error) { return StartSMTPAt("127.0.0.1:0", keep) }

// StartSMTPAt starts an SMTP sink on the given address (to stand in for a
// server that restarted).
func StartSMTPAt(addr string, keep bool) (*SMTPSink, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &SMTPSink{Addr: ln.Addr().String(), Keep: keep, ln: ln, byID: map[string]int{}}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "sink.test"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.MaxRecipients = 100
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// OnMail sets a function called with the Message-ID of each message as it
// is accepted.
func (s *SMTPSink) OnMail(f func(messageID string)) {
	s.mu.Lock()
	s.onMail = f
	s.mu.Unlock()
}

// Close stops the sink.
func (s *SMTPSink) Close() error { return s.srv.Close() }

// Host and Port split Addr.
func (s *SMTPSink) Host() string { h, _, _ := net.SplitHostPort(s.Addr); return h }

// Port returns the sink's port.
func (s *SMTPSink) Port() string { _, p, _ := net.SplitHostPort(s.Addr); return p }

// Mails returns the messages kept so far.
func (s *SMTPSink) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Count returns how many messages arrived.
func (s *SMTPSink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// ByMessageID returns how many messages arrived per Message-ID.
func (s *SMTPSink) ByMessageID() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.byID))
	for k, v := range s.byID {
		out[k] = v
	}
	return out
}

type session struct {
	s    *SMTPSink
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	id := headerValue(raw, "Message-Id")
	x.s.mu.Lock()
	x.s.total++
	x.s.byID[id]++
	f := x.s.onMail
	keep := x.s.Keep
	x.s.mu.Unlock()
	if keep {
		m, err := parseMail(raw)
		if err != nil {
			return err
		}
		m.From, m.To = x.from, append([]string(nil), x.to...)
		x.s.mu.Lock()
		x.s.mails = append(x.s.mails, m)
		x.s.mu.Unlock()
	}
	if f != nil {
		f(id)
	}
	return nil
}

// headerValue finds a header in a raw message without parsing all of it.
func headerValue(raw []byte, name string) string {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	prefix := strings.ToLower(name) + ":"
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		if strings.HasPrefix(strings.ToLower(line), prefix) {
			return strings.Trim(strings.TrimSpace(line[len(prefix):]), "<>")
		}
	}
	return ""
}

func parseMail(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	m := Mail{Raw: raw, Header: msg.Header, MessageID: strings.Trim(msg.Header.Get("Message-Id"), "<>")}
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Mail{}, err
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return Mail{}, err
	}
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, string(body)))
		if err != nil {
			return Mail{}, err
		}
		body = b
	case "quoted-printable":
		b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			return Mail{}, err
		}
		body = b
	}
	m.Body = string(body)
	return m, nil
}

// Request is one request received by the HTTP sink.
type Request struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// HTTPSink is an HTTP server that records every request and answers with
// Answer (200 and an empty JSON object unless set).
type HTTPSink struct {
	URL string
	// Keep makes the sink keep every request (tests); a benchmark only
	// counts.
	Keep bool

	srv *httptest.Server

	mu       sync.Mutex
	reqs     []Request
	byKey    map[string]int
	total    int
	answer   func(r *Request) (int, string)
	onKeyFun func(key string)
}

// StartHTTP starts an HTTP sink on a loopback port.
func StartHTTP(keep bool) *HTTPSink {
	s := &HTTPSink{Keep: keep, byKey: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Answer sets how the sink answers.
func (s *HTTPSink) Answer(f func(r *Request) (status int, body string)) {
	s.mu.Lock()
	s.answer = f
	s.mu.Unlock()
}

// OnRequest sets a function called with the Idempotency-Key of each
// request.
func (s *HTTPSink) OnRequest(f func(key string)) {
	s.mu.Lock()
	s.onKeyFun = f
	s.mu.Unlock()
}

// Close stops the sink.
func (s *HTTPSink) Close() { s.srv.Close() }

// Requests returns the requests kept so far.
func (s *HTTPSink) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Count returns how many requests arrived.
func (s *HTTPSink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// ByKey returns how many requests arrived per Idempotency-Key.
func (s *HTTPSink) ByKey() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.byKey))
	for k, v := range s.byKey {
		out[k] = v
	}
	return out
}

func (s *HTTPSink) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	s.total++
	s.byKey[key]++
	if s.Keep {
		s.reqs = append(s.reqs, *req)
	}
	answer, f := s.answer, s.onKeyFun
	s.mu.Unlock()
	status, out := http.StatusOK, "{}"
	if answer != nil {
		status, out = answer(req)
	}
	if f != nil {
		f(key)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, out)
}
