package document

import (
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/signintech/gopdf"
)

// WritePDF writes d as an A4 PDF with the CJK font f embedded (only the
// glyphs used). The contents list real page numbers: the document is laid
// out twice, first to find the pages, then to print them.
//
// The font has one weight and no italic: bold text is drawn with a slight
// double strike, italic text is set upright.
func WritePDF(w io.Writer, d *Document, f *Fonts) error {
	if f == nil {
		return errors.New("document: PDF export needs a font: " + ErrNoFont.Error())
	}
	l, err := pageNumbers(d, f.metrics)
	if err != nil {
		return err
	}
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageWidthPt, H: pageHeightPt}})
	// Page streams are mostly text: the fastest level compresses them
	// nearly as well as the default and takes a third of the time.
	gp.SetCompressLevel(zlib.BestSpeed)
	if err := gp.AddTTFFontFromFontContainer(f.family, f.container); err != nil {
		return fmt.Errorf("document: PDF font: %w", err)
	}
	info := gopdf.PdfInfo{Title: clean(d.Title), Subject: clean(d.Subtitle), Author: clean(d.Meta.Organisation), Creator: "Continuo", Producer: "Continuo"}
	if !d.Meta.Date.IsZero() {
		info.CreationDate = d.Meta.Date
	}
	gp.SetInfo(info)
	r := &pdfRenderer{gp: gp, f: f, l: l}
	total := len(l.pages)
	for i, p := range l.pages {
		gp.AddPage()
		r.size, r.colour = 0, "-"
		if r.spacing != 0 {
			gp.SetCharSpacing(0)
			r.spacing = 0
		}
		if !p.cover {
			if err := r.frame(i+1, total); err != nil {
				return err
			}
		}
		for _, o := range p.ops {
			if err := r.draw(o); err != nil {
				return err
			}
		}
	}
	r.finishOutline()
	_, err = gp.WriteTo(w)
	return err
}

type pdfRenderer struct {
	gp      *gopdf.GoPdf
	f       *Fonts
	l       *layout
	size    float64
	colour  Color
	spacing float64
	// outline nodes by level, to nest bookmarks under their chapter.
	roots []*gopdf.OutlineNode
	open  [4]*gopdf.OutlineNode
}

func (r *pdfRenderer) setFont(size float64, c Color) error {
	if size != r.size {
		if err := r.gp.SetFont(r.f.family, "", size); err != nil {
			return err
		}
		r.size = size
	}
	if c == "" {
		c = Black
	}
	if c != r.colour {
		cr, cg, cb, _ := c.rgb()
		r.gp.SetTextColor(cr, cg, cb)
		r.colour = c
	}
	return nil
}

// printable replaces characters the font cannot draw, which would show as
// empty boxes, by a question mark.
func (r *pdfRenderer) printable(s string) string {
	m := r.f.metrics
	ok := true
	for _, c := range s {
		if !m.has(c) && c != ' ' {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(c rune) rune {
		if m.has(c) || c == ' ' {
			return c
		}
		return '?'
	}, s)
}

func (r *pdfRenderer) text(x, y, size float64, c Color, bold bool, s string) error {
	if err := r.setFont(size, c); err != nil {
		return err
	}
	s = r.printable(s)
	r.gp.SetXY(x, y)
	if err := r.gp.Cell(nil, s); err != nil {
		return err
	}
	if bold {
		r.gp.SetXY(x+size*0.035, y)
		return r.gp.Cell(nil, s)
	}
	return nil
}

// frame draws the running header (document title) and the footer.
func (r *pdfRenderer) frame(n, total int) error {
	const size = 8.5
	title := r.l.d.Title
	if title != "" {
		lines := wrap(r.f.metrics, []Run{Text(title)}, size, textWidthPt)
		ln := lines[0]
		if err := r.text(contentLeft+textWidthPt-ln.width, contentTop-headerGap-size, size, "7F7F7F", false, lineText(ln)); err != nil {
			return err
		}
	}
	r.stroke("A6A6A6", 0.5)
	r.gp.Line(contentLeft, contentTop-headerGap+4, contentLeft+textWidthPt, contentTop-headerGap+4)
	foot := r.l.t.page(n, total)
	w := r.l.textWidth(foot, size)
	return r.text(contentLeft+(textWidthPt-w)/2, contentBot+footerGap-size, size, "7F7F7F", false, foot)
}

func lineText(ln line) string {
	var b strings.Builder
	for _, s := range ln.segs {
		b.WriteString(s.text)
	}
	return b.String()
}

func (r *pdfRenderer) stroke(c Color, width float64) {
	cr, cg, cb, _ := c.rgb()
	r.gp.SetStrokeColor(cr, cg, cb)
	r.gp.SetLineWidth(width)
}

func (r *pdfRenderer) draw(o op) error {
	gp := r.gp
	switch o.Kind {
	case opText:
		if o.Spacing != r.spacing {
			if err := gp.SetCharSpacing(o.Spacing); err != nil {
				return err
			}
			r.spacing = o.Spacing
		}
		return r.text(o.X, o.Y, o.Size, o.Color, o.Bold, o.Text)
	case opRect:
		if o.Fill != "" {
			cr, cg, cb, ok := o.Fill.rgb()
			if ok {
				gp.SetFillColor(cr, cg, cb)
				gp.RectFromUpperLeftWithStyle(o.X, o.Y, o.W, o.H, "F")
			}
		}
		if o.Color != "" {
			r.stroke(o.Color, o.LineW)
			gp.RectFromUpperLeftWithStyle(o.X, o.Y, o.W, o.H, "D")
		}
	case opLine:
		r.stroke(o.Color, o.LineW)
		gp.Line(o.X, o.Y, o.X+o.W, o.Y)
	case opImage:
		h, err := gopdf.ImageHolderByBytes(r.l.images[o.Image])
		if err != nil {
			return fmt.Errorf("document: image: %w", err)
		}
		if err := gp.ImageByHolder(h, o.X, o.Y, &gopdf.Rect{W: o.W, H: o.H}); err != nil {
			return fmt.Errorf("document: image: %w", err)
		}
	case opLink:
		gp.AddInternalLink(o.Anchor, o.X, o.Y, o.W, o.H)
	case opAnchor:
		gp.SetXY(contentLeft, o.Y)
		if err := r.setFont(headingSizes[o.Level], r.colour); err != nil {
			return err
		}
		gp.SetAnchor(o.Anchor)
		r.bookmark(o)
	}
	return nil
}

// bookmark adds a heading to the PDF outline, nested under the previous
// heading of a higher level.
func (r *pdfRenderer) bookmark(o op) {
	node := &gopdf.OutlineNode{Obj: r.gp.AddOutlineWithPosition(o.Text)}
	parent := (*gopdf.OutlineNode)(nil)
	for lvl := o.Level - 1; lvl >= 1 && parent == nil; lvl-- {
		parent = r.open[lvl]
	}
	if parent == nil {
		r.roots = append(r.roots, node)
	} else {
		parent.Children = append(parent.Children, node)
	}
	r.open[o.Level] = node
	for lvl := o.Level + 1; lvl < len(r.open); lvl++ {
		r.open[lvl] = nil
	}
}

func (r *pdfRenderer) finishOutline() {
	if len(r.roots) > 0 {
		gopdf.OutlineNodes(r.roots).Parse()
	}
}
