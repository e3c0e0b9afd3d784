package document

import (
	"fmt"
	"strings"

	"github.com/continuo-bcm/continuo/internal/i18n"
)

// entry is a heading as the table of contents and the bookmarks see it.
type entry struct {
	Level  int
	Number string // "1.2" or "" when headings are not numbered
	Text   string
	ID     string // anchor: "h1", "h2", …
}

// Label is the heading as printed: number and text.
func (e entry) Label() string {
	if e.Number == "" {
		return e.Text
	}
	return e.Number + "  " + e.Text
}

// outline numbers the headings of d in order. A heading below a missing
// parent (an H3 straight after an H1) counts as if the parent were there.
func (d *Document) outline() []entry {
	var out []entry
	var n [3]int
	for _, b := range d.Blocks {
		h, ok := b.(*Heading)
		if !ok {
			continue
		}
		lvl := h.level()
		n[lvl-1]++
		for i := lvl; i < 3; i++ {
			n[i] = 0
		}
		e := entry{Level: lvl, Text: clean(h.Text), ID: fmt.Sprintf("h%d", len(out)+1)}
		if d.NumberHeadings {
			parts := make([]string, lvl)
			for i := 0; i < lvl; i++ {
				parts[i] = fmt.Sprint(max(n[i], 1))
			}
			e.Number = strings.Join(parts, ".")
		}
		out = append(out, e)
	}
	return out
}

func (h *Heading) level() int { return min(max(h.Level, 1), 3) }

// tocLevels is how deep the table of contents goes.
const tocLevels = 2

// clean removes characters that no output format can carry (control
// characters other than newline, U+FFFE and U+FFFF) and turns tabs into
// spaces and CR LF into LF.
func clean(s string) string {
	if !strings.ContainsFunc(s, unwanted) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case unwanted(r):
			return -1
		}
		return r
	}, s)
}

func unwanted(r rune) bool {
	return r != '\n' && (r < 0x20 || r == 0x7f || r == '\uFFFE' || r == '\uFFFF')
}

// texts are the fixed words of a document, by language.
type texts struct {
	Contents, Organisation, Version, Status, Date, Classification, Owner string
	// PageBefore, PageMiddle, PageAfter surround the page number and the
	// page count: "Page " 3 " of " 10 "".
	PageBefore, PageMiddle, PageAfter string
	Note, Warning                     string
}

func textsFor(lang i18n.Lang) texts {
	t := i18n.For(lang)
	const a, b = "\x00", "\x01"
	page := t.T("document.page_of", a, b)
	before, rest, _ := strings.Cut(page, a)
	middle, after, _ := strings.Cut(rest, b)
	return texts{
		Contents: t.T("document.contents"), Organisation: t.T("document.organisation"), Version: t.T("document.version"),
		Status: t.T("document.status"), Date: t.T("document.date"), Classification: t.T("document.classification"),
		Owner: t.T("document.owner"), PageBefore: before, PageMiddle: middle, PageAfter: after,
		Note: t.T("document.note"), Warning: t.T("document.warning"),
	}
}

func (t texts) page(n, total int) string {
	return fmt.Sprintf("%s%d%s%d%s", t.PageBefore, n, t.PageMiddle, total, t.PageAfter)
}

// coverRows lists the metadata shown on the cover, skipping empty values.
func (d *Document) coverRows(t texts) []KV {
	var out []KV
	add := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, KV{k, clean(v)})
		}
	}
	m := d.Meta
	add(t.Organisation, m.Organisation)
	add(t.Version, m.Version)
	add(t.Status, m.Status)
	if !m.Date.IsZero() {
		if d.Lang == i18n.ZH {
			add(t.Date, m.Date.Format("2006 年 1 月 2 日"))
		} else {
			add(t.Date, m.Date.Format("2 January 2006"))
		}
	}
	add(t.Owner, m.Owner)
	add(t.Classification, m.Classification)
	return out
}

// metaLine is the metadata on one line, for documents without a cover:
// "版本 1.2 · 状态 已发布 · 日期 2026 年 11 月 30 日".
func (d *Document) metaLine(t texts) string {
	var parts []string
	for _, r := range d.coverRows(t) {
		parts = append(parts, r.Key+" "+r.Value)
	}
	return strings.Join(parts, " · ")
}
