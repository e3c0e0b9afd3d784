package document

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/i18n"
)

// Rendering tests check the output as a person would see it: LibreOffice
// converts the DOCX to PDF, poppler extracts text and fonts and renders
// every page. The tools are installed by .ci/run; a missing tool fails the
// test unless CONTINUO_SKIP_RENDER=1.

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if os.Getenv("CONTINUO_SKIP_RENDER") == "1" {
		t.Skip("CONTINUO_SKIP_RENDER=1 is set; unset it (and install libreoffice-writer-nogui and poppler-utils, as .ci/run does) to run the render checks")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to check rendered documents (apt-get install libreoffice-writer-nogui poppler-utils chromium), "+
				"or set CONTINUO_SKIP_RENDER=1: %v", tool, err)
		}
	}
}

// keep copies a rendered file to $CONTINUO_RENDER_DIR, when set, for a
// person to look at.
func keep(t *testing.T, path string) {
	dir := os.Getenv("CONTINUO_RENDER_DIR")
	if dir == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, t.Name()+"-"+filepath.Base(path)), data, 0o644)
	}
	if err != nil {
		t.Logf("keeping %s: %v", path, err)
	}
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// squash removes white space: pdftotext puts spaces between Chinese and
// Latin text as it sees fit.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// cjkFont matches the names of fonts that carry Chinese glyphs.
var cjkFont = regexp.MustCompile(`(?i)wenquanyi|wqy|noto\s*sans\s*cjk|notosanscjk|source\s*han|droid\s*sans\s*fallback|ar\s*pl|uming|ukai|yahei|simsun|simhei|pingfang`)

// checkPDF verifies text, embedded CJK font and that every page renders;
// it returns the page count.
func checkPDF(t *testing.T, pdf string, wants ...string) int {
	t.Helper()
	text := squash(runTool(t, "pdftotext", "-enc", "UTF-8", pdf, "-"))
	for _, w := range wants {
		if !strings.Contains(text, squash(w)) {
			t.Errorf("%s: text lacks %q", filepath.Base(pdf), w)
		}
	}
	fonts := runTool(t, "pdffonts", pdf)
	embeddedCJK := false
	for _, l := range strings.Split(fonts, "\n")[2:] {
		f := strings.Fields(l)
		if len(f) < 5 {
			continue
		}
		// Columns from the end: object ID (2), uni, sub, emb.
		emb := f[len(f)-5]
		if emb != "yes" {
			t.Errorf("%s: font not embedded: %s", filepath.Base(pdf), l)
		}
		if cjkFont.MatchString(l) {
			embeddedCJK = embeddedCJK || emb == "yes"
		}
	}
	if !embeddedCJK {
		t.Errorf("%s: no embedded CJK font:\n%s", filepath.Base(pdf), fonts)
	}
	info := runTool(t, "pdfinfo", pdf)
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("no page count in pdfinfo output:\n%s", info)
	}
	pages, _ := strconv.Atoi(m[1])
	dir := t.TempDir()
	runTool(t, "pdftoppm", "-r", "50", "-png", pdf, filepath.Join(dir, "page"))
	pngs, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if len(pngs) != pages {
		t.Errorf("%d pages rendered, want %d", len(pngs), pages)
	}
	for _, p := range pngs {
		if st, err := os.Stat(p); err != nil || st.Size() < 1000 {
			t.Errorf("page image %s is missing or empty", p)
		}
	}
	return pages
}

// renderWants are strings from sample() that must survive every format.
var renderWants = []string{"星联物流集团 风险评估报告", "Risk assessment report 2026", "概述 Overview", "重大风险 Major risks",
	"依赖仓储管理系统", "Order processing", "自然灾害 Natural disasters", "供应链中断", "风险评价 Evaluation", "可能性", "灾难",
	"重大风险须在 30 日内制定处置措施", "附录 Appendix", "报告结束"}

func TestDOCXRendersInLibreOffice(t *testing.T) {
	needTools(t, "soffice", "pdftotext", "pdffonts", "pdftoppm", "pdfinfo")
	dir := t.TempDir()
	docx := filepath.Join(dir, "report.docx")
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, sample(i18n.ZH)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(docx, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// A profile of its own, so parallel runs do not share LibreOffice's
	// user installation.
	runTool(t, "soffice", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "pdf", "--outdir", dir, docx)
	pdf := filepath.Join(dir, "report.pdf")
	keep(t, docx)
	keep(t, pdf)
	pages := checkPDF(t, pdf, append(renderWants, "目录", "1.1.1 风险矩阵 Risk matrix")...)
	text := runTool(t, "pdftotext", "-enc", "UTF-8", pdf, "-")
	if !strings.Contains(squash(text), fmt.Sprintf("第2页/共%d页", pages)) {
		t.Errorf("footer \"第 2 页 / 共 %d 页\" not found", pages)
	}
	// Latin words are not broken in the middle by Chinese line rules.
	if strings.Contains(text, "offi\nce") || strings.Contains(text, "reviews ev\nery") {
		t.Error("English words broken across lines")
	}
}

func TestPDFRenders(t *testing.T) {
	needTools(t, "pdftotext", "pdffonts", "pdftoppm", "pdfinfo")
	f := testFonts(t)
	dir := t.TempDir()
	d := sample(i18n.ZH)
	var buf bytes.Buffer
	if err := WritePDF(&buf, d, f); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(pdf, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	keep(t, pdf)
	pages := checkPDF(t, pdf, append(renderWants, "目录", fmt.Sprintf("第 3 页 / 共 %d 页", 7))...)
	if pages != 7 {
		t.Errorf("%d pages, want 7", pages)
	}
	// Each heading in the contents is on the page the contents name.
	l, err := pageNumbers(d, f.metrics)
	if err != nil {
		t.Fatal(err)
	}
	checkInside(t, l) // with the font's real widths nothing overflows
	toc := runTool(t, "pdftotext", "-enc", "UTF-8", "-layout", "-f", "2", "-l", "2", pdf, "-")
	for _, e := range d.outline() {
		if e.Level > tocLevels {
			continue
		}
		n := l.headingPage[e.ID]
		listed := false
		for _, ln := range strings.Split(toc, "\n") {
			ln = squash(ln)
			if rest, ok := strings.CutPrefix(ln, squash(e.Label())); ok {
				listed = strings.HasSuffix(rest, "."+strconv.Itoa(n))
			}
		}
		if !listed {
			t.Errorf("contents do not list %q on page %d:\n%s", e.Label(), n, toc)
		}
		page := runTool(t, "pdftotext", "-enc", "UTF-8", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), pdf, "-")
		if !strings.Contains(squash(page), squash(e.Label())) {
			t.Errorf("page %d does not show heading %q", n, e.Label())
		}
	}
	// The table continues on the next page under a repeated header.
	for n := 5; n <= 6; n++ {
		page := runTool(t, "pdftotext", "-enc", "UTF-8", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), pdf, "-")
		if !strings.Contains(squash(page), "业务流程Process") {
			t.Errorf("page %d lacks the repeated table header", n)
		}
	}
	// Bookmarks for the headings, nested by level.
	if _, err := exec.LookPath("pdftohtml"); err == nil {
		x := runTool(t, "pdftohtml", "-xml", "-i", "-stdout", pdf)
		if !regexp.MustCompile(`(?s)<item page="3">1  概述 Overview</item>\s*<outline>\s*<item page="3">1.1  评估方法 Method</item>`).MatchString(x) {
			t.Errorf("bookmarks missing or not nested:\n%s", x[strings.Index(x, "<outline>"):])
		}
	}
}

func TestPDFInEnglish(t *testing.T) {
	needTools(t, "pdftotext", "pdffonts", "pdftoppm", "pdfinfo")
	f := testFonts(t)
	d := sample(i18n.EN)
	var buf bytes.Buffer
	if err := WritePDF(&buf, d, f); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "en.pdf")
	os.WriteFile(pdf, buf.Bytes(), 0o600)
	keep(t, pdf)
	checkPDF(t, pdf, "Contents", "Page 2 of 7", "Organisation", "Version", "30 November 2026")
}

// TestHTMLPrints prints the HTML page with Chromium, as somebody opening the
// crisis pack from a USB stick would, and checks the printed pages.
func TestHTMLPrints(t *testing.T) {
	chromium := os.Getenv("CONTINUO_CHROMIUM")
	if chromium == "" {
		chromium = "chromium"
	}
	needTools(t, chromium, "pdftotext", "pdffonts", "pdftoppm", "pdfinfo")
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sample(i18n.ZH)); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "printed.pdf")
	runTool(t, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+page)
	keep(t, page)
	keep(t, pdf)
	pages := checkPDF(t, pdf, renderWants...)
	text := squash(runTool(t, "pdftotext", "-enc", "UTF-8", pdf, "-"))
	if !strings.Contains(text, fmt.Sprintf("第2页/共%d页", pages)) {
		t.Errorf("printed pages lack the footer 第 2 页 / 共 %d 页", pages)
	}
	// The header row of the long table repeats on the next printed page.
	if n := strings.Count(text, "业务流程Process"); n < 2 {
		t.Errorf("table header printed %d times, want it repeated", n)
	}
}
