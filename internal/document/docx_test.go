package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/i18n"
)

// nasty holds markup characters and control characters that must come out
// escaped or removed, never as markup or invalid XML.
const nasty = "A <b>&amp; \"quoted\" 'x' </w:t> \x01\x0b\x1f end"

func nastyDoc() *Document {
	d := New(i18n.EN, "Title "+nasty)
	d.Subtitle = nasty
	d.Meta.Organisation = nasty
	d.Cover, d.TOC, d.NumberHeadings = true, true, true
	d.H1("Heading " + nasty)
	d.P(nasty, Bold(nasty), Italic(nasty))
	d.Bullets(nasty)
	d.Table(nasty).TextRow(nasty).Titled(nasty)
	d.KV(nasty, nasty)
	d.Note(nasty, nasty)
	return d
}

func unzip(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

// wellFormed parses every XML part and returns the character data of
// document.xml.
func wellFormed(t *testing.T, parts map[string]string) string {
	t.Helper()
	var text strings.Builder
	for name, content := range parts {
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
			continue
		}
		dec := xml.NewDecoder(strings.NewReader(content))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", name, err)
			}
			if cd, ok := tok.(xml.CharData); ok && name == "word/document.xml" {
				text.Write(cd)
			}
		}
	}
	return text.String()
}

func TestDOCXEscapesText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, nastyDoc()); err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, buf.Bytes())
	for _, want := range []string{"[Content_Types].xml", "word/document.xml", "word/styles.xml", "word/numbering.xml", "word/footer1.xml", "word/header1.xml", "word/settings.xml"} {
		if _, ok := parts[want]; !ok {
			t.Errorf("missing part %s", want)
		}
	}
	text := wellFormed(t, parts)
	// The text survives as text: markup characters come back from the
	// XML parser unchanged, control characters are gone.
	if !strings.Contains(text, "A <b>&amp; \"quoted\" 'x' </w:t>  end") {
		t.Errorf("document text does not hold the escaped string; got %.300q", text)
	}
	doc := parts["word/document.xml"]
	if strings.Contains(doc, "<b>") || strings.ContainsAny(doc, "\x01\x0b\x1f") {
		t.Error("raw markup or control characters in document.xml")
	}
	if !strings.Contains(parts["word/header1.xml"], "Title A &lt;b&gt;&amp;amp;") {
		t.Error("header title not escaped")
	}
}

func TestDOCXStructure(t *testing.T) {
	var buf bytes.Buffer
	d := sample(i18n.ZH)
	if err := WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, buf.Bytes())
	wellFormed(t, parts)
	doc, styles := parts["word/document.xml"], parts["word/styles.xml"]
	for _, want := range []string{
		`TOC \o "1-2"`, `PAGEREF _Toch1`, `w:bookmarkStart w:id="1" w:name="_Toch1"`, // contents with links to headings
		`<w:pStyle w:val="Heading1"/>`, `<w:pStyle w:val="Heading3"/>`,
		`<w:tblHeader/>`, `w:fill="D9363E"`, `<w:br w:type="page"/>`, `r:embed="rIdImage1"`, `<w:titlePg/>`,
		"1.1.1  风险矩阵 Risk matrix",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	for _, want := range []string{`w:eastAsia="Microsoft YaHei"`, `<w:outlineLvl w:val="0"/>`, `<w:outlineLvl w:val="2"/>`, `w:styleId="TOC2"`} {
		if !strings.Contains(styles, want) {
			t.Errorf("styles.xml lacks %s", want)
		}
	}
	if !strings.Contains(parts["word/settings.xml"], `<w:updateFields w:val="true"/>`) {
		t.Error("settings do not ask Word to update the contents")
	}
	foot := parts["word/footer1.xml"]
	for _, want := range []string{"第 ", ` PAGE `, " 页 / 共 ", ` NUMPAGES `} {
		if !strings.Contains(foot, want) {
			t.Errorf("footer lacks %q", want)
		}
	}
	if len(parts["word/media/image1.png"]) == 0 {
		t.Error("image not stored")
	}
	// Each numbered list restarts at 1.
	if !strings.Contains(parts["word/numbering.xml"], `<w:startOverride w:val="1"/>`) {
		t.Error("numbered list does not restart")
	}
}

func TestHTMLEscapesText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, nastyDoc()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<b>") || strings.Contains(out, "</w:t>") || strings.ContainsAny(out, "\x01\x0b\x1f") {
		t.Errorf("unescaped text in HTML")
	}
	if !strings.Contains(out, "A &lt;b&gt;&amp;amp; &#34;quoted&#34; &#39;x&#39; &lt;/w:t&gt;  end") {
		t.Errorf("escaped text missing")
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sample(i18n.ZH)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"http://", "https://", "<script", "<link"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML references %q; it must open offline", bad)
		}
	}
	for _, want := range []string{`<html lang="zh-CN">`, `<a href="#h1">1  概述 Overview</a>`, `<h1 id="h1">1  概述 Overview</h1>`,
		`<h3 id="h3">1.1.1  风险矩阵 Risk matrix</h3>`, "data:image/png;base64,", "<thead>", "background:#D9363E", "<ol>", "<ul>", "目录"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
