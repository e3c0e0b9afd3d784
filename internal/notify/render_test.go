package notify

import (
	"testing"
	"time"
)

// TestSharedRenderEqualsRender checks that the text rendered once per
// message, channel kind and language and filled in per delivery is exactly
// what rendering each delivery gives, for the built-in templates and for
// templates that look at the recipient's values, which must not be shared.
func TestSharedRenderEqualsRender(t *testing.T) {
	s := &Service{Templates: NewTemplates(), cfg: Config{Location: shanghai}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Templates.Register("len", Email, "", "{{.Subject}}", "{{.Name}} has {{len .Name}} bytes"))
	must(s.Templates.Register("cond", Email, "", "{{.Subject}}", `{{if eq .Name "王芳"}}VIP {{end}}{{.Name}}{{if .AckURL}} {{.AckURL}}{{end}}`))
	must(s.Templates.Register("plain", "", "", "{{.Subject}} – {{.Name}}", "  {{.Name}}\n{{.Body}}\n{{.AckURL}}  "))
	d := s.NewDispatcher()
	created := time.Date(2026, 7, 1, 8, 30, 0, 0, time.UTC)
	var msgs []*Message
	for i, tpl := range []string{"", "len", "cond", "plain"} {
		for _, ack := range []bool{false, true} {
			msgs = append(msgs, &Message{ID: int64(10*i) + map[bool]int64{false: 1, true: 2}[ack], Template: tpl, Severity: Red,
				AckRequired: ack, Source: "warning", CreatedAt: created,
				Texts: map[string]Text{LangZh: {Subject: "台风预警", Body: "请做好防范。"}, LangEn: {Subject: "Typhoon", Body: "Take shelter."}}})
		}
	}
	names := []string{"张伟", "王芳", "Li Na", " padded ", "", "x"}
	for _, m := range msgs {
		for _, kind := range []Kind{Email, Webhook, SMS, DingTalk, Slack} {
			for _, lang := range []string{LangZh, LangEn} {
				for i, name := range names {
					ack := ""
					if m.AckRequired {
						ack = "https://bcm.example.com/ack/" + name + "?t=" + string(rune('a'+i))
					}
					gs, gb, gerr := d.render(m, kind, lang, name, ack)
					ws, wb, werr := s.Templates.Render(m.Template, kind, d.renderData(m, lang, name, ack))
					if gs != ws || gb != wb || (gerr == nil) != (werr == nil) {
						t.Fatalf("message %d (%q) %s/%s to %q:\n got %q %q %v\nwant %q %q %v", m.ID, m.Template, kind, lang, name, gs, gb, gerr, ws, wb, werr)
					}
				}
			}
		}
	}
	shared := 0
	for k, rt := range d.rendered {
		if rt.shared {
			shared++
		}
		if (k.tpl == s.Templates.lookup("len", Email, "") || k.tpl == s.Templates.lookup("cond", Email, "")) && rt.shared {
			t.Errorf("a template that looks at the name was shared: %+v", k)
		}
	}
	if shared == 0 {
		t.Error("no text was shared")
	}
}
