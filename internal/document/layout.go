package document

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The PDF layout works in points from the top-left corner of an A4 page.
// It is pure: it turns a Document into pages of drawing operations, which
// pdf.go hands to gopdf. Keeping it apart makes wrapping and pagination
// testable without a font file and lets the DOCX writer estimate page
// numbers for its pre-filled table of contents.

// Type sizes and spacing, in points.
const (
	bodySize    = 10.5
	tableSize   = 9.5
	smallSize   = 8.5
	lineFactor  = 1.5
	cellPadX    = 4.0
	cellPadY    = 3.0
	listIndent  = 20.0
	paraSpacing = 6.0
	headerGap   = 24.0 // from the page header baseline area to the text
	footerGap   = 28.0
	contentTop  = marginTopPt
	contentBot  = pageHeightPt - marginBotPt
	contentLeft = marginSidePt
	tocNumWidth = 36.0 // reserved for a page number in the contents
)

var headingSizes = [4]float64{0, 16, 13.5, 11.5}

// measurer gives character advances in em.
type measurer interface {
	width(r rune) float64
	has(r rune) bool
}

// approxMetrics stands in for a font when none is loaded: ideographs one
// em wide, Latin letters about half. Good enough to estimate page numbers.
type approxMetrics struct{}

func (approxMetrics) width(r rune) float64 {
	switch {
	case wide(r):
		return 1
	case r == ' ' || r == 'i' || r == 'l' || r == 'j' || r == '.' || r == ',':
		return 0.28
	case unicode.IsUpper(r) || r == 'm' || r == 'w':
		return 0.7
	}
	return 0.52
}

func (approxMetrics) has(rune) bool { return true }

// wide reports whether r is a CJK character, which may break a line on
// either side.
func wide(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF))
}

// Line-breaking rules for Chinese (禁则): these never start a line…
const noStart = "，。、；：？！）」』】》〉”’…—．,.;:?!)]}%"

// …and these never end one.
const noEnd = "（「『【《〈“‘([{"

type opKind int

const (
	opText opKind = iota
	opRect
	opLine
	opImage
	opLink
	opAnchor
)

// op is one drawing operation. Text is drawn with its top at Y.
type op struct {
	Kind    opKind
	X, Y    float64
	W, H    float64
	Text    string
	Size    float64
	Bold    bool
	Color   Color // text colour or stroke colour
	Fill    Color // rect fill
	Image   int   // index into layout.images
	Anchor  string
	Level   int // heading level for an anchor (outline)
	LineW   float64
	Spacing float64 // extra space after each character (justified text)
}

type page struct {
	ops   []op
	cover bool
}

// seg is a run of same-styled text placed on a line.
type seg struct {
	text   string
	x, w   float64
	bold   bool
	italic bool
}

// line is one wrapped line: segments relative to the line start. last
// marks the end of a paragraph or a line ended by a newline, which is never
// justified.
type line struct {
	segs  []seg
	width float64
	last  bool
}

// atom is an unbreakable piece of text.
type atom struct {
	text          string
	w             float64
	bold, italic  bool
	space         bool
	newline       bool
	noBreakBefore bool
	noBreakAfter  bool
}

// wrap breaks runs into lines no wider than width at size: Latin text at
// spaces (and inside a word only when the word alone is too wide), CJK text
// between any two characters except before closing or after opening
// punctuation.
func wrap(m measurer, rs []Run, size, width float64) []line {
	atoms := split(m, rs, size)
	var lines []line
	var cur []atom
	var curW float64
	flush := func() {
		for len(cur) > 0 && cur[len(cur)-1].space {
			curW -= cur[len(cur)-1].w
			cur = cur[:len(cur)-1]
		}
		lines = append(lines, toLine(cur))
		cur, curW = nil, 0
	}
	hard := func() { flush(); lines[len(lines)-1].last = true }
	for i := 0; i < len(atoms); i++ {
		a := atoms[i]
		switch {
		case a.newline:
			hard()
			continue
		case a.space:
			if len(cur) > 0 {
				cur = append(cur, a)
				curW += a.w
			}
			continue
		}
		if curW+a.w <= width+0.01 {
			cur = append(cur, a)
			curW += a.w
			continue
		}
		if len(cur) > 0 {
			// Carry atoms over so that no line starts with a closing mark
			// or ends with an opening one (at most a few, and never the
			// whole line).
			var carry []atom
			next := a
			for len(cur) > 1 && len(carry) < 4 {
				last := cur[len(cur)-1]
				if last.space || !(next.noBreakBefore || last.noBreakAfter) {
					break
				}
				carry = append([]atom{last}, carry...)
				curW -= last.w
				cur = cur[:len(cur)-1]
				next = last
			}
			flush()
			for _, c := range carry {
				cur = append(cur, c)
				curW += c.w
			}
			if curW+a.w <= width+0.01 {
				cur = append(cur, a)
				curW += a.w
				continue
			}
			if len(cur) > 0 {
				flush()
			}
		}
		// a alone is wider than the line: break it by characters.
		for _, r := range a.text {
			w := m.width(r) * size
			if curW+w > width+0.01 && len(cur) > 0 {
				flush()
			}
			cur = append(cur, atom{text: string(r), w: w, bold: a.bold, italic: a.italic})
			curW += w
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		hard()
	}
	if len(lines) > 0 {
		lines[len(lines)-1].last = true
	}
	return lines
}

// split turns runs into atoms.
func split(m measurer, rs []Run, size float64) []atom {
	var out []atom
	for _, r := range rs {
		text := clean(r.Text)
		var word strings.Builder
		var ww float64
		emit := func() {
			if word.Len() > 0 {
				out = append(out, atom{text: word.String(), w: ww, bold: r.Bold, italic: r.Italic})
				word.Reset()
				ww = 0
			}
		}
		for _, c := range text {
			switch {
			case c == '\n':
				emit()
				out = append(out, atom{newline: true})
			case c == ' ' || c == '\u3000':
				emit()
				out = append(out, atom{text: string(c), w: m.width(c) * size, space: true, bold: r.Bold, italic: r.Italic})
			case wide(c) || strings.ContainsRune(noStart, c) && word.Len() == 0 || strings.ContainsRune(noEnd, c):
				emit()
				out = append(out, atom{text: string(c), w: m.width(c) * size, bold: r.Bold, italic: r.Italic,
					noBreakBefore: strings.ContainsRune(noStart, c), noBreakAfter: strings.ContainsRune(noEnd, c)})
			default:
				word.WriteRune(c)
				ww += m.width(c) * size
			}
		}
		emit()
	}
	return out
}

func toLine(atoms []atom) line {
	var l line
	for _, a := range atoms {
		if n := len(l.segs); n > 0 && l.segs[n-1].bold == a.bold && l.segs[n-1].italic == a.italic {
			l.segs[n-1].text += a.text
			l.segs[n-1].w += a.w
		} else {
			l.segs = append(l.segs, seg{text: a.text, x: l.width, w: a.w, bold: a.bold, italic: a.italic})
		}
		l.width += a.w
	}
	return l
}

// layout places a document on pages.
type layout struct {
	d       *Document
	m       measurer
	t       texts
	outline []entry
	pages   []*page
	y       float64
	images  [][]byte
	// headingPage is the page number of each heading, by entry ID.
	headingPage map[string]int
	// tocNumbers are the page numbers printed in the contents (pass 2).
	tocNumbers map[string]int
	frontPages int // pages of the cover or title and the contents
	headings   int
}

// run lays the document out once; tocNumbers are the page numbers to print
// in the contents (nil on the first pass, when they are not yet known).
func run(d *Document, m measurer, tocNumbers map[string]int) (*layout, error) {
	l := &layout{d: d, m: m, t: textsFor(d.Lang), outline: d.outline(), headingPage: map[string]int{}, tocNumbers: tocNumbers}
	l.front()
	l.frontPages = len(l.pages)
	if l.hasTOC() {
		l.newPage()
	}
	for _, blk := range d.Blocks {
		switch b := blk.(type) {
		case *Heading:
			l.heading(l.outline[l.headings])
			l.headings++
		case *Paragraph:
			l.paragraph(b.Runs, b.Align, bodySize, contentLeft, textWidthPt)
			l.y += paraSpacing
		case *List:
			l.list(b)
		case *Table:
			l.table(b, true)
		case *KeyValue:
			if len(b.Pairs) > 0 {
				t := &Table{Columns: []Column{{Width: 3}, {Width: 7}}}
				for _, p := range b.Pairs {
					t.Row(C(p.Key).B().Fill(LightGrey), C(p.Value))
				}
				l.table(t, false)
			}
		case *Note:
			l.note(b)
		case *Image:
			if err := l.image(b); err != nil {
				return nil, err
			}
		case PageBreak:
			if len(l.cur().ops) > 0 {
				l.newPage()
			}
		case nil:
		default:
			return nil, fmt.Errorf("document: unknown block %T", blk)
		}
	}
	return l, nil
}

// pageNumbers lays d out, then lays the contents out again with the page
// numbers the first pass found. The contents reserve the same room for a
// number either way, so they fill the same pages and nothing after them
// moves.
func pageNumbers(d *Document, m measurer) (*layout, error) {
	l, err := run(d, m, nil)
	if err != nil || !d.TOC || len(l.outline) == 0 {
		return l, err
	}
	front := &layout{d: d, m: m, t: l.t, outline: l.outline, headingPage: map[string]int{}, tocNumbers: l.headingPage}
	front.front()
	if len(front.pages) != l.frontPages {
		return nil, fmt.Errorf("document: contents took %d pages, then %d", l.frontPages, len(front.pages))
	}
	copy(l.pages, front.pages)
	l.tocNumbers = l.headingPage
	return l, nil
}

func (l *layout) hasTOC() bool { return l.d.TOC && len(l.outline) > 0 }

// front lays out what comes before the body: the cover page, or the title
// at the top of the first page, then the contents. With contents the body
// starts on a new page; without, it follows the title.
func (l *layout) front() {
	if l.d.Cover {
		l.cover()
	} else {
		l.newPage()
		l.titleBlock()
	}
	if l.hasTOC() {
		if l.d.Cover {
			l.newPage()
		} else {
			l.y += 12
		}
		l.toc()
	}
}

// titleBlock is the title, subtitle and metadata of a document without a
// cover page.
func (l *layout) titleBlock() {
	meta := l.d.metaLine(l.t)
	if l.d.Title == "" && l.d.Subtitle == "" && meta == "" {
		return
	}
	for _, ln := range wrap(l.m, []Run{Bold(l.d.Title)}, 20, textWidthPt) {
		l.drawLine(ln, contentLeft, l.y, textWidthPt, 20, Left, true, "1F3864")
		l.y += 20 * 1.4
	}
	if l.d.Subtitle != "" {
		for _, ln := range wrap(l.m, []Run{Text(l.d.Subtitle)}, 13, textWidthPt) {
			l.drawLine(ln, contentLeft, l.y, textWidthPt, 13, Left, false, "404040")
			l.y += 13 * 1.5
		}
	}
	if meta != "" {
		for _, ln := range wrap(l.m, []Run{Text(meta)}, smallSize+0.5, textWidthPt) {
			l.drawLine(ln, contentLeft, l.y, textWidthPt, smallSize+0.5, Left, false, "595959")
			l.y += (smallSize + 0.5) * lineFactor
		}
	}
	l.add(op{Kind: opLine, X: contentLeft, Y: l.y + 3, W: textWidthPt, Color: "8EA9DB", LineW: 0.8})
	l.y += 14
}

func (l *layout) cur() *page { return l.pages[len(l.pages)-1] }

func (l *layout) newPage() {
	l.pages = append(l.pages, &page{})
	l.y = contentTop
}

func (l *layout) add(o op) { p := l.cur(); p.ops = append(p.ops, o) }

func (l *layout) lineHeight(size float64) float64 { return size * lineFactor }

// ensure starts a new page unless h points fit below the current position.
func (l *layout) ensure(h float64) {
	if l.y+h > contentBot && l.y > contentTop+0.1 {
		l.newPage()
	}
}

// drawLine emits the text of ln at (x, y) aligned within width.
func (l *layout) drawLine(ln line, x, y, width, size float64, a Align, bold bool, col Color) {
	switch a {
	case Center:
		x += (width - ln.width) / 2
	case Right:
		x += width - ln.width
	}
	// Centre the glyphs vertically in the line box.
	ty := y + (size*lineFactor-size)/2
	for _, s := range ln.segs {
		if strings.TrimSpace(s.text) == "" {
			continue
		}
		l.add(op{Kind: opText, X: x + s.x, Y: ty, W: s.w, Text: s.text, Size: size, Bold: bold || s.bold, Color: col})
	}
}

// paragraph flows runs over as many pages as needed.
func (l *layout) paragraph(rs []Run, a Align, size, x, width float64) {
	lh := l.lineHeight(size)
	for _, ln := range wrap(l.m, rs, size, width) {
		l.ensure(lh)
		if a == Left && !ln.last {
			l.drawJustified(ln, x, l.y, width, size)
		} else {
			l.drawLine(ln, x, l.y, width, size, a, false, "")
		}
		l.y += lh
	}
}

// drawJustified spreads a line that holds Chinese text to the full width
// with letter spacing, as Chinese body text is set (and as the DOCX is).
// Latin-only lines and lines that would need wide gaps stay ragged.
func (l *layout) drawJustified(ln line, x, y, width, size float64) {
	n, cjk := 0, false
	for _, s := range ln.segs {
		for _, r := range s.text {
			n++
			cjk = cjk || wide(r)
		}
	}
	extra := width - ln.width
	if !cjk || n < 2 || extra <= 0 || extra/float64(n-1) > 0.25*size {
		l.drawLine(ln, x, y, width, size, Left, false, "")
		return
	}
	sp := extra / float64(n-1)
	ty := y + (size*lineFactor-size)/2
	before := 0
	for _, s := range ln.segs {
		k := utf8.RuneCountInString(s.text)
		if strings.TrimSpace(s.text) != "" {
			// The spacing after the segment's last character belongs to
			// the gap before the next segment, not to this one's width.
			l.add(op{Kind: opText, X: x + s.x + sp*float64(before), Y: ty, W: s.w + sp*float64(k-1), Text: s.text, Size: size, Bold: s.bold, Spacing: sp})
		}
		before += k
	}
}

func (l *layout) heading(e entry) {
	size := headingSizes[e.Level]
	lh := l.lineHeight(size)
	lines := wrap(l.m, []Run{Bold(e.Label())}, size, textWidthPt)
	before := []float64{0, 16, 12, 8}[e.Level]
	// Keep the heading with at least two lines of what follows.
	need := before + float64(len(lines))*lh + 2*l.lineHeight(bodySize)
	if l.y+need > contentBot {
		l.newPage()
	} else if l.y > contentTop+0.1 {
		l.y += before
	}
	l.headingPage[e.ID] = len(l.pages)
	l.add(op{Kind: opAnchor, Y: l.y, Anchor: e.ID, Text: e.Label(), Level: e.Level})
	col := Color("1F3864")
	for _, ln := range lines {
		l.drawLine(ln, contentLeft, l.y, textWidthPt, size, Left, true, col)
		l.y += lh
	}
	if e.Level == 1 {
		l.add(op{Kind: opLine, X: contentLeft, Y: l.y + 1, W: textWidthPt, Color: "8EA9DB", LineW: 0.8})
		l.y += 4
	}
	l.y += 2
}

func (l *layout) list(b *List) {
	lh := l.lineHeight(bodySize)
	for i, it := range b.Items {
		marker := "•"
		if b.Ordered {
			marker = fmt.Sprintf("%d.", i+1)
		}
		lines := wrap(l.m, it, bodySize, textWidthPt-listIndent-8)
		for j, ln := range lines {
			l.ensure(lh)
			if j == 0 {
				l.drawLine(line{segs: []seg{{text: marker}}, width: l.textWidth(marker, bodySize)}, contentLeft+8, l.y, listIndent-4, bodySize, Left, false, "")
			}
			l.drawLine(ln, contentLeft+8+listIndent, l.y, textWidthPt-listIndent-8, bodySize, Left, false, "")
			l.y += lh
		}
	}
	l.y += paraSpacing
}

func (l *layout) textWidth(s string, size float64) float64 {
	var w float64
	for _, r := range s {
		w += l.m.width(r) * size
	}
	return w
}

// cellLines is a laid-out table cell.
type cellLines struct {
	c     Cell
	lines []line
}

func (l *layout) rowLines(t *Table, row []Cell, widths []float64, header bool) []cellLines {
	out := make([]cellLines, len(widths))
	for i, w := range widths {
		c := t.cell(row, i)
		if header {
			c.Bold = true
			if c.FillColor == "" {
				c.FillColor = HeaderFill
			}
		}
		out[i] = cellLines{c: c, lines: wrap(l.m, []Run{{Text: c.Text, Bold: c.Bold}}, tableSize, w-2*cellPadX)}
	}
	return out
}

func rowHeight(cells []cellLines, from int, lh float64) float64 {
	n := 0
	for _, c := range cells {
		n = max(n, len(c.lines)-from)
	}
	return float64(max(n, 1))*lh + 2*cellPadY
}

// table draws rows that break only between rows, repeating the header on
// every page; a row taller than a whole page is split between its lines.
func (l *layout) table(t *Table, spaceAfter bool) {
	n := t.columns()
	if n == 0 || len(t.Header)+len(t.Rows) == 0 {
		return
	}
	lh := l.lineHeight(tableSize)
	fr := t.fractions()
	widths := make([]float64, n)
	for i, f := range fr {
		widths[i] = f * textWidthPt
	}
	var header []cellLines
	headerH := 0.0
	if len(t.Header) > 0 {
		header = l.rowLines(t, t.Header, widths, true)
		headerH = rowHeight(header, 0, lh)
	}
	captionH := 0.0
	var caption []line
	if t.Caption != "" {
		caption = wrap(l.m, []Run{Bold(t.Caption)}, tableSize, textWidthPt)
		captionH = float64(len(caption))*lh + 2
	}
	rows := make([][]cellLines, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = l.rowLines(t, r, widths, false)
	}
	// Start on a new page unless the caption, header and first row fit.
	first := 0.0
	if len(rows) > 0 {
		first = min(rowHeight(rows[0], 0, lh), 4*lh)
	}
	l.ensure(captionH + headerH + first)
	for _, ln := range caption {
		l.drawLine(ln, contentLeft, l.y, textWidthPt, tableSize, Left, true, "404040")
		l.y += lh
	}
	if caption != nil {
		l.y += 2
	}
	if header != nil {
		l.drawRow(header, widths, 0, allLines, headerH, lh)
	}
	for _, r := range rows {
		from := 0
		for {
			h := rowHeight(r, from, lh)
			if l.y+h <= contentBot {
				l.drawRow(r, widths, from, allLines, h, lh)
				break
			}
			fresh := contentBot - contentTop - headerH
			if h <= fresh || contentBot-l.y < 2*lh+2*cellPadY {
				// Fits on a fresh page, or too little room left here.
				l.newPage()
				if header != nil {
					l.drawRow(header, widths, 0, allLines, headerH, lh)
				}
				if h <= fresh {
					continue
				}
			}
			k := int((contentBot - l.y - 2*cellPadY) / lh)
			k = max(k, 1)
			l.drawRow(r, widths, from, from+k, float64(k)*lh+2*cellPadY, lh)
			from += k
			l.newPage()
			if header != nil {
				l.drawRow(header, widths, 0, allLines, headerH, lh)
			}
		}
	}
	if spaceAfter {
		l.y += paraSpacing + 2
	} else {
		l.y += paraSpacing
	}
}

// allLines asks drawRow for every line of a row.
const allLines = 1 << 30

// drawRow draws lines [from, to) of each cell in a row of height h.
func (l *layout) drawRow(cells []cellLines, widths []float64, from, to int, h, lh float64) {
	x := contentLeft
	for i, c := range cells {
		w := widths[i]
		if c.c.FillColor.hex() != "" {
			l.add(op{Kind: opRect, X: x, Y: l.y, W: w, H: h, Fill: c.c.FillColor})
		}
		l.add(op{Kind: opRect, X: x, Y: l.y, W: w, H: h, Color: "808080", LineW: 0.5})
		y := l.y + cellPadY
		lines := c.lines
		if from < len(lines) {
			lines = lines[from:min(to, len(lines))]
		} else {
			lines = nil
		}
		// Vertically centre short cells.
		used := float64(len(lines)) * lh
		if rest := h - 2*cellPadY - used; rest > 0 && to >= allLines {
			y += rest / 2
		}
		for _, ln := range lines {
			l.drawLine(ln, x+cellPadX, y, w-2*cellPadX, tableSize, c.c.Align, c.c.Bold, c.c.TextColor)
			y += lh
		}
		x += w
	}
	l.y += h
}

func (l *layout) note(n *Note) {
	border, fill := noteColours(n.Kind)
	lh := l.lineHeight(bodySize)
	const pad, bar = 6.0, 3.0
	w := textWidthPt - 2*pad - bar
	var lines []line
	var titleLines int
	if n.Title != "" {
		lines = wrap(l.m, []Run{Bold(n.Title)}, bodySize, w)
		titleLines = len(lines)
	}
	lines = append(lines, wrap(l.m, n.Runs, bodySize, w)...)
	l.ensure(min(float64(len(lines)), 3)*lh + 2*pad)
	for i := 0; i < len(lines); {
		k := int((contentBot - l.y - 2*pad) / lh)
		if k < 1 {
			l.newPage()
			continue
		}
		k = min(k, len(lines)-i)
		h := float64(k)*lh + 2*pad
		l.add(op{Kind: opRect, X: contentLeft, Y: l.y, W: textWidthPt, H: h, Fill: fill})
		l.add(op{Kind: opRect, X: contentLeft, Y: l.y, W: bar, H: h, Fill: border})
		y := l.y + pad
		for j := i; j < i+k; j++ {
			l.drawLine(lines[j], contentLeft+bar+pad, y, w, bodySize, Left, j < titleLines, "")
			y += lh
		}
		l.y += h
		i += k
		if i < len(lines) {
			l.newPage()
		}
	}
	l.y += paraSpacing + 2
}

func (l *layout) image(im *Image) error {
	px, py, err := imageSize(im.PNG)
	if err != nil {
		return err
	}
	w, h := imageBox(im, px, py)
	capH := 0.0
	var caption []line
	lh := l.lineHeight(tableSize)
	if im.Caption != "" {
		caption = wrap(l.m, []Run{Bold(im.Caption)}, tableSize, textWidthPt)
		capH = float64(len(caption))*lh + 4
	}
	if maxH := contentBot - contentTop - capH; h > maxH {
		w, h = w*maxH/h, maxH
	}
	l.ensure(h + capH)
	l.images = append(l.images, im.PNG)
	l.add(op{Kind: opImage, X: contentLeft + (textWidthPt-w)/2, Y: l.y, W: w, H: h, Image: len(l.images) - 1})
	l.y += h + 4
	for _, ln := range caption {
		l.drawLine(ln, contentLeft, l.y, textWidthPt, tableSize, Center, true, "404040")
		l.y += lh
	}
	l.y += paraSpacing
	return nil
}

func (l *layout) cover() {
	l.newPage()
	l.cur().cover = true
	l.y = 230
	for _, ln := range wrap(l.m, []Run{Bold(l.d.Title)}, 26, textWidthPt) {
		l.drawLine(ln, contentLeft, l.y, textWidthPt, 26, Center, true, "1F3864")
		l.y += 26 * 1.4
	}
	l.add(op{Kind: opLine, X: contentLeft + textWidthPt/4, Y: l.y + 8, W: textWidthPt / 2, Color: "8EA9DB", LineW: 1.2})
	l.y += 20
	if l.d.Subtitle != "" {
		for _, ln := range wrap(l.m, []Run{Text(l.d.Subtitle)}, 15, textWidthPt) {
			l.drawLine(ln, contentLeft, l.y, textWidthPt, 15, Center, false, "404040")
			l.y += 15 * 1.5
		}
	}
	l.y = math.Max(l.y+40, 520)
	kw, vw := textWidthPt*0.3, textWidthPt*0.45
	x := contentLeft + (textWidthPt-kw-vw-12)/2
	for _, r := range l.d.coverRows(l.t) {
		kl := wrap(l.m, []Run{Bold(r.Key)}, 12, kw)
		vl := wrap(l.m, []Run{Text(r.Value)}, 12, vw)
		y := l.y
		for _, ln := range kl {
			l.drawLine(ln, x, y, kw, 12, Right, true, "404040")
			y += 18
		}
		y2 := l.y
		for _, ln := range vl {
			l.drawLine(ln, x+kw+12, y2, vw, 12, Left, false, "")
			y2 += 18
		}
		l.y = math.Max(y, y2) + 2
	}
}

func (l *layout) toc() {
	size := headingSizes[1]
	l.drawLine(wrap(l.m, []Run{Bold(l.t.Contents)}, size, textWidthPt)[0], contentLeft, l.y, textWidthPt, size, Left, true, "1F3864")
	l.y += l.lineHeight(size) + 8
	lh := l.lineHeight(bodySize) + 2
	for _, e := range l.outline {
		if e.Level > tocLevels {
			continue
		}
		indent := float64(e.Level-1) * 18
		bold := e.Level == 1
		avail := textWidthPt - indent - tocNumWidth
		lines := wrap(l.m, []Run{{Text: e.Label(), Bold: bold}}, bodySize, avail)
		l.ensure(float64(len(lines)) * lh)
		top := l.y
		for i, ln := range lines {
			l.drawLine(ln, contentLeft+indent, l.y, avail, bodySize, Left, false, "")
			if i == len(lines)-1 {
				// Dot leader from the end of the text to the number.
				num := "0"
				if n, ok := l.tocNumbers[e.ID]; ok {
					num = fmt.Sprint(n)
				}
				nw := l.textWidth(num, bodySize)
				start := contentLeft + indent + ln.width + 4
				end := contentLeft + textWidthPt - nw - 4
				unit := l.textWidth(". ", bodySize)
				if k := int((end - start) / unit); k > 0 {
					l.add(op{Kind: opText, X: end - float64(k)*unit, Y: l.y + (bodySize*lineFactor-bodySize)/2,
						W: float64(k) * unit, Text: strings.Repeat(". ", k), Size: bodySize, Color: "7F7F7F"})
				}
				l.drawLine(line{segs: []seg{{text: num, w: nw}}, width: nw}, contentLeft, l.y, textWidthPt, bodySize, Right, bold, "")
			}
			l.y += lh
		}
		l.add(op{Kind: opLink, X: contentLeft + indent, Y: top, W: textWidthPt - indent, H: l.y - top, Anchor: e.ID})
	}
}
