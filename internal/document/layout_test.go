package document

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/continuo-bcm/continuo/internal/i18n"
)

// mono is a measurer with every character one unit (em) wide, so widths in
// tests are character counts times the size.
type mono struct{}

func (mono) width(rune) float64 { return 1 }
func (mono) has(rune) bool      { return true }

func lineStrings(ls []line) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = lineText(l)
	}
	return out
}

func TestWrapLatinBreaksAtSpaces(t *testing.T) {
	got := lineStrings(wrap(mono{}, []Run{Text("the quick brown fox jumps over the lazy dog")}, 1, 10))
	want := []string{"the quick", "brown fox", "jumps over", "the lazy", "dog"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
}

func TestWrapBreaksLongWordsOnlyWhenNeeded(t *testing.T) {
	got := lineStrings(wrap(mono{}, []Run{Text("see https://example.com/a/very/long/path now")}, 1, 10))
	want := []string{"see", "https://ex", "ample.com/", "a/very/lon", "g/path now"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
}

func TestWrapCJKBreaksAnywhereButNotBeforeClosingPunctuation(t *testing.T) {
	got := lineStrings(wrap(mono{}, []Run{Text("危机管理办公室，负责风险登记（每年复核）。")}, 1, 7))
	// Seven characters fit, but "，" may not start a line: "室" moves
	// down with it; "（" may not end one.
	want := []string{"危机管理办公", "室，负责风险登", "记（每年复", "核）。"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
	for _, l := range got {
		if r, _ := utf8.DecodeRuneInString(l); strings.ContainsRune(noStart, r) {
			t.Errorf("line %q starts with closing punctuation", l)
		}
	}
}

func TestWrapMixedTextKeepsStylesAndWidth(t *testing.T) {
	rs := []Run{Text("风险 "), Bold("Risk register"), Text(" 共 42 项 in total, reviewed yearly.")}
	for _, width := range []float64{5, 8, 13, 40} {
		ls := wrap(mono{}, rs, 1, width)
		var all strings.Builder
		for _, l := range ls {
			if l.width > width+0.01 {
				t.Errorf("width %v: line %q is %v wide", width, lineText(l), l.width)
			}
			all.WriteString(lineText(l))
		}
		if strings.ReplaceAll(all.String(), " ", "") != strings.ReplaceAll("风险 Risk register 共 42 项 in total, reviewed yearly.", " ", "") {
			t.Errorf("width %v: text changed: %q", width, all.String())
		}
	}
	ls := wrap(mono{}, rs, 1, 40)
	var bold string
	for _, s := range ls[0].segs {
		if s.bold {
			bold += s.text
		}
	}
	if bold != "Risk register" {
		t.Errorf("bold text %q, want %q", bold, "Risk register")
	}
}

func TestWrapHonoursNewlines(t *testing.T) {
	got := lineStrings(wrap(mono{}, []Run{Text("第一行\n\nsecond line")}, 1, 40))
	want := []string{"第一行", "", "second line"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
}

func TestOutlineNumbersHeadings(t *testing.T) {
	d := New(i18n.EN, "Plan")
	d.NumberHeadings = true
	d.H1("Purpose")
	d.H2("Scope")
	d.H2("Terms")
	d.H3("Levels")
	d.H1("Organisation")
	d.H3("Committee") // no H2 before it
	d.H2("Office")
	var got []string
	for _, e := range d.outline() {
		got = append(got, e.Label())
	}
	want := []string{"1  Purpose", "1.1  Scope", "1.2  Terms", "1.2.1  Levels", "2  Organisation", "2.1.1  Committee", "2.1  Office"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("headings %q, want %q", got, want)
	}
	d.NumberHeadings = false
	if l := d.outline()[1].Label(); l != "Scope" {
		t.Errorf("unnumbered heading %q", l)
	}
}

func TestPageFooterTexts(t *testing.T) {
	if got := textsFor(i18n.ZH).page(3, 10); got != "第 3 页 / 共 10 页" {
		t.Errorf("zh footer %q", got)
	}
	if got := textsFor(i18n.EN).page(3, 10); got != "Page 3 of 10" {
		t.Errorf("en footer %q", got)
	}
}

// textOn returns the text drawn on page n (1-based), line by line.
func textOn(l *layout, n int) string {
	var b strings.Builder
	for _, o := range l.pages[n-1].ops {
		if o.Kind == opText {
			b.WriteString(o.Text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func TestLongParagraphFlowsOverPagesInsideMargins(t *testing.T) {
	d := New(i18n.ZH, "") // no title block: only the paragraph is drawn
	d.P(strings.Repeat("业务连续性管理要求每个关键流程都有恢复目标。", 400))
	l, err := run(d, approxMetrics{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.pages) < 5 {
		t.Fatalf("%d pages, want the paragraph spread over at least 5", len(l.pages))
	}
	checkInside(t, l)
	chars := 0
	for _, p := range l.pages {
		for _, o := range p.ops {
			if o.Kind == opText {
				chars += utf8.RuneCountInString(o.Text)
			}
		}
	}
	if want := 400 * utf8.RuneCountInString("业务连续性管理要求每个关键流程都有恢复目标。"); chars != want {
		t.Errorf("%d characters drawn, want %d", chars, want)
	}
}

// checkInside fails when any text, box or image of a laid-out document
// lies outside the text area of its page (the cover uses its own layout but
// keeps to the same margins).
func checkInside(t *testing.T, l *layout) {
	t.Helper()
	const eps = 0.01
	for n, p := range l.pages {
		for _, o := range p.ops {
			h := o.H
			if o.Kind == opText {
				h = o.Size
			}
			if o.Kind == opLink || o.Kind == opAnchor {
				continue
			}
			if o.Y < contentTop-eps || o.Y+h > contentBot+eps || o.X < contentLeft-eps || o.X+o.W > contentLeft+textWidthPt+eps {
				t.Errorf("page %d: %v %q at x %.1f–%.1f, y %.1f–%.1f is outside the text area", n+1, o.Kind, o.Text, o.X, o.X+o.W, o.Y, o.Y+h)
			}
		}
	}
}

func TestTableRepeatsHeaderAndBreaksBetweenRows(t *testing.T) {
	d := New(i18n.EN, "Plan")
	tb := d.Table("Process", "RTO", "RPO").Widths(3, 1, 1)
	for i := 0; i < 120; i++ {
		tb.TextRow(fmt.Sprintf("Process %03d with a name long enough to wrap onto a second line, row end %03d", i, i), "4 h", "30 min")
	}
	l, err := run(d, approxMetrics{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.pages) < 3 {
		t.Fatalf("%d pages, want the table over at least 3", len(l.pages))
	}
	checkInside(t, l)
	seen := map[string]int{}
	for n := 1; n <= len(l.pages); n++ {
		text := textOn(l, n)
		if n == 1 {
			// The title of a document without a cover comes first.
			text = strings.TrimPrefix(text, "Plan\n")
		}
		if !strings.HasPrefix(text, "Process\nRTO\nRPO\n") {
			t.Errorf("page %d does not start with the header row: %.60q", n, text)
		}
		for i := 0; i < 120; i++ {
			if strings.Contains(text, fmt.Sprintf("Process %03d ", i)) {
				seen[fmt.Sprint(i)] = n
				// Both lines of the cell are on the same page.
				if !strings.Contains(text, fmt.Sprintf("row end %03d", i)) {
					t.Errorf("row %d split", i)
				}
			}
		}
	}
	if len(seen) != 120 {
		t.Errorf("%d rows drawn, want 120", len(seen))
	}
}

func TestTallRowIsSplitAcrossPages(t *testing.T) {
	d := New(i18n.EN, "Plan")
	d.Table("Step", "Action").Widths(1, 4).TextRow("1", strings.Repeat("Call the on-call engineer and confirm. ", 300))
	l, err := run(d, approxMetrics{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.pages) < 2 {
		t.Fatalf("%d pages, want the tall row split", len(l.pages))
	}
	checkInside(t, l)
	for _, p := range l.pages {
		for _, o := range p.ops {
			if o.Kind == opRect && o.Y+o.H > contentBot+0.01 {
				t.Fatalf("cell box ends at %.1f, below the text area (%.1f)", o.Y+o.H, contentBot)
			}
		}
	}
}

func TestContentsShowRealPageNumbers(t *testing.T) {
	d := New(i18n.EN, "Plan")
	d.Cover, d.TOC, d.NumberHeadings = true, true, true
	d.H1("Purpose")
	d.P("Text.")
	d.PageBreak()
	d.H1("Organisation")
	d.H2("Committee")
	d.P(strings.Repeat("Long text about duties. ", 600))
	d.H2("Office")
	l, err := pageNumbers(d, approxMetrics{})
	if err != nil {
		t.Fatal(err)
	}
	// Cover is page 1, contents page 2, "Purpose" page 3, then a break.
	if l.headingPage["h1"] != 3 || l.headingPage["h2"] != 4 || l.headingPage["h3"] != 4 {
		t.Fatalf("heading pages %v", l.headingPage)
	}
	office := l.headingPage["h4"]
	if office < 5 {
		t.Fatalf("Office on page %d, want after the long text", office)
	}
	if !strings.Contains(textOn(l, office), "2.2  Office") {
		t.Errorf("page %d does not show the heading", office)
	}
	toc := textOn(l, 2)
	for _, want := range []string{"1  Purpose", "\n3\n", "2  Organisation", "\n4\n", "2.2  Office", fmt.Sprintf("\n%d\n", office)} {
		if !strings.Contains(toc, want) {
			t.Errorf("contents lack %q:\n%s", want, toc)
		}
	}
	if strings.Contains(toc, "\n0\n") {
		t.Errorf("contents still show a placeholder number:\n%s", toc)
	}
}

func TestChineseParagraphsAreJustified(t *testing.T) {
	d := New(i18n.ZH, "")
	d.P(strings.Repeat("业务连续性管理要求每个关键流程都有恢复目标，", 12))
	d.P(strings.Repeat("English lines stay ragged on the right. ", 12))
	l, err := run(d, approxMetrics{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	right := contentLeft + textWidthPt
	ends := map[float64]float64{} // line top → right end of its last text
	spaced := map[float64]bool{}
	for _, o := range l.pages[0].ops {
		if o.Kind == opText {
			ends[o.Y] = max(ends[o.Y], o.X+o.W)
			spaced[o.Y] = spaced[o.Y] || o.Spacing > 0
		}
	}
	var ys []float64
	for y := range ends {
		ys = append(ys, y)
	}
	sort.Float64s(ys)
	chinese := wrap(approxMetrics{}, d.Blocks[0].(*Paragraph).Runs, bodySize, textWidthPt)
	for i, y := range ys {
		switch {
		case i < len(chinese)-1: // full Chinese lines reach the margin
			if math.Abs(ends[y]-right) > 0.05 || !spaced[y] {
				t.Errorf("Chinese line %d ends at %.2f, want %.2f", i+1, ends[y], right)
			}
		case spaced[y]: // the last Chinese line and the English ones are not spread
			t.Errorf("line %d is letter-spaced", i+1)
		}
	}
}

func TestTitleWithoutCover(t *testing.T) {
	d := New(i18n.ZH, "专项应急预案")
	d.Subtitle = "信息系统故障"
	d.Meta.Version = "2.0"
	d.TOC = true
	d.H1("总则")
	d.P("正文。")
	l, err := pageNumbers(d, approxMetrics{})
	if err != nil {
		t.Fatal(err)
	}
	first := textOn(l, 1)
	for _, want := range []string{"专项应急预案\n信息系统故障\n版本 2.0\n目录\n", "总则"} {
		if !strings.Contains(first, want) {
			t.Errorf("first page lacks %q:\n%s", want, first)
		}
	}
	if l.headingPage["h1"] != 2 || !strings.Contains(textOn(l, 2), "总则") {
		t.Errorf("body does not start on page 2: %v", l.headingPage)
	}
	var b strings.Builder
	if err := WriteDOCX(&b, d); err != nil {
		t.Fatal(err)
	}
}

func TestBadImageIsAnError(t *testing.T) {
	d := New(i18n.EN, "Plan")
	d.Image([]byte("not a png"), 50, "")
	if err := WriteDOCX(&bytes.Buffer{}, d); err == nil || !strings.Contains(err.Error(), "PNG") {
		t.Errorf("DOCX: err = %v, want an error about the PNG", err)
	}
	if err := WriteHTML(&bytes.Buffer{}, d); err == nil {
		t.Error("HTML: no error for a bad image")
	}
	if _, err := run(d, approxMetrics{}, nil); err == nil {
		t.Error("PDF layout: no error for a bad image")
	}
}

func TestColours(t *testing.T) {
	if r, g, b, ok := LevelRed.rgb(); !ok || r != 0xD9 || g != 0x36 || b != 0x3E {
		t.Errorf("LevelRed = %d %d %d %v", r, g, b, ok)
	}
	if Color("#abcdef").hex() != "ABCDEF" || Color("red").hex() != "" || Color("12345g").hex() != "" {
		t.Error("colour parsing accepts or rejects the wrong values")
	}
}
