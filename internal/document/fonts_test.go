package document

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signintech/gopdf"
)

// testFonts loads the PDF font the way the server does ($CONTINUO_PDF_FONT
// or the search path). Without one the test fails, unless rendering tests
// are switched off with CONTINUO_SKIP_RENDER=1.
func testFonts(t *testing.T) *Fonts {
	t.Helper()
	f, err := sharedFonts()
	if err != nil {
		if os.Getenv("CONTINUO_SKIP_RENDER") == "1" {
			t.Skipf("CONTINUO_SKIP_RENDER=1 is set and no CJK font was found (%v); unset it and install fonts-wqy-microhei, as .ci/run does, to run this test", err)
		}
		t.Fatal(err)
	}
	return f
}

var testFontLoader = NewLazyFonts(os.Getenv("CONTINUO_PDF_FONT"))

func sharedFonts() (*Fonts, error) { return testFontLoader.Get() }

func TestExtractFaceRebuildsCollectionFace(t *testing.T) {
	f := testFonts(t)
	raw, err := os.ReadFile(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	ttf, err := extractFace(raw, 0)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw[:4]) == "ttcf" {
		// Every table of face 0 is copied byte for byte to the offset the
		// new directory gives, 4-byte aligned.
		be := binary.BigEndian
		off := int(be.Uint32(raw[12:]))
		n := int(be.Uint16(raw[off+4:]))
		if int(be.Uint16(ttf[4:])) != n {
			t.Fatalf("table count %d, want %d", be.Uint16(ttf[4:]), n)
		}
		for i := 0; i < n; i++ {
			o, no := off+12+16*i, 12+16*i
			tag := string(raw[o : o+4])
			if string(ttf[no:no+4]) != tag {
				t.Fatalf("table %d is %q, want %q", i, ttf[no:no+4], tag)
			}
			src, dst, l := be.Uint32(raw[o+8:]), be.Uint32(ttf[no+8:]), be.Uint32(raw[o+12:])
			if dst%4 != 0 || !bytes.Equal(raw[src:src+l], ttf[dst:dst+l]) {
				t.Fatalf("table %q not copied intact", tag)
			}
		}
	}
	// gopdf reads the result, and our widths agree with its own.
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	if err := gp.AddTTFFontData("x", ttf); err != nil {
		t.Fatal(err)
	}
	if err := gp.SetFont("x", "", 10); err != nil {
		t.Fatal(err)
	}
	const s = "风险评估报告 Risk assessment, RTO ≤ 4 h（重大）"
	want, err := gp.MeasureTextWidth(s)
	if err != nil {
		t.Fatal(err)
	}
	var got float64
	for _, r := range s {
		got += f.metrics.width(r) * 10
	}
	if d := got - want; d > 0.5 || d < -0.5 {
		t.Errorf("width of %q: ours %.2f, gopdf %.2f", s, got, want)
	}
}

func TestFontErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ttf")
	os.WriteFile(bad, []byte("this is not a font at all"), 0o600)
	otto := filepath.Join(dir, "cff.otf")
	os.WriteFile(otto, append([]byte("OTTO"), make([]byte, 64)...), 0o600)
	for path, want := range map[string]string{
		filepath.Join(dir, "missing.ttf"): "no such file",
		bad:                               "unknown font format",
		otto:                              "CFF",
	} {
		_, err := LoadFonts(path)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("LoadFonts(%s) = %v, want an error naming the file and %q", path, err, want)
		}
	}
	saved := FontSearchPath
	t.Cleanup(func() { FontSearchPath = saved })
	FontSearchPath = []string{filepath.Join(dir, "none.ttc"), bad}
	_, err := LoadFonts("")
	if !errors.Is(err, ErrNoFont) {
		t.Fatalf("err = %v, want ErrNoFont", err)
	}
	for _, want := range []string{"fonts-wqy-microhei", "CONTINUO_PDF_FONT", "bad.ttf"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if err := WritePDF(&bytes.Buffer{}, New("en", "x"), nil); err == nil || !strings.Contains(err.Error(), "fonts-wqy-microhei") {
		t.Errorf("WritePDF without fonts: %v", err)
	}
}

func TestLazyFontsLoadOnce(t *testing.T) {
	testFonts(t)
	l := NewLazyFonts(os.Getenv("CONTINUO_PDF_FONT"))
	a, err := l.Get()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l.Get()
	if a != b {
		t.Error("fonts loaded twice")
	}
	// A missing font is an error, and is looked for again on the next
	// call: installing it fixes exports without a restart.
	path := filepath.Join(t.TempDir(), "later.ttc")
	later := NewLazyFonts(path)
	if _, err := later.Get(); err == nil {
		t.Fatal("no error for a missing font")
	}
	data, err := os.ReadFile(a.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err := later.Get(); err != nil || f.Path != path {
		t.Errorf("after installing the font: %v, %v", f, err)
	}
}

func TestFamilyName(t *testing.T) {
	for in, want := range map[string]string{"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc": "WqyMicrohei", "/x/字体.ttf": "CJKFont", `NotoSansCJK-Regular.ttc`: "NotoSansCJKRegular"} {
		if got := familyName(in); got != want {
			t.Errorf("familyName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMissingGlyphsBecomeQuestionMarks(t *testing.T) {
	f := testFonts(t)
	r := &pdfRenderer{f: f}
	if got := r.printable("风险 ok"); got != "风险 ok" {
		t.Errorf("printable changed drawable text: %q", got)
	}
	if f.metrics.has('\U0001F600') {
		t.Skip("the font in use draws U+1F600; run with a font without emoji, such as wqy-microhei (--pdf-font), to check the replacement")
	}
	if got := r.printable("风险\U0001F600"); got != "风险?" {
		t.Errorf("printable = %q, want the emoji replaced", got)
	}
}

func TestConcurrentPDFExportsShareFonts(t *testing.T) {
	f := testFonts(t)
	d := sample("zh-CN")
	var want bytes.Buffer
	if err := WritePDF(&want, d, f); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 4)
	outs := make([]bytes.Buffer, 4)
	for i := range outs {
		go func() { errc <- WritePDF(&outs[i], d, f) }()
	}
	for range outs {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	for i := range outs {
		if outs[i].Len() != want.Len() {
			t.Errorf("export %d is %d bytes, the first was %d", i, outs[i].Len(), want.Len())
		}
	}
}
