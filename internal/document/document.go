// Package document is Continuo's one document engine: reports and plan
// exports describe their content once as a Document, and WriteDOCX,
// WritePDF and WriteHTML render it as a Word file, a PDF and a single
// self-contained HTML page.
//
// A Document is a title, metadata for the cover page and a list of blocks:
// headings (numbered "1", "1.2", "1.2.3" when NumberHeadings is set),
// paragraphs of plain, bold and italic runs, lists, tables, key–value
// blocks, notes, images and page breaks. Text is plain text everywhere;
// each writer escapes it for its format.
//
//	d := document.New(i18n.ZH, "风险评估报告")
//	d.Subtitle = "2026 年度"
//	d.Meta = document.Meta{Organisation: "星联物流集团", Version: "1.0", Date: time.Now()}
//	d.Cover, d.TOC, d.NumberHeadings = true, true, true
//	d.H1("概述")
//	d.P("本报告汇总了 ", document.Bold("42"), " 项风险。")
//	d.Bullets("自然灾害", "信息安全")
//	t := d.Table("风险", "等级").Widths(3, 1)
//	t.Row(document.C("数据中心断电"), document.C("重大").Fill(document.LevelRed).Color(document.White))
//	d.Note("说明", "等级按 5×5 矩阵评定。")
//	err := document.WriteDOCX(w, d)
//
// PDF output needs a CJK TrueType font: LoadFonts finds one (or reads the
// file given by --pdf-font) once, and the result is shared by every
// WritePDF call.
package document

import (
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/i18n"
)

// Document is one report or plan to render.
type Document struct {
	Lang     i18n.Lang // language of the fixed texts (contents, page x of y, cover labels)
	Title    string
	Subtitle string
	Meta     Meta
	// Cover puts the title, subtitle and metadata on a page of their own.
	Cover bool
	// TOC adds a table of contents of the level 1 and 2 headings (after
	// the cover page).
	TOC bool
	// NumberHeadings prefixes headings with "1", "1.2", "1.2.3".
	NumberHeadings bool
	Blocks         []Block
}

// Meta is shown on the cover page (and in the document properties).
type Meta struct {
	Organisation   string
	Version        string
	Status         string
	Date           time.Time // zero: not shown
	Classification string    // e.g. 内部 / Internal
	Owner          string
}

// Block is one element of the document body: *Heading, *Paragraph, *List,
// *Table, *KeyValue, *Note, *Image or PageBreak.
type Block interface{ isBlock() }

// Heading is a chapter (level 1), section (2) or subsection (3) title.
type Heading struct {
	Level int // 1–3
	Text  string
}

// Align is the horizontal alignment of text.
type Align int

// Alignments; the zero value is left.
const (
	Left Align = iota
	Center
	Right
)

// Run is a piece of text with one style.
type Run struct {
	Text   string
	Bold   bool
	Italic bool
}

// Text returns a plain run.
func Text(s string) Run { return Run{Text: s} }

// Bold returns a bold run.
func Bold(s string) Run { return Run{Text: s, Bold: true} }

// Italic returns an italic run.
func Italic(s string) Run { return Run{Text: s, Italic: true} }

// Paragraph is a block of running text.
type Paragraph struct {
	Runs  []Run
	Align Align
}

// List is a bulleted or numbered list; each item is a line of runs.
type List struct {
	Ordered bool
	Items   [][]Run
}

// Color is an RGB colour as six hexadecimal digits ("C00000"); empty
// means none.
type Color string

// Colours for risk and warning levels (红/橙/黄/蓝) and common fills.
const (
	LevelRed    Color = "D9363E"
	LevelOrange Color = "F08C2E"
	LevelYellow Color = "F5D04C"
	LevelBlue   Color = "4A8FE0"
	LevelGreen  Color = "5CB85C"
	White       Color = "FFFFFF"
	Black       Color = "000000"
	HeaderFill  Color = "DCE6F1"
	LightGrey   Color = "F2F2F2"
)

// rgb returns the components of c and whether c is a valid colour.
func (c Color) rgb() (r, g, b uint8, ok bool) {
	s := strings.TrimPrefix(string(c), "#")
	if len(s) != 6 {
		return 0, 0, 0, false
	}
	var v [3]uint8
	for i := 0; i < 3; i++ {
		hi, ok1 := hexDigit(s[2*i])
		lo, ok2 := hexDigit(s[2*i+1])
		if !ok1 || !ok2 {
			return 0, 0, 0, false
		}
		v[i] = hi<<4 | lo
	}
	return v[0], v[1], v[2], true
}

// hex returns the colour as upper-case hex digits, or "" when invalid.
func (c Color) hex() string {
	if _, _, _, ok := c.rgb(); !ok {
		return ""
	}
	return strings.ToUpper(strings.TrimPrefix(string(c), "#"))
}

func hexDigit(b byte) (uint8, bool) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', true
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10, true
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, true
	}
	return 0, false
}

// Column describes one table column.
type Column struct {
	Width float64 // relative width; columns without one share equally
	Align Align   // default alignment of the column's cells
}

// Cell is one table cell. Use C and its chained setters to build one.
type Cell struct {
	Text      string
	Bold      bool
	FillColor Color // background
	TextColor Color // text colour; default black
	Align     Align
	alignSet  bool
}

// C returns a cell holding s.
func C(s string) Cell { return Cell{Text: s} }

// Fill returns the cell with background colour c.
func (c Cell) Fill(col Color) Cell { c.FillColor = col; return c }

// Color returns the cell with text colour col.
func (c Cell) Color(col Color) Cell { c.TextColor = col; return c }

// B returns the cell in bold.
func (c Cell) B() Cell { c.Bold = true; return c }

// Aligned returns the cell with alignment a, overriding the column's.
func (c Cell) Aligned(a Align) Cell { c.Align, c.alignSet = a, true; return c }

// Table is a grid with an optional header row, repeated at the top of
// every page the table runs onto.
type Table struct {
	Columns []Column
	Header  []Cell
	Rows    [][]Cell
	Caption string // shown above the table
}

// Widths sets the relative column widths.
func (t *Table) Widths(ratios ...float64) *Table {
	t.ensureColumns(len(ratios))
	for i, r := range ratios {
		t.Columns[i].Width = r
	}
	return t
}

// Align sets the alignment of the columns' cells, in column order.
func (t *Table) Align(aligns ...Align) *Table {
	t.ensureColumns(len(aligns))
	for i, a := range aligns {
		t.Columns[i].Align = a
	}
	return t
}

// Row appends a row of cells.
func (t *Table) Row(cells ...Cell) *Table {
	t.Rows = append(t.Rows, cells)
	return t
}

// TextRow appends a row of plain cells.
func (t *Table) TextRow(texts ...string) *Table {
	cells := make([]Cell, len(texts))
	for i, s := range texts {
		cells[i] = C(s)
	}
	return t.Row(cells...)
}

// Titled sets the caption shown above the table.
func (t *Table) Titled(caption string) *Table { t.Caption = caption; return t }

func (t *Table) ensureColumns(n int) {
	for len(t.Columns) < n {
		t.Columns = append(t.Columns, Column{})
	}
}

// columns returns the number of columns: the widest of header, rows and
// column definitions.
func (t *Table) columns() int {
	n := max(len(t.Columns), len(t.Header))
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	return n
}

// fractions returns each column's share of the table width (summing to 1).
func (t *Table) fractions() []float64 {
	n := t.columns()
	out := make([]float64, n)
	var total float64
	var set int
	for i := 0; i < n; i++ {
		if i < len(t.Columns) && t.Columns[i].Width > 0 {
			out[i] = t.Columns[i].Width
			total += out[i]
			set++
		}
	}
	def := 1.0
	if set > 0 {
		def = total / float64(set)
	}
	total = 0
	for i := range out {
		if out[i] == 0 {
			out[i] = def
		}
		total += out[i]
	}
	for i := range out {
		out[i] /= total
	}
	return out
}

// cell returns the cell at row r, column i (row -1 is the header), padded
// with empty cells, with the column alignment applied.
func (t *Table) cell(row []Cell, i int) Cell {
	var c Cell
	if i < len(row) {
		c = row[i]
	}
	if !c.alignSet && i < len(t.Columns) {
		c.Align = t.Columns[i].Align
	}
	return c
}

// KV is one key–value pair.
type KV struct{ Key, Value string }

// KeyValue is a two-column list of labelled values (e.g. plan owner,
// review date).
type KeyValue struct{ Pairs []KV }

// NoteKind selects how a note is highlighted.
type NoteKind int

// Note kinds.
const (
	Info NoteKind = iota
	Warning
)

// Note is a highlighted box with an optional title.
type Note struct {
	Kind  NoteKind
	Title string
	Runs  []Run
}

// Image is a PNG picture (for example a heatmap) shown at Width
// millimetres (0: the full text width), with an optional caption below.
type Image struct {
	PNG     []byte
	Width   float64
	Caption string
}

// PageBreak starts a new page.
type PageBreak struct{}

func (*Heading) isBlock()   {}
func (*Paragraph) isBlock() {}
func (*List) isBlock()      {}
func (*Table) isBlock()     {}
func (*KeyValue) isBlock()  {}
func (*Note) isBlock()      {}
func (*Image) isBlock()     {}
func (PageBreak) isBlock()  {}

// New returns an empty document in lang with a title.
func New(lang i18n.Lang, title string) *Document { return &Document{Lang: lang, Title: title} }

// Add appends blocks.
func (d *Document) Add(b ...Block) { d.Blocks = append(d.Blocks, b...) }

// H1 appends a chapter heading.
func (d *Document) H1(text string) *Heading { return d.heading(1, text) }

// H2 appends a section heading.
func (d *Document) H2(text string) *Heading { return d.heading(2, text) }

// H3 appends a subsection heading.
func (d *Document) H3(text string) *Heading { return d.heading(3, text) }

func (d *Document) heading(level int, text string) *Heading {
	h := &Heading{Level: level, Text: text}
	d.Add(h)
	return h
}

// P appends a paragraph; parts are strings (plain text) or Runs.
func (d *Document) P(parts ...any) *Paragraph {
	p := &Paragraph{Runs: runs(parts)}
	d.Add(p)
	return p
}

func runs(parts []any) []Run {
	out := make([]Run, 0, len(parts))
	for _, p := range parts {
		switch v := p.(type) {
		case Run:
			out = append(out, v)
		case []Run:
			out = append(out, v...)
		case string:
			out = append(out, Text(v))
		default:
			panic("document: paragraph part must be a string or a Run")
		}
	}
	return out
}

// Bullets appends a bulleted list of plain items.
func (d *Document) Bullets(items ...string) *List { return d.list(false, items) }

// Numbered appends a numbered list of plain items.
func (d *Document) Numbered(items ...string) *List { return d.list(true, items) }

func (d *Document) list(ordered bool, items []string) *List {
	l := &List{Ordered: ordered}
	for _, s := range items {
		l.Items = append(l.Items, []Run{Text(s)})
	}
	d.Add(l)
	return l
}

// Item appends an item of styled runs (strings or Runs).
func (l *List) Item(parts ...any) *List { l.Items = append(l.Items, runs(parts)); return l }

// Table appends a table with a header row of the given titles (none: no
// header); add rows with Row or TextRow.
func (d *Document) Table(header ...string) *Table {
	t := &Table{}
	for _, h := range header {
		t.Header = append(t.Header, C(h))
	}
	d.Add(t)
	return t
}

// KV appends a key–value block from alternating keys and values.
func (d *Document) KV(keyValues ...string) *KeyValue {
	kv := &KeyValue{}
	for i := 0; i+1 < len(keyValues); i += 2 {
		kv.Pairs = append(kv.Pairs, KV{keyValues[i], keyValues[i+1]})
	}
	d.Add(kv)
	return kv
}

// Note appends an information note; parts are strings or Runs.
func (d *Document) Note(title string, parts ...any) *Note {
	n := &Note{Title: title, Runs: runs(parts)}
	d.Add(n)
	return n
}

// Warn appends a warning note; parts are strings or Runs.
func (d *Document) Warn(title string, parts ...any) *Note {
	n := d.Note(title, parts...)
	n.Kind = Warning
	return n
}

// Image appends a PNG image widthMM millimetres wide (0: text width).
func (d *Document) Image(png []byte, widthMM float64, caption string) *Image {
	im := &Image{PNG: png, Width: widthMM, Caption: caption}
	d.Add(im)
	return im
}

// PageBreak starts a new page.
func (d *Document) PageBreak() { d.Add(PageBreak{}) }
