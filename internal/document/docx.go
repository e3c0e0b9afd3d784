package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	_ "image/png" // PNG decoding for image sizes
	"io"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/i18n"
)

// Page geometry shared by the DOCX and PDF writers: A4 with 25 mm top and
// bottom and 23 mm side margins, in twips (1/20 pt) as DOCX measures.
const (
	pageWidthTw  = 11906
	pageHeightTw = 16838
	marginTopTw  = 1417
	marginBotTw  = 1417
	marginSideTw = 1304
	textWidthTw  = pageWidthTw - 2*marginSideTw

	pageWidthPt  = pageWidthTw / 20.0
	pageHeightPt = pageHeightTw / 20.0
	marginTopPt  = marginTopTw / 20.0
	marginBotPt  = marginBotTw / 20.0
	marginSidePt = marginSideTw / 20.0
	textWidthPt  = textWidthTw / 20.0

	emuPerPt      = 12700
	mmPerPt       = 25.4 / 72
	docxTextWidth = textWidthTw
)

// Fonts named in the DOCX: Latin text in Calibri (Arial, Liberation Sans as
// fallbacks), Chinese text in Microsoft YaHei, which Word has on Windows; the
// font table names WenQuanYi Micro Hei as its alternative and declares the
// GB2312 character set, so LibreOffice on Linux picks an installed CJK font.
const (
	docxLatinFont = "Calibri"
	docxCJKFont   = "Microsoft YaHei"
)

// WriteDOCX writes d as a Word document (WordprocessingML in a zip).
func WriteDOCX(w io.Writer, d *Document) error {
	x := &docxWriter{d: d, t: textsFor(d.Lang), outline: d.outline()}
	body, err := x.body()
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	files := []struct{ name, content string }{
		{"[Content_Types].xml", x.contentTypes()},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", x.core()},
		{"docProps/app.xml", appXML},
		{"word/_rels/document.xml.rels", x.documentRels()},
		{"word/document.xml", body},
		{"word/styles.xml", x.styles()},
		{"word/numbering.xml", x.numbering()},
		{"word/settings.xml", settingsXML},
		{"word/fontTable.xml", fontTableXML},
		{"word/header1.xml", x.header()},
		{"word/footer1.xml", x.footer()},
	}
	for _, f := range files {
		fw, err := zw.Create(f.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, f.content); err != nil {
			return err
		}
	}
	for i, im := range x.images {
		// PNG data is already compressed: store it as is.
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("word/media/image%d.png", i+1), Method: zip.Store})
		if err != nil {
			return err
		}
		if _, err := fw.Write(im); err != nil {
			return err
		}
	}
	return zw.Close()
}

type docxWriter struct {
	d       *Document
	t       texts
	outline []entry
	b       strings.Builder
	images  [][]byte
	lists   int // numbered lists so far; each restarts at 1
	ids     int // drawing ids
	pages   map[string]int
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const nsW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// esc returns s escaped for XML character data and attributes.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(clean(s)))
	return b.String()
}

func (x *docxWriter) w(parts ...string) {
	for _, p := range parts {
		x.b.WriteString(p)
	}
}

func (x *docxWriter) body() (string, error) {
	x.b.Grow(64 << 10)
	x.w(xmlHeader, `<w:document `, nsW,
		` xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"`,
		` xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"`,
		` xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>`)
	if x.d.Cover {
		x.cover()
	} else {
		x.titleBlock()
	}
	if x.d.TOC && len(x.outline) > 0 {
		x.toc()
	}
	heading := 0
	for _, blk := range x.d.Blocks {
		switch b := blk.(type) {
		case *Heading:
			x.heading(b, x.outline[heading], heading)
			heading++
		case *Paragraph:
			x.paragraph(b.Runs, b.Align, "")
		case *List:
			x.list(b)
		case *Table:
			x.table(b)
		case *KeyValue:
			x.keyValue(b)
		case *Note:
			x.note(b)
		case *Image:
			if err := x.image(b); err != nil {
				return "", err
			}
		case PageBreak:
			x.w(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
		case nil:
		default:
			return "", fmt.Errorf("document: unknown block %T", blk)
		}
	}
	x.w(`<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:footerReference w:type="default" r:id="rIdFooter"/>`,
		fmt.Sprintf(`<w:pgSz w:w="%d" w:h="%d"/>`, pageWidthTw, pageHeightTw),
		fmt.Sprintf(`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="567" w:footer="567" w:gutter="0"/>`,
			marginTopTw, marginSideTw, marginBotTw, marginSideTw))
	if x.d.Cover {
		x.w(`<w:titlePg/>`) // no header or footer on the cover
	}
	x.w(`</w:sectPr></w:body></w:document>`)
	return x.b.String(), nil
}

// runs writes text runs; newlines become line breaks.
func (x *docxWriter) runs(rs []Run, extra string) {
	for _, r := range rs {
		rpr := extra
		if r.Bold {
			rpr += `<w:b/><w:bCs/>`
		}
		if r.Italic {
			rpr += `<w:i/><w:iCs/>`
		}
		x.text(r.Text, rpr)
	}
}

func (x *docxWriter) text(s, rpr string) {
	s = clean(s)
	x.w(`<w:r>`)
	if rpr != "" {
		x.w(`<w:rPr>`, rpr, `</w:rPr>`)
	}
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			x.w(`<w:br/>`)
		}
		if line != "" {
			x.w(`<w:t xml:space="preserve">`, esc(line), `</w:t>`)
		}
	}
	x.w(`</w:r>`)
}

func jc(a Align) string {
	switch a {
	case Center:
		return `<w:jc w:val="center"/>`
	case Right:
		return `<w:jc w:val="right"/>`
	}
	return ""
}

func (x *docxWriter) paragraph(rs []Run, a Align, style string) {
	x.w(`<w:p>`)
	if style != "" || a != Left {
		x.w(`<w:pPr>`)
		if style != "" {
			x.w(`<w:pStyle w:val="`, style, `"/>`)
		}
		x.w(jc(a), `</w:pPr>`)
	}
	x.runs(rs, "")
	x.w(`</w:p>`)
}

func (x *docxWriter) cover() {
	for i := 0; i < 6; i++ {
		x.w(`<w:p/>`)
	}
	x.paragraph([]Run{Text(x.d.Title)}, Center, "Title")
	if x.d.Subtitle != "" {
		x.paragraph([]Run{Text(x.d.Subtitle)}, Center, "Subtitle")
	}
	for i := 0; i < 6; i++ {
		x.w(`<w:p/>`)
	}
	if rows := x.d.coverRows(x.t); len(rows) > 0 {
		x.w(`<w:tbl><w:tblPr><w:tblW w:w="4000" w:type="pct"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr>`)
		kw, vw := docxTextWidth*8/10*3/10, docxTextWidth*8/10*7/10
		x.w(fmt.Sprintf(`<w:tblGrid><w:gridCol w:w="%d"/><w:gridCol w:w="%d"/></w:tblGrid>`, kw, vw))
		for _, r := range rows {
			x.w(`<w:tr>`)
			x.w(fmt.Sprintf(`<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, kw))
			x.paragraph([]Run{Bold(r.Key)}, Right, "CoverMeta")
			x.w(`</w:tc>`, fmt.Sprintf(`<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, vw))
			x.paragraph([]Run{Text(r.Value)}, Left, "CoverMeta")
			x.w(`</w:tc></w:tr>`)
		}
		x.w(`</w:tbl>`)
	}
	x.w(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
}

// titleBlock heads the first page of a document without a cover.
func (x *docxWriter) titleBlock() {
	meta := x.d.metaLine(x.t)
	if x.d.Title == "" && x.d.Subtitle == "" && meta == "" {
		return
	}
	x.paragraph([]Run{Text(x.d.Title)}, Left, "DocTitle")
	if x.d.Subtitle != "" {
		x.paragraph([]Run{Text(x.d.Subtitle)}, Left, "DocSubtitle")
	}
	x.paragraph([]Run{Text(meta)}, Left, "DocMeta")
}

// toc writes a TOC field whose cached result already lists the headings,
// so a converter that does not update fields still shows the contents;
// Word refreshes it (and the page numbers) on opening, as settings.xml asks.
// Page numbers come from PAGEREF fields to the heading bookmarks.
func (x *docxWriter) toc() {
	x.paragraph([]Run{Text(x.t.Contents)}, Left, "TOCHeading")
	var entries []entry
	for _, e := range x.outline {
		if e.Level <= tocLevels {
			entries = append(entries, e)
		}
	}
	for i, e := range entries {
		x.w(fmt.Sprintf(`<w:p><w:pPr><w:pStyle w:val="TOC%d"/></w:pPr>`, e.Level))
		if i == 0 {
			x.w(`<w:r><w:fldChar w:fldCharType="begin"/></w:r>`,
				`<w:r><w:instrText xml:space="preserve"> TOC \o "1-`, fmt.Sprint(tocLevels), `" \h \z \u </w:instrText></w:r>`,
				`<w:r><w:fldChar w:fldCharType="separate"/></w:r>`)
		}
		x.w(`<w:hyperlink w:anchor="`, bookmark(e), `" w:history="1">`)
		x.text(e.Label(), "")
		x.w(`<w:r><w:tab/></w:r>`,
			`<w:r><w:fldChar w:fldCharType="begin"/></w:r>`,
			`<w:r><w:instrText xml:space="preserve"> PAGEREF `, bookmark(e), ` \h </w:instrText></w:r>`,
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r>`,
			`<w:r><w:t>`, fmt.Sprint(x.estimatePage(e)), `</w:t></w:r>`,
			`<w:r><w:fldChar w:fldCharType="end"/></w:r>`,
			`</w:hyperlink>`)
		if i == len(entries)-1 {
			x.w(`<w:r><w:fldChar w:fldCharType="end"/></w:r>`)
		}
		x.w(`</w:p>`)
	}
	x.w(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
}

// estimatePage is the cached page number of a table-of-contents entry
// until Word or LibreOffice recomputes it: where the PDF layout, with
// approximate character widths, puts the heading.
func (x *docxWriter) estimatePage(e entry) int {
	if x.pages == nil {
		x.pages = map[string]int{}
		if l, err := run(x.d, approxMetrics{}, nil); err == nil {
			x.pages = l.headingPage
		}
	}
	return max(x.pages[e.ID], 1)
}

func bookmark(e entry) string { return "_Toc" + e.ID }

func (x *docxWriter) heading(h *Heading, e entry, i int) {
	x.w(fmt.Sprintf(`<w:p><w:pPr><w:pStyle w:val="Heading%d"/></w:pPr>`, e.Level),
		fmt.Sprintf(`<w:bookmarkStart w:id="%d" w:name="%s"/>`, i+1, bookmark(e)))
	x.text(e.Label(), "")
	x.w(fmt.Sprintf(`<w:bookmarkEnd w:id="%d"/></w:p>`, i+1))
}

func (x *docxWriter) list(l *List) {
	num := 1 // bullets
	if l.Ordered {
		x.lists++
		num = 1 + x.lists
	}
	for _, it := range l.Items {
		x.w(fmt.Sprintf(`<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="%d"/></w:numPr></w:pPr>`, num))
		x.runs(it, "")
		x.w(`</w:p>`)
	}
}

const tableBorders = `<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:left w:val="single" w:sz="4" w:space="0" w:color="808080"/>` +
	`<w:bottom w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:right w:val="single" w:sz="4" w:space="0" w:color="808080"/>` +
	`<w:insideH w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="808080"/></w:tblBorders>`

func (x *docxWriter) table(t *Table) {
	n := t.columns()
	if n == 0 || len(t.Header)+len(t.Rows) == 0 {
		return // Word rejects a table without rows
	}
	if t.Caption != "" {
		x.paragraph([]Run{Text(t.Caption)}, Left, "Caption")
	}
	fr := t.fractions()
	widths := make([]int, n)
	for i, f := range fr {
		widths[i] = int(f * float64(docxTextWidth))
	}
	x.w(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="`, fmt.Sprint(docxTextWidth), `" w:type="dxa"/>`,
		tableBorders, `<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, wd := range widths {
		x.w(`<w:gridCol w:w="`, fmt.Sprint(wd), `"/>`)
	}
	x.w(`</w:tblGrid>`)
	if len(t.Header) > 0 {
		x.row(t, t.Header, widths, true)
	}
	for _, r := range t.Rows {
		x.row(t, r, widths, false)
	}
	x.w(`</w:tbl>`)
	x.w(`<w:p><w:pPr><w:pStyle w:val="AfterTable"/></w:pPr></w:p>`)
}

func (x *docxWriter) row(t *Table, row []Cell, widths []int, header bool) {
	x.w(`<w:tr><w:trPr><w:cantSplit/>`)
	if header {
		x.w(`<w:tblHeader/>`)
	}
	x.w(`</w:trPr>`)
	for i, wd := range widths {
		c := t.cell(row, i)
		if header {
			c.Bold = true
			if c.FillColor == "" {
				c.FillColor = HeaderFill
			}
		}
		x.cell(c, wd)
	}
	x.w(`</w:tr>`)
}

func (x *docxWriter) cell(c Cell, width int) {
	x.w(`<w:tc><w:tcPr><w:tcW w:w="`, fmt.Sprint(width), `" w:type="dxa"/>`)
	if h := c.FillColor.hex(); h != "" {
		x.w(`<w:shd w:val="clear" w:color="auto" w:fill="`, h, `"/>`)
	}
	x.w(`<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/>`, jc(c.Align), `</w:pPr>`)
	rpr := ""
	if c.Bold {
		rpr += `<w:b/><w:bCs/>`
	}
	if h := c.TextColor.hex(); h != "" {
		rpr += `<w:color w:val="` + h + `"/>`
	}
	x.text(c.Text, rpr)
	x.w(`</w:p></w:tc>`)
}

func (x *docxWriter) keyValue(kv *KeyValue) {
	if len(kv.Pairs) == 0 {
		return
	}
	t := &Table{Columns: []Column{{Width: 3}, {Width: 7}}}
	for _, p := range kv.Pairs {
		t.Row(C(p.Key).B().Fill(LightGrey), C(p.Value))
	}
	x.table(t)
}

func (x *docxWriter) note(n *Note) {
	colour, fill := noteColours(n.Kind)
	ppr := `<w:pPr><w:pStyle w:val="Note"/><w:pBdr><w:left w:val="single" w:sz="24" w:space="8" w:color="` + string(colour) +
		`"/></w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="` + string(fill) + `"/></w:pPr>`
	if n.Title != "" {
		x.w(`<w:p>`, ppr)
		x.text(n.Title, `<w:b/><w:bCs/>`)
		x.w(`</w:p>`)
	}
	x.w(`<w:p>`, ppr)
	x.runs(n.Runs, "")
	x.w(`</w:p>`)
}

func noteColours(k NoteKind) (border, fill Color) {
	if k == Warning {
		return LevelOrange, "FDF0E1"
	}
	return LevelBlue, "EAF2FB"
}

// imageSize returns the pixel size of a PNG or an error naming the problem.
func imageSize(png []byte) (w, h int, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(png))
	if err != nil {
		return 0, 0, fmt.Errorf("document: image is not a readable PNG: %w", err)
	}
	if format != "png" {
		return 0, 0, fmt.Errorf("document: image is %s, PNG is needed", format)
	}
	if cfg.Width == 0 || cfg.Height == 0 {
		return 0, 0, fmt.Errorf("document: image has no pixels")
	}
	return cfg.Width, cfg.Height, nil
}

// imageBox returns the displayed size of an image in points.
func imageBox(im *Image, px, py int) (w, h float64) {
	w = textWidthPt
	if im.Width > 0 {
		w = min(im.Width/mmPerPt, textWidthPt)
	}
	return w, w * float64(py) / float64(px)
}

func (x *docxWriter) image(im *Image) error {
	px, py, err := imageSize(im.PNG)
	if err != nil {
		return err
	}
	x.images = append(x.images, im.PNG)
	n := len(x.images)
	x.ids++
	w, h := imageBox(im, px, py)
	cx, cy := int(w*emuPerPt), int(h*emuPerPt)
	x.w(`<w:p><w:pPr><w:keepNext/><w:spacing w:after="80" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">`,
		fmt.Sprintf(`<wp:extent cx="%d" cy="%d"/><wp:docPr id="%d" name="Picture %d"/>`, cx, cy, x.ids, x.ids),
		`<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>`,
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>`,
		fmt.Sprintf(`<pic:nvPicPr><pic:cNvPr id="%d" name="image%d.png"/><pic:cNvPicPr/></pic:nvPicPr>`, x.ids, n),
		fmt.Sprintf(`<pic:blipFill><a:blip r:embed="rIdImage%d"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`, n),
		fmt.Sprintf(`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`, cx, cy),
		`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`)
	if im.Caption != "" {
		x.paragraph([]Run{Text(im.Caption)}, Center, "Caption")
	}
	return nil
}

func (x *docxWriter) header() string {
	return xmlHeader + `<w:hdr ` + nsW + `><w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="right"/></w:pPr>` +
		`<w:r><w:t xml:space="preserve">` + esc(x.d.Title) + `</w:t></w:r></w:p></w:hdr>`
}

func (x *docxWriter) footer() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<w:ftr ` + nsW + `><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>`)
	lit := func(s string) {
		if s != "" {
			b.WriteString(`<w:r><w:t xml:space="preserve">` + esc(s) + `</w:t></w:r>`)
		}
	}
	lit(x.t.PageBefore)
	b.WriteString(`<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>`)
	lit(x.t.PageMiddle)
	b.WriteString(`<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>`)
	lit(x.t.PageAfter)
	b.WriteString(`</w:p></w:ftr>`)
	return b.String()
}

func (x *docxWriter) contentTypes() string {
	return xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Default Extension="png" ContentType="image/png"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
		`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
		`<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>` +
		`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
		`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
		`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
		`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
		`</Types>`
}

const rootRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const appXML = xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Continuo</Application></Properties>`

func (x *docxWriter) documentRels() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	rel := func(id, typ, target string) {
		b.WriteString(`<Relationship Id="` + id + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/` + typ + `" Target="` + target + `"/>`)
	}
	rel("rIdStyles", "styles", "styles.xml")
	rel("rIdNumbering", "numbering", "numbering.xml")
	rel("rIdSettings", "settings", "settings.xml")
	rel("rIdFonts", "fontTable", "fontTable.xml")
	rel("rIdHeader", "header", "header1.xml")
	rel("rIdFooter", "footer", "footer1.xml")
	for i := range x.images {
		rel(fmt.Sprintf("rIdImage%d", i+1), "image", fmt.Sprintf("media/image%d.png", i+1))
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

func (x *docxWriter) core() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString(`<dc:title>` + esc(x.d.Title) + `</dc:title>`)
	if x.d.Subtitle != "" {
		b.WriteString(`<dc:subject>` + esc(x.d.Subtitle) + `</dc:subject>`)
	}
	if x.d.Meta.Organisation != "" {
		b.WriteString(`<dc:creator>` + esc(x.d.Meta.Organisation) + `</dc:creator>`)
	}
	b.WriteString(`<dc:language>` + esc(string(x.d.Lang)) + `</dc:language>`)
	if x.d.Meta.Version != "" {
		b.WriteString(`<cp:version>` + esc(x.d.Meta.Version) + `</cp:version>`)
	}
	if !x.d.Meta.Date.IsZero() {
		b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + x.d.Meta.Date.UTC().Format(time.RFC3339) + `</dcterms:created>`)
	}
	b.WriteString(`</cp:coreProperties>`)
	return b.String()
}

func (x *docxWriter) numbering() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<w:numbering ` + nsW + `>`)
	b.WriteString(`<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>` +
		`<w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="283"/></w:pPr>` +
		`<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/></w:rPr></w:lvl></w:abstractNum>`)
	b.WriteString(`<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>` +
		`<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="397"/></w:pPr></w:lvl></w:abstractNum>`)
	b.WriteString(`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`)
	for i := 1; i <= x.lists; i++ {
		fmt.Fprintf(&b, `<w:num w:numId="%d"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>`, i+1)
	}
	b.WriteString(`</w:numbering>`)
	return b.String()
}

const settingsXML = xmlHeader + `<w:settings ` + nsW + `><w:defaultTabStop w:val="420"/>` +
	`<w:characterSpacingControl w:val="compressPunctuation"/><w:updateFields w:val="true"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`

const fontTableXML = xmlHeader + `<w:fonts ` + nsW + `>` +
	`<w:font w:name="Calibri"><w:altName w:val="Carlito"/><w:panose1 w:val="020F0502020204030204"/><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="Microsoft YaHei"><w:altName w:val="WenQuanYi Micro Hei"/><w:panose1 w:val="020B0503020204020204"/><w:charset w:val="86"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="Arial"><w:altName w:val="Liberation Sans"/><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>` +
	`</w:fonts>`

func (x *docxWriter) styles() string {
	lang := `<w:lang w:val="en-GB" w:eastAsia="zh-CN" w:bidi="ar-SA"/>`
	if x.d.Lang == i18n.ZH {
		lang = `<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>`
	}
	fonts := `<w:rFonts w:ascii="` + docxLatinFont + `" w:hAnsi="` + docxLatinFont + `" w:eastAsia="` + docxCJKFont + `" w:cs="Arial"/>`
	tab := fmt.Sprint(docxTextWidth)
	// Body text, lists, notes and table cells use exact line heights equal
	// to the PDF's (1.5 × the type size), so Word, LibreOffice and the PDF
	// paginate alike; every other style resets to single spacing.
	para := func(id, name, ppr, rpr string, extra string) string {
		if !strings.Contains(ppr, "w:line=") {
			ppr = strings.Replace(ppr, "<w:spacing ", `<w:spacing w:line="240" w:lineRule="auto" `, 1)
		}
		return `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
			extra + `<w:qFormat/><w:pPr>` + ppr + `</w:pPr><w:rPr>` + rpr + `</w:rPr></w:style>`
	}
	heading := func(n int, size int, before, after int) string {
		return para(fmt.Sprintf("Heading%d", n), fmt.Sprintf("heading %d", n),
			fmt.Sprintf(`<w:keepNext/><w:keepLines/><w:spacing w:before="%d" w:after="%d"/><w:outlineLvl w:val="%d"/>`, before, after, n-1),
			fmt.Sprintf(`<w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="%d"/><w:szCs w:val="%d"/>`, size, size), `<w:uiPriority w:val="9"/>`)
	}
	toc := func(n int) string {
		return para(fmt.Sprintf("TOC%d", n), fmt.Sprintf("toc %d", n),
			fmt.Sprintf(`<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="%s"/></w:tabs><w:spacing w:before="60" w:after="60"/><w:ind w:left="%d"/>`, tab, (n-1)*420),
			map[bool]string{true: `<w:b/><w:bCs/>`, false: ``}[n == 1], `<w:uiPriority w:val="39"/>`)
	}
	return xmlHeader + `<w:styles ` + nsW + `>` +
		`<w:docDefaults><w:rPrDefault><w:rPr>` + fonts + `<w:sz w:val="21"/><w:szCs w:val="21"/>` + lang + `</w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="300" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="120" w:line="315" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:style>` +
		heading(1, 32, 360, 160) + heading(2, 28, 280, 120) + heading(3, 24, 200, 100) +
		para("Title", "Title", `<w:spacing w:after="240"/><w:jc w:val="center"/>`, `<w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="52"/><w:szCs w:val="52"/>`, "") +
		para("Subtitle", "Subtitle", `<w:spacing w:after="240"/><w:jc w:val="center"/>`, `<w:color w:val="404040"/><w:sz w:val="32"/><w:szCs w:val="32"/>`, "") +
		para("DocTitle", "Document Title", `<w:keepNext/><w:spacing w:after="80"/><w:jc w:val="left"/>`, `<w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="40"/><w:szCs w:val="40"/>`, "") +
		para("DocSubtitle", "Document Subtitle", `<w:keepNext/><w:spacing w:after="80"/><w:jc w:val="left"/>`, `<w:color w:val="404040"/><w:sz w:val="26"/><w:szCs w:val="26"/>`, "") +
		para("DocMeta", "Document Meta", `<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="4" w:color="8EA9DB"/></w:pBdr><w:spacing w:after="240"/><w:jc w:val="left"/>`, `<w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/>`, "") +
		para("CoverMeta", "Cover Meta", `<w:spacing w:before="40" w:after="40"/><w:jc w:val="left"/>`, `<w:sz w:val="24"/><w:szCs w:val="24"/>`, "") +
		para("TOCHeading", "TOC Heading", `<w:keepNext/><w:spacing w:before="240" w:after="240"/>`, `<w:b/><w:bCs/><w:color w:val="1F3864"/><w:sz w:val="32"/><w:szCs w:val="32"/>`, "") +
		toc(1) + toc(2) + toc(3) +
		para("Caption", "caption", `<w:keepNext/><w:spacing w:before="120" w:after="60"/><w:jc w:val="left"/>`, `<w:b/><w:bCs/><w:color w:val="404040"/><w:sz w:val="19"/><w:szCs w:val="19"/>`, "") +
		para("ListParagraph", "List Paragraph", `<w:spacing w:after="0" w:line="315" w:lineRule="exact"/><w:ind w:left="567"/><w:contextualSpacing/><w:jc w:val="left"/>`, "", "") +
		para("TableText", "Table Text", `<w:spacing w:before="0" w:after="0" w:line="285" w:lineRule="exact"/><w:jc w:val="left"/>`, `<w:sz w:val="19"/><w:szCs w:val="19"/>`, "") +
		para("AfterTable", "After Table", `<w:spacing w:before="0" w:after="120" w:line="120" w:lineRule="exact"/>`, `<w:sz w:val="8"/>`, "") +
		para("Note", "Note", `<w:spacing w:before="0" w:after="0" w:line="315" w:lineRule="exact"/><w:ind w:left="227" w:right="227"/><w:jc w:val="left"/>`, "", "") +
		para("Header", "header", `<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="A6A6A6"/></w:pBdr><w:spacing w:after="0"/>`, `<w:color w:val="7F7F7F"/><w:sz w:val="17"/><w:szCs w:val="17"/>`, "") +
		para("Footer", "footer", `<w:spacing w:after="0"/>`, `<w:color w:val="7F7F7F"/><w:sz w:val="17"/><w:szCs w:val="17"/>`, "") +
		`<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr>` + tableBorders +
		`<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
		`</w:styles>`
}
