package notify

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"text/template"
	"time"
)

// RenderData is what a template sees.
type RenderData struct {
	Subject       string // the message's subject in the recipient's language
	Body          string
	Severity      Severity
	SeverityLabel string // "红色" / "RED"; empty for info
	Source        string
	AckURL        string
	Name          string // the recipient
	Lang          string
	SentAt        string // local time (Asia/Shanghai) of the message
	Data          map[string]any
}

// Templates renders subjects and bodies per template name, channel kind
// and language. A lookup falls back from (name, kind, lang) to (name,
// lang), (name, kind), (name) and then to the default template, so a
// caller registers only what differs.
type Templates struct {
	mu sync.RWMutex
	m  map[string]*tplPair
}

type tplPair struct {
	subject, body *template.Template
}

// DefaultTemplate is the name of the built-in template.
const DefaultTemplate = "default"

// NewTemplates returns the built-in templates.
func NewTemplates() *Templates {
	t := &Templates{m: map[string]*tplPair{}}
	for _, d := range builtinTemplates {
		if err := t.Register(DefaultTemplate, d.kind, d.lang, d.subject, d.body); err != nil {
			panic(err)
		}
	}
	return t
}

func tplKey(name string, kind Kind, lang string) string {
	return name + "|" + string(kind) + "|" + lang
}

// Register adds or replaces a template; kind and lang may be empty to
// cover every channel or language.
func (t *Templates) Register(name string, kind Kind, lang, subject, body string) error {
	s, err := template.New("subject").Option("missingkey=zero").Parse(subject)
	if err != nil {
		return fmt.Errorf("template %s subject: %w", name, err)
	}
	b, err := template.New("body").Option("missingkey=zero").Parse(body)
	if err != nil {
		return fmt.Errorf("template %s body: %w", name, err)
	}
	t.mu.Lock()
	t.m[tplKey(name, kind, lang)] = &tplPair{s, b}
	t.mu.Unlock()
	return nil
}

func (t *Templates) lookup(name string, kind Kind, lang string) *tplPair {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, n := range []string{name, DefaultTemplate} {
		if n == "" {
			continue
		}
		for _, k := range []string{tplKey(n, kind, lang), tplKey(n, "", lang), tplKey(n, kind, ""), tplKey(n, "", "")} {
			if p, ok := t.m[k]; ok {
				return p
			}
		}
	}
	return nil
}

// Render returns the subject and body of a delivery.
func (t *Templates) Render(name string, kind Kind, d RenderData) (subject, body string, err error) {
	p := t.lookup(name, kind, d.Lang)
	if p == nil {
		return "", "", fmt.Errorf("no template %q for %s/%s", name, kind, d.Lang)
	}
	var sb, bb bytes.Buffer
	if err := p.subject.Execute(&sb, d); err != nil {
		return "", "", fmt.Errorf("template %s subject: %w", name, err)
	}
	if err := p.body.Execute(&bb, d); err != nil {
		return "", "", fmt.Errorf("template %s body: %w", name, err)
	}
	return strings.TrimSpace(sb.String()), strings.TrimSpace(bb.String()), nil
}

// SeverityLabel names a severity in a language.
func SeverityLabel(s Severity, lang string) string {
	zh := map[Severity]string{Blue: "蓝色", Yellow: "黄色", Orange: "橙色", Red: "红色"}
	en := map[Severity]string{Blue: "BLUE", Yellow: "YELLOW", Orange: "ORANGE", Red: "RED"}
	if lang == LangEn {
		return en[s]
	}
	return zh[s]
}

// shanghai is the default time zone of messages when none is configured.
var shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

type builtin struct {
	kind          Kind
	lang          string
	subject, body string
}

const (
	subjectZh = `{{if .SeverityLabel}}【{{.SeverityLabel}}】{{end}}{{.Subject}}`
	subjectEn = `{{if .SeverityLabel}}[{{.SeverityLabel}}] {{end}}{{.Subject}}`
)

var builtinTemplates = []builtin{
	{"", LangZh, subjectZh, `{{.Name}}，您好：

{{.Body}}

{{if .AckURL}}请确认收到：{{.AckURL}}
{{end}}—— Continuo 业务连续性平台 {{.SentAt}}`},
	{"", LangEn, subjectEn, `Dear {{.Name}},

{{.Body}}

{{if .AckURL}}Please acknowledge: {{.AckURL}}
{{end}}-- Continuo business continuity platform {{.SentAt}}`},
	{SMS, LangZh, subjectZh, `{{if .SeverityLabel}}【{{.SeverityLabel}}】{{end}}{{.Subject}}{{if .AckURL}} 确认：{{.AckURL}}{{end}}`},
	{SMS, LangEn, subjectEn, `{{if .SeverityLabel}}[{{.SeverityLabel}}] {{end}}{{.Subject}}{{if .AckURL}} Ack: {{.AckURL}}{{end}}`},
	{DingTalk, LangZh, subjectZh, "### {{if .SeverityLabel}}【{{.SeverityLabel}}】{{end}}{{.Subject}}\n\n{{.Body}}\n\n{{if .AckURL}}[确认收到]({{.AckURL}})\n\n{{end}}> {{.SentAt}}"},
	{DingTalk, LangEn, subjectEn, "### {{if .SeverityLabel}}[{{.SeverityLabel}}] {{end}}{{.Subject}}\n\n{{.Body}}\n\n{{if .AckURL}}[Acknowledge]({{.AckURL}})\n\n{{end}}> {{.SentAt}}"},
	{Slack, LangZh, subjectZh, "*{{if .SeverityLabel}}【{{.SeverityLabel}}】{{end}}{{.Subject}}*\n{{.Body}}{{if .AckURL}}\n<{{.AckURL}}|确认收到>{{end}}"},
	{Slack, LangEn, subjectEn, "*{{if .SeverityLabel}}[{{.SeverityLabel}}] {{end}}{{.Subject}}*\n{{.Body}}{{if .AckURL}}\n<{{.AckURL}}|Acknowledge>{{end}}"},
	{WeCom, LangZh, subjectZh, "{{if .SeverityLabel}}【{{.SeverityLabel}}】{{end}}{{.Subject}}\n{{.Body}}{{if .AckURL}}\n确认收到：{{.AckURL}}{{end}}"},
	{WeCom, LangEn, subjectEn, "{{if .SeverityLabel}}[{{.SeverityLabel}}] {{end}}{{.Subject}}\n{{.Body}}{{if .AckURL}}\nAcknowledge: {{.AckURL}}{{end}}"},
	{Feishu, LangZh, subjectZh, "{{if .SeverityLabel}}【{{.SeverityLabel}}】{{end}}{{.Subject}}\n{{.Body}}{{if .AckURL}}\n确认收到：{{.AckURL}}{{end}}"},
	{Feishu, LangEn, subjectEn, "{{if .SeverityLabel}}[{{.SeverityLabel}}] {{end}}{{.Subject}}\n{{.Body}}{{if .AckURL}}\nAcknowledge: {{.AckURL}}{{end}}"},
	{Webhook, LangZh, subjectZh, "{{.Body}}"},
	{Webhook, LangEn, subjectEn, "{{.Body}}"},
}
