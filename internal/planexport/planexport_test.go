package planexport_test

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/planexport"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

type env struct {
	ctx   context.Context
	deps  planexport.Deps
	plans []plan.Plan
}

// seed loads the demo organisation with its published plans.
func seed(t *testing.T, db *store.DB) env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	o := org.NewService(db, db, a, clk)
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	if _, _, err := demo.Load(ctx, o, identity.NewService(db, o, db, a, clk), db); err != nil {
		t.Fatal(err)
	}
	deps := planexport.Deps{Plan: plan.NewService(db, db, a, clk), Org: o, Risk: risk.NewService(db, db, a, clk),
		Fonts: document.NewLazyFonts(""), Clock: clk}
	plans, _, err := deps.Plan.Plans(ctx, plan.Filter{Published: true})
	if err != nil || len(plans) == 0 {
		t.Fatalf("published demo plans: %v %d", err, len(plans))
	}
	return env{ctx: ctx, deps: deps, plans: plans}
}

func (e env) published(t *testing.T, i int) (plan.Plan, plan.Version, *planexport.Lookup) {
	t.Helper()
	p, v, err := e.deps.Plan.Published(e.ctx, e.plans[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	lk, err := planexport.NewLookup(e.ctx, e.deps.Org, e.deps.Risk, &v)
	if err != nil {
		t.Fatal(err)
	}
	return p, v, lk
}

// headings returns the text of every heading of a document, numbered.
func headings(d *document.Document) []string {
	var out []string
	for _, b := range d.Blocks {
		if h, ok := b.(*document.Heading); ok && h.Level == 1 {
			out = append(out, h.Text)
		}
	}
	return out
}

func TestBuildChaptersInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := seed(t, db)
		for i := range e.plans {
			p, v, lk := e.published(t, i)
			zh := planexport.Build(p, v, lk, i18n.ZH)
			want := []string{"总则", "组织机构及职责", "风险描述", "预警及信息报告", "应急响应", "处置措施", "信息发布与沟通",
				"应急保障", "后期处置与业务恢复", "培训与演练", "预案管理"}
			if got := headings(zh); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s chapters: %q", p.Code, got)
			}
			if !zh.Cover || !zh.TOC || !zh.NumberHeadings || zh.Meta.Organisation != lk.Organisation || lk.Organisation == "" || !strings.HasPrefix(zh.Meta.Status, "已发布  ·  审批人 ") {
				t.Errorf("%s cover: %+v", p.Code, zh.Meta)
			}
			kindZH, _ := p.Kind.Name()
			if !strings.Contains(zh.Subtitle, kindZH) {
				t.Errorf("subtitle %q lacks the kind %q", zh.Subtitle, kindZH)
			}
			en := planexport.Build(p, v, lk, i18n.EN)
			if got := headings(en); got[0] != "General provisions: purpose and scope" || got[len(got)-1] != "Plan maintenance" {
				t.Errorf("English chapters: %q", got)
			}
			html := render(t, zh, planexport.HTML)
			// Every playbook is there, with its tasks in step order and
			// the approver of the version.
			for _, pb := range v.Content.Playbooks {
				mustContain(t, html, pb.Title)
				for _, task := range pb.Tasks {
					mustContain(t, html, task.Title)
				}
			}
			mustContain(t, html, "陈国栋") // the approver
			// Audiences and channels are named in the document's language.
			for _, a := range v.Content.Communications.Audiences {
				mustContain(t, html, i18n.T(i18n.ZH, "planexport.audience."+string(a.Audience)))
				for _, c := range a.Channels {
					mustContain(t, html, i18n.T(i18n.ZH, "planexport.channel."+string(c)))
				}
			}
			if strings.Contains(html, ">dingtalk") || strings.Contains(html, ", sms") {
				t.Errorf("%s: raw channel keys in the document", p.Code)
			}
		}
	})
}

func TestBuildOrganisationTables(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := seed(t, db)
		p, v, lk := e.published(t, 0)
		if len(v.Content.Organisation.Teams) == 0 {
			t.Fatal("the demo general plan names no team; this test needs one")
		}
		html := render(t, planexport.Build(p, v, lk, i18n.ZH), planexport.HTML)
		td := v.Content.Organisation.Teams[0]
		team := lk.Teams[td.TeamID]
		mustContain(t, html, team.Name)
		checked := 0
		for _, m := range team.Members {
			person := lk.People[m.PersonID]
			mustContain(t, html, person.Name)
			if ph := person.Contact(org.ContactMobile); ph != "" {
				mustContain(t, html, ph)
			}
			// Deputies appear in their order: "1. A", "2. B".
			for i, d := range m.Deputies {
				mustContain(t, html, string(rune('1'+i))+". "+lk.People[d].Name)
				checked++
			}
		}
		if checked == 0 {
			t.Errorf("team %s: no deputy checked", team.Name)
		}
	})
}

func render(t *testing.T, d *document.Document, f planexport.Format) string {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch f {
	case planexport.HTML:
		err = document.WriteHTML(&buf, d)
	case planexport.DOCX:
		err = document.WriteDOCX(&buf, d)
	}
	if err != nil {
		t.Fatal(err)
	}
	return html.UnescapeString(buf.String())
}

func mustContain(t *testing.T, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Errorf("missing %q", want)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]planexport.Format{"docx": planexport.DOCX, " PDF ": planexport.PDF, "html": planexport.HTML} {
		if f, ok := planexport.ParseFormat(in); !ok || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, ok)
		}
	}
	if _, ok := planexport.ParseFormat("odt"); ok {
		t.Error("odt accepted")
	}
}

// ---- rendering as a person would see it ----

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if os.Getenv("CONTINUO_SKIP_RENDER") == "1" {
		t.Skip("CONTINUO_SKIP_RENDER=1 is set; unset it (and install libreoffice-writer-nogui and poppler-utils, as .ci/run does) to run the render checks")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to check the rendered output (install LibreOffice and poppler-utils), "+
				"or set CONTINUO_SKIP_RENDER=1: %v", tool, err)
		}
	}
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// squash removes white space, which pdftotext puts between CJK characters
// of justified lines.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	return squash(runTool(t, "pdftotext", "-layout", pdf, "-"))
}

func TestExportRenders(t *testing.T) {
	needTools(t, "soffice", "pdftotext", "pdffonts")
	db := storetest.New(t, store.SQLite)
	e := seed(t, db)
	fonts, err := e.deps.Fonts.Get()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p, v, lk := e.published(t, len(e.plans)-1) // the special plan, with playbooks
	chapters := []string{"1总则", "2组织机构及职责", "6处置措施", "11预案管理"}
	for _, f := range planexport.Formats {
		path := filepath.Join(dir, planexport.FileName(p, v, i18n.ZH, f))
		var buf bytes.Buffer
		if err := planexport.Write(&buf, f, p, v, lk, i18n.ZH, fonts); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		var text string
		switch f {
		case planexport.DOCX:
			runTool(t, "soffice", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
				"--convert-to", "pdf", "--outdir", filepath.Join(dir, "lo"), path)
			text = pdfText(t, filepath.Join(dir, "lo", strings.TrimSuffix(filepath.Base(path), ".docx")+".pdf"))
		case planexport.PDF:
			text = pdfText(t, path)
			if fonts := runTool(t, "pdffonts", path); !strings.Contains(fonts, "Identity-H") && !strings.Contains(fonts, "TrueType") {
				t.Errorf("PDF embeds no TrueType CJK font:\n%s", fonts)
			}
		case planexport.HTML:
			text = squash(html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(buf.String(), " ")))
		}
		for _, want := range append(chapters, squash(v.Title), squash(v.Content.Playbooks[0].Title)) {
			if !strings.Contains(text, want) {
				t.Errorf("%s: rendered text lacks %q", f, want)
			}
		}
		if f != planexport.HTML && !strings.Contains(text, "第2页/共") {
			t.Errorf("%s: no page footer", f)
		}
	}
}

// ---- the crisis pack ----

var (
	hrefRe = regexp.MustCompile(`(?i)(?:href|src)\s*=\s*"([^"]*)"`)
	urlRe  = regexp.MustCompile(`(?i)https?://`)
)

// checkPack checks that every HTML file's links resolve inside the pack,
// and that no page has a script or an external URL.
func checkPack(t *testing.T, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		s := string(data)
		if strings.Contains(strings.ToLower(s), "<script") {
			t.Errorf("%s has a script", name)
		}
		if m := urlRe.FindString(s); m != "" {
			i := strings.Index(strings.ToLower(s), strings.ToLower(m))
			t.Errorf("%s has an external URL: %q", name, s[i:min(len(s), i+80)])
		}
		for _, m := range hrefRe.FindAllStringSubmatch(s, -1) {
			link := m[1]
			if strings.HasPrefix(link, "#") {
				if !strings.Contains(s, `id="`+link[1:]+`"`) {
					t.Errorf("%s: anchor %s has no target", name, link)
				}
				continue
			}
			if strings.HasPrefix(link, "data:") {
				continue
			}
			target := filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(name), strings.SplitN(link, "#", 2)[0])))
			if _, ok := files[target]; !ok {
				t.Errorf("%s: link %q does not resolve (%s)", name, link, target)
			}
		}
	}
}

func TestCrisisPack(t *testing.T) {
	if os.Getenv("CONTINUO_SKIP_RENDER") == "1" {
		t.Skip("CONTINUO_SKIP_RENDER=1 is set; unset it (and install fonts-wqy-microhei, as .ci/run does) to check the pack's PDFs")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := seed(t, db)
		for _, lang := range i18n.Langs {
			dir := t.TempDir()
			names, err := planexport.WriteCrisisPack(e.ctx, dir, e.deps, lang)
			if err != nil {
				t.Fatal(err)
			}
			files := map[string][]byte{}
			err = filepath.WalkDir(dir, func(path string, de os.DirEntry, err error) error {
				if err != nil || de.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(dir, path)
				files[filepath.ToSlash(rel)], err = os.ReadFile(path)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != len(names) {
				t.Errorf("%d files written, %d named", len(files), len(names))
			}
			want := []string{"index.html", "teams.html", "contacts.html", "contacts.csv", "contacts.xlsx", "checklists.html"}
			for _, p := range e.plans {
				_, v, _ := e.deps.Plan.Published(e.ctx, p.ID)
				base := "plans/" + p.Code + "-v" + string(rune('0'+v.Number))
				want = append(want, base+".html", base+".pdf")
			}
			for _, w := range want {
				if len(files[w]) == 0 {
					t.Errorf("%s: %s missing or empty", lang, w)
				}
			}
			checkPack(t, files)
			for name, data := range files {
				if strings.HasSuffix(name, ".pdf") && !bytes.HasPrefix(data, []byte("%PDF-")) {
					t.Errorf("%s is not a PDF", name)
				}
			}
			if lang == i18n.ZH {
				mustContain(t, string(files["index.html"]), "物流集团")
				mustContain(t, string(files["index.html"]), "2026-11-30")
				mustContain(t, string(files["checklists.html"]), `type="checkbox"`)
				// Teams show the members' phone numbers and deputies.
				rows, err := e.deps.Org.ContactList(e.ctx)
				if err != nil {
					t.Fatal(err)
				}
				teams := html.UnescapeString(string(files["teams.html"]))
				for _, r := range rows {
					mustContain(t, teams, r.Holder.Name)
					if r.Holder.Mobile != "" {
						mustContain(t, teams, r.Holder.Mobile)
					}
					for i, d := range r.Deputies {
						mustContain(t, teams, string(rune('1'+i))+". "+d.Name)
					}
				}
				mustContain(t, string(files["contacts.html"]), rows[0].Holder.Name)
			} else {
				mustContain(t, string(files["index.html"]), "Offline crisis pack")
			}
		}

		// The zip holds the same files under crisis-pack/.
		var buf bytes.Buffer
		if err := planexport.WriteCrisisPackZip(e.ctx, &buf, e.deps, i18n.ZH); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[strings.TrimPrefix(f.Name, "crisis-pack/")], _ = io.ReadAll(rc)
			rc.Close()
		}
		if len(files["index.html"]) == 0 || len(files["checklists.html"]) == 0 {
			t.Errorf("zip lacks the pages: %d files", len(files))
		}
		checkPack(t, files)
	})
}
