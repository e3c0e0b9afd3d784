package document

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/signintech/gopdf"
)

// FontSearchPath lists where LoadFonts looks for a CJK-capable TrueType
// font when no path is given, in order. Debian and Ubuntu package names:
// fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk, fonts-arphic-uming.
// A font that cannot be used (for example a CFF-flavoured Noto Sans CJK
// collection) is skipped and the next one is tried.
var FontSearchPath = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
	"/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	"/usr/share/fonts/truetype/arphic/ukai.ttc",
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/System/Library/Fonts/PingFang.ttc",
	`C:\Windows\Fonts\msyh.ttc`,
	`C:\Windows\Fonts\simsun.ttc`,
}

// ErrNoFont is returned by LoadFonts when no usable font is found.
var ErrNoFont = errors.New("no CJK TrueType font found for PDF export: install the fonts-wqy-microhei package " +
	"(apt-get install fonts-wqy-microhei) or set --pdf-font / CONTINUO_PDF_FONT to a .ttf or .ttc file")

// Fonts is a parsed CJK-capable TrueType font ready for PDF output. It is
// safe for concurrent use by any number of WritePDF calls: the font is
// parsed once, and every PDF embeds only the glyphs it uses.
type Fonts struct {
	// Path is the file the font was read from.
	Path string

	family    string // the font's name inside the PDF
	container *gopdf.FontContainer
	metrics   *metrics
}

// LoadFonts reads the TrueType font (or face 0 of a TrueType collection)
// at path. With an empty path it tries FontSearchPath in order and returns
// ErrNoFont, naming what it tried, when none can be used.
func LoadFonts(path string) (*Fonts, error) {
	if path != "" {
		f, err := loadFont(path)
		if err != nil {
			return nil, fmt.Errorf("PDF font %s: %w", path, err)
		}
		return f, nil
	}
	var tried []string
	for _, p := range FontSearchPath {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		f, err := loadFont(p)
		if err == nil {
			return f, nil
		}
		tried = append(tried, fmt.Sprintf("%s (%v)", p, err))
	}
	if len(tried) > 0 {
		return nil, fmt.Errorf("%w; unusable: %v", ErrNoFont, tried)
	}
	return nil, ErrNoFont
}

func loadFont(path string) (*Fonts, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ttf, err := extractFace(raw, 0)
	if err != nil {
		return nil, err
	}
	m, err := parseMetrics(ttf)
	if err != nil {
		return nil, err
	}
	if m.glyph('中') == 0 {
		return nil, errors.New("the font has no Chinese glyphs")
	}
	family := familyName(path)
	fc := &gopdf.FontContainer{}
	if err := fc.AddTTFFontData(family, ttf); err != nil {
		return nil, fmt.Errorf("not a TrueType font gopdf can embed: %w", err)
	}
	return &Fonts{Path: path, family: family, container: fc, metrics: m}, nil
}

// familyName turns a font file name into a PDF font name:
// ".../wqy-microhei.ttc" → "WqyMicrohei".
func familyName(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	var b strings.Builder
	up := true
	for _, r := range base {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if up {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	if b.Len() == 0 {
		return "CJKFont"
	}
	return b.String()
}

// LazyFonts loads fonts on first use and keeps them for every later call,
// so a server pays for the font only when somebody exports a PDF. A failed
// load is tried again on the next call: installing the font package fixes
// PDF export without a restart.
type LazyFonts struct {
	path  string
	mu    sync.Mutex
	fonts *Fonts
}

// NewLazyFonts returns a loader for LoadFonts(path).
func NewLazyFonts(path string) *LazyFonts { return &LazyFonts{path: path} }

// Get returns the fonts, loading them the first time.
func (l *LazyFonts) Get() (*Fonts, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fonts != nil {
		return l.fonts, nil
	}
	f, err := LoadFonts(l.path)
	if err != nil {
		return nil, err
	}
	l.fonts = f
	return f, nil
}

// extractFace returns a standalone TrueType font: data itself when it is
// one, or face n of a TrueType collection (.ttc) rebuilt with its own table
// directory and table offsets relative to the new file.
func extractFace(data []byte, n int) ([]byte, error) {
	if len(data) < 12 {
		return nil, errors.New("file too short for a font")
	}
	be := binary.BigEndian
	switch tag := string(data[:4]); tag {
	case "ttcf":
		count := int(be.Uint32(data[8:12]))
		if n >= count || len(data) < 12+4*count {
			return nil, fmt.Errorf("collection has %d faces, face %d wanted", count, n)
		}
		return rebuildSfnt(data, int(be.Uint32(data[12+4*n:])))
	case "\x00\x01\x00\x00", "true":
		return data, nil
	case "OTTO":
		return nil, errors.New("CFF-based OpenType font; a TrueType (glyf) font is needed")
	default:
		return nil, fmt.Errorf("unknown font format %q", tag)
	}
}

type tableRecord struct {
	tag              string
	checksum         uint32
	offset, length   uint32
	newOffset        uint32
	originalPosition int
}

func rebuildSfnt(data []byte, off int) ([]byte, error) {
	be := binary.BigEndian
	if off+12 > len(data) {
		return nil, errors.New("face offset beyond the file")
	}
	version := data[off : off+4]
	if string(version) == "OTTO" {
		return nil, errors.New("CFF-based OpenType collection; a TrueType (glyf) font is needed")
	}
	num := int(be.Uint16(data[off+4:]))
	if off+12+16*num > len(data) {
		return nil, errors.New("table directory beyond the file")
	}
	recs := make([]tableRecord, num)
	for i := range recs {
		p := off + 12 + 16*i
		recs[i] = tableRecord{tag: string(data[p : p+4]), checksum: be.Uint32(data[p+4:]),
			offset: be.Uint32(data[p+8:]), length: be.Uint32(data[p+12:]), originalPosition: i}
		if uint64(recs[i].offset)+uint64(recs[i].length) > uint64(len(data)) {
			return nil, fmt.Errorf("table %q beyond the file", recs[i].tag)
		}
	}
	// Tables keep their original relative order in the file body.
	body := make([]tableRecord, num)
	copy(body, recs)
	sort.SliceStable(body, func(i, j int) bool { return body[i].offset < body[j].offset })
	size := 12 + 16*num
	var out bytes.Buffer
	out.Grow(len(data))
	out.Write(make([]byte, size))
	for i := range body {
		body[i].newOffset = uint32(out.Len())
		out.Write(data[body[i].offset : body[i].offset+body[i].length])
		for out.Len()%4 != 0 {
			out.WriteByte(0)
		}
		recs[body[i].originalPosition].newOffset = body[i].newOffset
	}
	b := out.Bytes()
	copy(b[0:12], data[off:off+12])
	for i, r := range recs {
		p := 12 + 16*i
		copy(b[p:p+4], r.tag)
		be.PutUint32(b[p+4:], r.checksum)
		be.PutUint32(b[p+8:], r.newOffset)
		be.PutUint32(b[p+12:], r.length)
	}
	return b, nil
}

// metrics holds what layout needs from the font: advance widths by
// character, in thousandths of the font size.
type metrics struct {
	bmp     []uint16 // glyph index per BMP code point
	astral  map[rune]uint16
	advance []uint16 // per glyph, in 1/1000 em
	ascent  float64  // in em
	descent float64  // in em, positive
}

func (m *metrics) glyph(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		return m.bmp[r]
	}
	return m.astral[r]
}

// has reports whether the font draws r.
func (m *metrics) has(r rune) bool { return m.glyph(r) != 0 }

// width returns the advance of r in em.
func (m *metrics) width(r rune) float64 {
	g := int(m.glyph(r))
	if g >= len(m.advance) {
		g = len(m.advance) - 1
	}
	return float64(m.advance[g]) / 1000
}

func parseMetrics(ttf []byte) (*metrics, error) {
	be := binary.BigEndian
	num := int(be.Uint16(ttf[4:]))
	tables := map[string][]byte{}
	for i := 0; i < num; i++ {
		p := 12 + 16*i
		if p+16 > len(ttf) {
			return nil, errors.New("truncated table directory")
		}
		o, l := be.Uint32(ttf[p+8:]), be.Uint32(ttf[p+12:])
		if uint64(o)+uint64(l) > uint64(len(ttf)) {
			return nil, fmt.Errorf("table %q beyond the file", ttf[p:p+4])
		}
		tables[string(ttf[p:p+4])] = ttf[o : o+l]
	}
	for _, t := range []string{"head", "hhea", "hmtx", "cmap", "glyf", "loca"} {
		if _, ok := tables[t]; !ok {
			return nil, fmt.Errorf("missing %q table (not a TrueType outline font)", t)
		}
	}
	head, hhea, hmtx, cmap := tables["head"], tables["hhea"], tables["hmtx"], tables["cmap"]
	if len(head) < 54 || len(hhea) < 36 {
		return nil, errors.New("truncated head or hhea table")
	}
	upem := float64(be.Uint16(head[18:]))
	if upem == 0 {
		return nil, errors.New("unitsPerEm is zero")
	}
	m := &metrics{bmp: make([]uint16, 0x10000), astral: map[rune]uint16{},
		ascent: float64(int16(be.Uint16(hhea[4:]))) / upem, descent: -float64(int16(be.Uint16(hhea[6:]))) / upem}
	nh := int(be.Uint16(hhea[34:]))
	if nh == 0 || len(hmtx) < 4*nh {
		return nil, errors.New("truncated hmtx table")
	}
	m.advance = make([]uint16, nh)
	for i := range m.advance {
		m.advance[i] = uint16(float64(be.Uint16(hmtx[4*i:])) * 1000 / upem)
	}
	if err := m.readCmap(cmap); err != nil {
		return nil, err
	}
	return m, nil
}

// readCmap reads the Unicode BMP subtable (format 4) and, when present, the
// full-repertoire one (format 12).
func (m *metrics) readCmap(cmap []byte) error {
	be := binary.BigEndian
	if len(cmap) < 4 {
		return errors.New("truncated cmap")
	}
	n := int(be.Uint16(cmap[2:]))
	var f4, f12 []byte
	for i := 0; i < n; i++ {
		p := 4 + 8*i
		if p+8 > len(cmap) {
			break
		}
		pid, eid, off := be.Uint16(cmap[p:]), be.Uint16(cmap[p+2:]), int(be.Uint32(cmap[p+4:]))
		if off+4 > len(cmap) || !(pid == 0 || (pid == 3 && (eid == 1 || eid == 10))) {
			continue
		}
		sub := cmap[off:]
		switch be.Uint16(sub) {
		case 4:
			if f4 == nil {
				f4 = sub
			}
		case 12:
			if f12 == nil {
				f12 = sub
			}
		}
	}
	if f4 == nil && f12 == nil {
		return errors.New("no Unicode cmap subtable")
	}
	if f4 != nil {
		if len(f4) < 14 {
			return errors.New("truncated cmap format 4")
		}
		segs := int(be.Uint16(f4[6:])) / 2
		end, start, delta, rangeOff := 14, 16+2*segs, 16+4*segs, 16+6*segs
		if len(f4) < 16+8*segs {
			return errors.New("truncated cmap format 4")
		}
		for s := 0; s < segs; s++ {
			e, st := int(be.Uint16(f4[end+2*s:])), int(be.Uint16(f4[start+2*s:]))
			d, ro := be.Uint16(f4[delta+2*s:]), int(be.Uint16(f4[rangeOff+2*s:]))
			for c := st; c <= e && c < 0xFFFF; c++ {
				var g uint16
				if ro == 0 {
					g = uint16(c) + d
				} else {
					p := rangeOff + 2*s + ro + 2*(c-st)
					if p+2 > len(f4) {
						continue
					}
					if g = be.Uint16(f4[p:]); g != 0 {
						g += d
					}
				}
				m.bmp[c] = g
			}
		}
	}
	if f12 != nil && len(f12) >= 16 {
		groups := int(be.Uint32(f12[12:]))
		for i := 0; i < groups && 16+12*i+12 <= len(f12); i++ {
			p := 16 + 12*i
			st, e, g := be.Uint32(f12[p:]), be.Uint32(f12[p+4:]), be.Uint32(f12[p+8:])
			for c := st; c <= e && e-st < 0x110000; c++ {
				if c < 0x10000 {
					if f4 == nil {
						m.bmp[c] = uint16(g + c - st)
					}
				} else {
					m.astral[rune(c)] = uint16(g + c - st)
				}
			}
		}
	}
	return nil
}
