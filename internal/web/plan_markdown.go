package web

import (
	"html/template"
	"regexp"
	"strings"
)

var (
	mdBullet   = regexp.MustCompile(`^\s*[-*+]\s+(.*)$`)
	mdNumbered = regexp.MustCompile(`^\s*\d+(?:[.)]\s+|、\s*)(.*)$`)
	mdHeading  = regexp.MustCompile(`^\s*#{1,6}\s+(.*)$`)
	mdLink     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdStrong   = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
	mdCode     = regexp.MustCompile("`([^`]+)`")
)

// Markdown renders the free text of a plan (Markdown, sanitised when
// saved) as HTML: paragraphs, "#" headings, bulleted and numbered lists,
// bold and code. Every piece of text is escaped first, so nothing the text
// holds becomes markup; links keep their text only.
func (p Page) Markdown(s string) template.HTML {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return ""
	}
	var b strings.Builder
	var para []string
	list := ""
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + strings.Join(para, "<br>") + "</p>")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			b.WriteString("</" + list + ">")
			list = ""
		}
	}
	item := func(kind, text string) {
		flushPara()
		if list != kind {
			closeList()
			b.WriteString("<" + kind + ">")
			list = kind
		}
		b.WriteString("<li>" + mdInline(text) + "</li>")
	}
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flushPara()
			closeList()
		case mdHeading.MatchString(line):
			flushPara()
			closeList()
			b.WriteString(`<p class="md-heading"><strong>` + mdInline(mdHeading.FindStringSubmatch(line)[1]) + "</strong></p>")
		case mdBullet.MatchString(line):
			item("ul", mdBullet.FindStringSubmatch(line)[1])
		case mdNumbered.MatchString(line):
			item("ol", mdNumbered.FindStringSubmatch(line)[1])
		default:
			closeList()
			para = append(para, mdInline(line))
		}
	}
	flushPara()
	closeList()
	return template.HTML(b.String()) //nolint:gosec // built from escaped text only
}

// mdInline escapes a line and then marks up bold and code.
func mdInline(s string) string {
	s = mdLink.ReplaceAllString(strings.TrimSpace(s), "$1")
	s = template.HTMLEscapeString(s)
	s = mdStrong.ReplaceAllString(s, "<strong>$1$2</strong>")
	return mdCode.ReplaceAllString(s, "<code>$1</code>")
}
