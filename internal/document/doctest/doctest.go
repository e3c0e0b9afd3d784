// Package doctest checks generated documents the way a reader sees them:
// the PDF through pdftotext, the DOCX converted to PDF by LibreOffice.
// It is for tests only.
package doctest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/document"
)

// Require skips the test when CONTINUO_SKIP_RENDER=1 and fails it when
// LibreOffice or pdftotext is missing, so that CI never passes without
// checking rendered output. It returns the CJK fonts for PDF output.
func Require(t *testing.T) *document.Fonts {
	t.Helper()
	if os.Getenv("CONTINUO_SKIP_RENDER") == "1" {
		t.Skip("CONTINUO_SKIP_RENDER=1 is set; unset it (and install LibreOffice and poppler-utils) to check rendered documents")
	}
	for _, tool := range []string{"soffice", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to check rendered documents (install LibreOffice and poppler-utils), or set CONTINUO_SKIP_RENDER=1", tool)
		}
	}
	fonts, err := document.LoadFonts("")
	if err != nil {
		t.Fatal(err)
	}
	return fonts
}

// Texts renders doc as PDF and as DOCX (converted to PDF by LibreOffice)
// and returns the text pdftotext reads from each, with all white space
// removed so that line breaks do not split what a test looks for.
func Texts(t *testing.T, doc *document.Document, fonts *document.Fonts) (pdfText, docxText string) {
	t.Helper()
	dir := t.TempDir()
	var pdf, docx bytes.Buffer
	if err := document.WritePDF(&pdf, doc, fonts); err != nil {
		t.Fatal(err)
	}
	if err := document.WriteDOCX(&docx, doc); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "doc")
	if err := os.WriteFile(base+".pdf", pdf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".docx", docx.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("soffice", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "pdf", "--outdir", filepath.Join(dir, "lo"), base+".docx").CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v %s", err, out)
	}
	return text(t, base+".pdf"), text(t, filepath.Join(dir, "lo", "doc.pdf"))
}

func text(t *testing.T, pdf string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", pdf, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), "")
}
