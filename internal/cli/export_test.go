package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestExportCrisisPack(t *testing.T) {
	if os.Getenv("CONTINUO_SKIP_RENDER") == "1" {
		t.Skip("CONTINUO_SKIP_RENDER=1 is set; unset it (and install fonts-wqy-microhei, as .ci/run does) to check the pack's PDFs")
	}
	db := filepath.Join(t.TempDir(), "c.db")
	if out, _, err := run(t, "", "--db", db, "demo"); err != nil {
		t.Fatalf("demo: %q %v", out, err)
	}
	if _, _, err := run(t, "", "--db", db, "export", "crisis-pack", t.TempDir(), "--lang", "fr"); err == nil || !strings.Contains(err.Error(), "--lang") {
		t.Fatalf("--lang fr accepted: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "usb", "pack")
	out, _, err := run(t, "", "--db", db, "export", "crisis-pack", dir, "--lang", "en")
	if err != nil || !strings.Contains(out, "index.html") {
		t.Fatalf("export crisis-pack: %q %v", out, err)
	}
	for _, name := range []string{"index.html", "teams.html", "contacts.html", "contacts.csv", "contacts.xlsx", "checklists.html"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	pdfs, _ := filepath.Glob(filepath.Join(dir, "plans", "*.pdf"))
	pages, _ := filepath.Glob(filepath.Join(dir, "plans", "*.html"))
	if len(pdfs) == 0 || len(pdfs) != len(pages) {
		t.Errorf("plans: %d PDFs, %d pages", len(pdfs), len(pages))
	}
	href := regexp.MustCompile(`(?i)(?:href|src)\s*=\s*"([^"#]*)[^"]*"`)
	links := 0
	err = filepath.WalkDir(dir, func(path string, de os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		s := strings.ToLower(string(b))
		if strings.Contains(s, "<script") || strings.Contains(s, "http://") || strings.Contains(s, "https://") {
			t.Errorf("%s has a script or an external URL", path)
		}
		for _, m := range href.FindAllStringSubmatch(string(b), -1) {
			if m[1] == "" || strings.HasPrefix(m[1], "data:") {
				continue
			}
			links++
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), m[1])); err != nil {
				t.Errorf("%s: link %q does not resolve", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if links < 10 {
		t.Errorf("only %d relative links checked", links)
	}
	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !strings.Contains(string(index), "Offline crisis pack") || !strings.Contains(string(index), ".pdf") {
		t.Errorf("index.html: %.300s", index)
	}
}
