package planexport

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/plan"
)

// Deps is what the crisis pack is built from.
type Deps struct {
	Plan  *plan.Service
	Org   *org.Service
	Risk  RiskReader // optional: names of linked risks
	Fonts *document.LazyFonts
	Clock clock.Clock
}

// The crisis pack's fixed files.
const (
	IndexFile      = "index.html"
	TeamsFile      = "teams.html"
	ContactsFile   = "contacts.html"
	ContactsCSV    = "contacts.csv"
	ContactsXLSX   = "contacts.xlsx"
	ChecklistsFile = "checklists.html"
	PlansDir       = "plans"
)

// WriteCrisisPack writes the offline crisis pack into dir (created when
// missing): index.html, every published plan as HTML and PDF under plans/,
// teams.html, contacts.html with contacts.csv and contacts.xlsx, and
// checklists.html. Every link is relative and no page has a script or an
// external reference, so the folder works from a USB stick with no server.
func WriteCrisisPack(ctx context.Context, dir string, deps Deps, lang i18n.Lang) ([]string, error) {
	if err := os.MkdirAll(filepath.Join(dir, PlansDir), 0o755); err != nil {
		return nil, err
	}
	var names []string
	err := buildPack(ctx, deps, lang, func(name string, data []byte) error {
		names = append(names, name)
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), data, 0o644)
	})
	return names, err
}

// WriteCrisisPackZip writes the crisis pack as a zip archive whose files
// sit in one folder, "crisis-pack".
func WriteCrisisPackZip(ctx context.Context, w io.Writer, deps Deps, lang i18n.Lang) error {
	zw := zip.NewWriter(w)
	err := buildPack(ctx, deps, lang, func(name string, data []byte) error {
		method := zip.Deflate
		if strings.HasSuffix(name, ".xlsx") {
			method = zip.Store
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: "crisis-pack/" + name, Method: method, Modified: deps.Clock.Now()})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	})
	if err != nil {
		return err
	}
	return zw.Close()
}

// packPlan is a published plan of the pack.
type packPlan struct {
	Plan    plan.Plan
	Version plan.Version
	Title   string
	Kind    string
	Base    string // plans/<slug>-v<n>
}

func buildPack(ctx context.Context, deps Deps, lang i18n.Lang, put func(name string, data []byte) error) error {
	if deps.Clock == nil {
		deps.Clock = clock.Real{}
	}
	var plans []packPlan
	for offset := 0; ; {
		page, total, err := deps.Plan.Plans(ctx, plan.Filter{Published: true, Limit: 500, Offset: offset})
		if err != nil {
			return err
		}
		for _, p := range page {
			p, v, err := deps.Plan.Published(ctx, p.ID)
			if err != nil {
				return err
			}
			plans = append(plans, packPlan{Plan: p, Version: v})
		}
		offset += len(page)
		if len(page) == 0 || offset >= total {
			break
		}
	}
	versions := make([]*plan.Version, len(plans))
	for i := range plans {
		versions[i] = &plans[i].Version
	}
	lk, err := NewLookup(ctx, deps.Org, deps.Risk, versions...)
	if err != nil {
		return err
	}
	n := newNamer(lk, lang)
	var fonts *document.Fonts
	if len(plans) > 0 {
		if deps.Fonts == nil {
			return fmt.Errorf("planexport: the crisis pack's PDFs need a CJK font")
		}
		if fonts, err = deps.Fonts.Get(); err != nil {
			return err
		}
	}
	used := map[string]bool{}
	for i := range plans {
		pp := &plans[i]
		base := fmt.Sprintf("%s-v%d", slug(pp.Plan), pp.Version.Number)
		for used[base] {
			base += "-" + strconv.FormatInt(pp.Plan.ID, 10)
		}
		used[base] = true
		pp.Base = PlansDir + "/" + base
		pp.Title = n.pick(pp.Version.Title, pp.Version.TitleEn)
		pp.Kind = n.kind(pp.Plan.Kind)
		d := Build(pp.Plan, pp.Version, lk, lang)
		var h, p bytes.Buffer
		if err := document.WriteHTML(&h, d); err != nil {
			return err
		}
		if err := put(pp.Base+".html", h.Bytes()); err != nil {
			return err
		}
		if err := document.WritePDF(&p, d, fonts); err != nil {
			return err
		}
		if err := put(pp.Base+".pdf", p.Bytes()); err != nil {
			return err
		}
	}

	rows, err := deps.Org.ContactList(ctx)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name   string
		format orgio.Format
	}{{ContactsCSV, orgio.FormatCSV}, {ContactsXLSX, orgio.FormatXLSX}} {
		var buf bytes.Buffer
		if err := orgio.WriteContactList(&buf, f.format, rows, lang); err != nil {
			return err
		}
		if err := put(f.name, buf.Bytes()); err != nil {
			return err
		}
	}

	pg := Head{Lang: string(lang), Org: n.organisation(), Generated: deps.Clock.Now().UTC().Format("2006-01-02 15:04 UTC"), n: n}
	pages := []struct {
		name string
		data any
		tmpl string
	}{
		{IndexFile, indexData{Head: pg, Plans: plans}, "index"},
		{TeamsFile, teamsData(pg, lk), "teams"},
		{ContactsFile, contactsData(pg, rows), "contacts"},
		{ChecklistsFile, checklistsData(pg, plans), "checklists"},
	}
	for _, p := range pages {
		var buf bytes.Buffer
		if err := packTemplates.ExecuteTemplate(&buf, p.tmpl, p.data); err != nil {
			return err
		}
		if err := put(p.name, buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// Head is what every pack page shows at its top.
type Head struct {
	Lang      string
	Org       string
	Generated string
	n         namer
}

// T returns a fixed text of the pack.
func (p Head) T(key string, args ...any) string { return p.n.T(key, args...) }

type indexData struct {
	Head
	Plans []packPlan
}

type packPerson struct {
	Role, Name, Title, Unit, Mobile, Phone, Email string
	Deputies                                      []string
}

type packTeam struct {
	Name, Kind, Duties string
	Members            []packPerson
}

type teamsPage struct {
	Head
	Teams []packTeam
}

func teamsData(pg Head, lk *Lookup) teamsPage {
	n := pg.n
	var teams []org.Team
	for _, kind := range org.TeamKinds {
		var of []org.Team
		for _, t := range lk.Teams {
			if t.Kind == kind {
				of = append(of, t)
			}
		}
		sortTeams(of)
		teams = append(teams, of...)
	}
	out := teamsPage{Head: pg}
	for _, t := range teams {
		pt := packTeam{Name: n.pick(t.Name, t.NameEn), Kind: n.tr.T("team_kind." + string(t.Kind)), Duties: n.pick(t.Duties, t.DutiesEn)}
		for _, m := range membersInOrder(t.Members) {
			p := lk.People[m.PersonID]
			pp := packPerson{Role: n.seat(m.Role), Name: n.person(m.PersonID), Title: n.pick(p.Title, p.TitleEn), Unit: n.unit(p.UnitID),
				Mobile: p.Contact(org.ContactMobile), Phone: p.Contact(org.ContactPhone), Email: p.Contact(org.ContactEmail)}
			if p.UnitID == 0 {
				pp.Unit = ""
			}
			for i, id := range m.Deputies {
				s := strconv.Itoa(i+1) + ". " + n.person(id)
				if ph := n.phone(id); ph != "" {
					s += "  " + ph
				}
				pp.Deputies = append(pp.Deputies, s)
			}
			pt.Members = append(pt.Members, pp)
		}
		out.Teams = append(out.Teams, pt)
	}
	return out
}

func sortTeams(ts []org.Team) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && (ts[j].SortOrder < ts[j-1].SortOrder || ts[j].SortOrder == ts[j-1].SortOrder && ts[j].ID < ts[j-1].ID); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

type contactsPage struct {
	Head
	Rows []contactRow
}

type contactRow struct {
	Team, Role string
	Holder     packPerson
	Deputies   []packPerson
	First      bool // first seat of its team
}

func contactsData(pg Head, rows []org.ContactRow) contactsPage {
	n := pg.n
	entry := func(e org.ContactEntry) packPerson {
		name := e.Name
		if n.en() && e.NameEn != "" {
			name = e.NameEn
		}
		return packPerson{Name: name, Title: n.pick(e.Title, e.TitleEn), Unit: n.pick(e.Unit, e.UnitEn), Mobile: e.Mobile, Phone: e.Phone, Email: e.Email}
	}
	out := contactsPage{Head: pg}
	for i, r := range rows {
		cr := contactRow{Team: n.pick(r.Team, r.TeamEn), Role: n.seat(r.Role), Holder: entry(r.Holder)}
		for _, d := range r.Deputies {
			cr.Deputies = append(cr.Deputies, entry(d))
		}
		cr.First = i == 0 || rows[i-1].TeamID != r.TeamID
		out.Rows = append(out.Rows, cr)
	}
	return out
}

type checkTask struct {
	Step, Title, Detail, Who, Limit string
}

type checkPlaybook struct {
	Anchor, Title, Plan string
	Triggers            []string
	Authority, Deputy   string
	Tasks               []checkTask
}

type checklistsPage struct {
	Head
	Playbooks []checkPlaybook
}

func checklistsData(pg Head, plans []packPlan) checklistsPage {
	n := pg.n
	out := checklistsPage{Head: pg}
	for _, pp := range plans {
		for _, pb := range pp.Version.Content.Playbooks {
			cp := checkPlaybook{Anchor: "pb-" + strconv.Itoa(len(out.Playbooks)+1), Title: n.pick(pb.Title, pb.TitleEn), Plan: pp.Title}
			for _, t := range pb.Triggers {
				cp.Triggers = append(cp.Triggers, n.trigger(t))
			}
			if !pb.Activation.Authority.IsZero() {
				cp.Authority = n.role(pb.Activation.Authority)
			}
			if !pb.Activation.Deputy.IsZero() {
				cp.Deputy = n.role(pb.Activation.Deputy)
			}
			for _, t := range tasksInOrder(pb.Tasks) {
				cp.Tasks = append(cp.Tasks, checkTask{Step: strconv.Itoa(t.Step), Title: n.pick(t.Title, t.TitleEn),
					Detail: plainMarkdown(n.pick(t.Detail, t.DetailEn)), Who: n.role(t.Role), Limit: minutes(t.TimeLimit)})
			}
			out.Playbooks = append(out.Playbooks, cp)
		}
	}
	return out
}

var packTemplates = template.Must(template.New("pack").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Org}} · {{.T "pack.title"}}</title>
<style>
body{font-family:"Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei","Noto Sans CJK SC",Arial,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#1f2933;line-height:1.5}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.2em 0 .4em;border-bottom:2px solid #1f4e79;padding-bottom:2px}
h3{font-size:1.05em;margin:1em 0 .3em}
nav{margin:.5em 0 1em}nav a{margin-right:1em}
.meta{color:#52606d;font-size:.9em}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em;font-size:.92em}
th,td{border:1px solid #9aa5b1;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#e4ebf2}
td.box{width:1.6em;text-align:center}td.sign{width:8em}
.tel{white-space:nowrap;font-weight:bold}
ul{margin:.2em 0 .6em}
.card{border:1px solid #cbd2d9;border-radius:6px;padding:8px 12px;margin:.6em 0}
.detail{color:#52606d;font-size:.9em;white-space:pre-line}
@media print{nav,.noprint{display:none}a{color:inherit;text-decoration:none}.playbook{break-before:page}.playbook:first-of-type{break-before:auto}tr{break-inside:avoid}thead{display:table-header-group}}
</style>
</head>
<body>
<nav><a href="index.html">{{.T "pack.back"}}</a><a href="teams.html">{{.T "pack.teams"}}</a><a href="contacts.html">{{.T "pack.contacts"}}</a><a href="checklists.html">{{.T "pack.checklists"}}</a></nav>
<p class="meta">{{.Org}} · {{.T "pack.title"}} · {{.T "pack.generated" .Generated}}</p>
{{end}}

{{define "index"}}{{template "head" .Head}}
<h1>{{.Org}} {{.T "pack.title"}}</h1>
<p>{{.T "pack.intro"}}</p>
<h2>{{.T "pack.plans"}}</h2>
{{if .Plans}}<table><thead><tr><th>{{.T "kv.plan_code"}}</th><th>{{.T "col.name"}}</th><th>{{.T "kv.kind"}}</th><th>{{.T "kv.published"}}</th><th>{{.T "kv.review_due"}}</th><th>{{.T "pack.download"}}</th></tr></thead><tbody>
{{range .Plans}}<tr><td>{{.Plan.Code}}</td><td><a href="{{.Base}}.html">{{.Title}}</a> ({{$.T "pack.version" .Version.Number}})</td><td>{{.Kind}}</td><td>{{with .Version.PublishedAt}}{{.Format "2006-01-02"}}{{end}}</td><td>{{.Version.ReviewDue}}</td><td><a href="{{.Base}}.html">HTML</a> · <a href="{{.Base}}.pdf">PDF</a></td></tr>
{{end}}</tbody></table>{{else}}<p>{{.T "pack.no_plans"}}</p>{{end}}
<h2>{{.T "pack.teams"}} · {{.T "pack.contacts"}}</h2>
<ul>
<li><a href="teams.html">{{.T "pack.teams"}}</a></li>
<li><a href="contacts.html">{{.T "pack.contacts"}}</a> — {{.T "pack.download"}} <a href="contacts.csv">CSV</a> · <a href="contacts.xlsx">XLSX</a></li>
<li><a href="checklists.html">{{.T "pack.checklists"}}</a></li>
</ul>
</body></html>
{{end}}

{{define "teams"}}{{template "head" .Head}}
<h1>{{.T "pack.teams"}}</h1>
{{range .Teams}}<section class="card"><h2>{{.Name}}</h2><p class="meta">{{.Kind}}</p>
{{with .Duties}}<p class="detail">{{.}}</p>{{end}}
<table><thead><tr><th>{{$.T "col.role"}}</th><th>{{$.T "col.name"}}</th><th>{{$.T "col.title"}}</th><th>{{$.T "pack.unit"}}</th><th>{{$.T "pack.mobile"}}</th><th>{{$.T "col.phone"}}</th><th>{{$.T "col.deputies"}}</th></tr></thead><tbody>
{{range .Members}}<tr><td>{{.Role}}</td><td>{{.Name}}</td><td>{{.Title}}</td><td>{{.Unit}}</td><td class="tel">{{.Mobile}}</td><td class="tel">{{.Phone}}</td><td>{{range .Deputies}}{{.}}<br>{{end}}</td></tr>
{{end}}</tbody></table></section>
{{end}}</body></html>
{{end}}

{{define "contacts"}}{{template "head" .Head}}
<h1>{{.T "pack.contacts"}}</h1>
<p class="noprint">{{.T "pack.download"}} <a href="contacts.csv">CSV</a> · <a href="contacts.xlsx">XLSX</a></p>
<table><thead><tr><th>{{.T "pack.team"}}</th><th>{{.T "col.role"}}</th><th>{{.T "col.name"}}</th><th>{{.T "col.title"}}</th><th>{{.T "pack.mobile"}}</th><th>{{.T "col.phone"}}</th><th>{{.T "pack.email"}}</th><th>{{.T "col.deputies"}}</th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{if .First}}<b>{{.Team}}</b>{{else}}{{.Team}}{{end}}</td><td>{{.Role}}</td><td>{{.Holder.Name}}</td><td>{{.Holder.Title}}</td><td class="tel">{{.Holder.Mobile}}</td><td class="tel">{{.Holder.Phone}}</td><td>{{.Holder.Email}}</td><td>{{range $i, $d := .Deputies}}{{$d.Name}} <span class="tel">{{$d.Mobile}}{{if and $d.Mobile $d.Phone}} / {{end}}{{$d.Phone}}</span><br>{{end}}</td></tr>
{{end}}</tbody></table>
</body></html>
{{end}}

{{define "checklists"}}{{template "head" .Head}}
<h1>{{.T "pack.checklists"}}</h1>
<p>{{.T "pack.print"}}</p>
<ul class="noprint">{{range .Playbooks}}<li><a href="#{{.Anchor}}">{{.Title}}</a> <span class="meta">{{.Plan}}</span></li>{{end}}</ul>
{{range .Playbooks}}<section class="playbook" id="{{.Anchor}}"><h2>{{.Title}}</h2><p class="meta">{{.Plan}}</p>
{{if .Triggers}}<h3>{{$.T "sec.triggers"}}</h3><ul>{{range .Triggers}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Authority}}<p><b>{{$.T "kv.authority"}}:</b> {{.Authority}}{{if .Deputy}}<br><b>{{$.T "kv.deputy"}}:</b> {{.Deputy}}{{end}}</p>{{end}}
<table><thead><tr><th>✓</th><th>{{$.T "col.step"}}</th><th>{{$.T "col.task"}}</th><th>{{$.T "col.who"}}</th><th>{{$.T "col.limit"}}</th><th>{{$.T "pack.done_by"}}</th></tr></thead><tbody>
{{range .Tasks}}<tr><td class="box"><input type="checkbox" aria-label="{{.Title}}"></td><td>{{.Step}}</td><td>{{.Title}}{{with .Detail}}<div class="detail">{{.}}</div>{{end}}</td><td>{{.Who}}</td><td>{{.Limit}}</td><td class="sign"></td></tr>
{{end}}</tbody></table></section>
{{end}}</body></html>
{{end}}
`))
