package planexport

import (
	"regexp"
	"strings"

	"github.com/continuo-bcm/continuo/internal/document"
)

var (
	bulletRe   = regexp.MustCompile(`^\s*[-*+]\s+(.*)$`)
	numberedRe = regexp.MustCompile(`^\s*\d+(?:[.)]\s+|、\s*)(.*)$`)
	headingRe  = regexp.MustCompile(`^\s*#{1,6}\s+(.*)$`)
	linkRe     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	emphRe     = regexp.MustCompile(`(\*\*|__|\*|` + "`" + `)`)
)

// inline removes the inline Markdown markers (emphasis, code, links keep
// their text): plan texts are plain text in documents.
func inline(s string) string {
	s = linkRe.ReplaceAllString(s, "$1")
	return strings.TrimSpace(emphRe.ReplaceAllString(s, ""))
}

// plainMarkdown folds Markdown into plain lines, for table cells.
func plainMarkdown(s string) string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			continue
		case headingRe.MatchString(line):
			line = headingRe.FindStringSubmatch(line)[1]
		case bulletRe.MatchString(line):
			line = "• " + bulletRe.FindStringSubmatch(line)[1]
		}
		out = append(out, inline(line))
	}
	return strings.Join(out, "\n")
}

// addMarkdown adds Markdown text as paragraphs and lists: blank lines
// separate paragraphs, "- " items make a bulleted list, "1. " items a
// numbered one, and a "#" heading becomes a bold paragraph (the chapter
// headings are the document's own).
func addMarkdown(d *document.Document, s string) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return
	}
	var para []string
	var list []string
	ordered := false
	flushPara := func() {
		if len(para) > 0 {
			d.P(strings.Join(para, "\n"))
			para = nil
		}
	}
	flushList := func() {
		if len(list) > 0 {
			if ordered {
				d.Numbered(list...)
			} else {
				d.Bullets(list...)
			}
			list = nil
		}
	}
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flushPara()
			flushList()
		case headingRe.MatchString(line):
			flushPara()
			flushList()
			d.P(document.Bold(inline(headingRe.FindStringSubmatch(line)[1])))
		case bulletRe.MatchString(line):
			flushPara()
			if len(list) > 0 && ordered {
				flushList()
			}
			ordered = false
			list = append(list, inline(bulletRe.FindStringSubmatch(line)[1]))
		case numberedRe.MatchString(line):
			flushPara()
			if len(list) > 0 && !ordered {
				flushList()
			}
			ordered = true
			list = append(list, inline(numberedRe.FindStringSubmatch(line)[1]))
		default:
			if len(list) > 0 && (strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "\t")) {
				list[len(list)-1] += " " + inline(line)
				continue
			}
			flushList()
			para = append(para, inline(line))
		}
	}
	flushPara()
	flushList()
}
