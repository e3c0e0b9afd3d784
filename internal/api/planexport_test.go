package api_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
)

func exportPlanSetup(t *testing.T, e *env) {
	p, v, err := e.app.Plan.CreatePlan(sys(), plan.Plan{Kind: plan.Special, Code: "EXP-01", UnitID: e.ids["group"]}, plan.Version{
		Title: "停电专项应急预案", TitleEn: "Power outage plan",
		Content: plan.Content{
			Purpose:      plan.Section{Text: "保障停电时业务连续。", TextEn: "Keep operating through a power cut."},
			Organisation: plan.Organisation{Teams: []plan.TeamDuty{{TeamID: e.ids["team"], Duties: "统一指挥"}}},
			Playbooks: []plan.Playbook{{Title: "市电中断", TitleEn: "Mains failure",
				Tasks: []plan.Task{{Step: 1, Title: "启动备用发电机", TitleEn: "Start the generator",
					Role: plan.Role{TeamID: e.ids["team"], TeamRole: org.RoleLeader}, TimeLimit: 30}}}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	e.ids["xplan"], e.ids["xversion"] = p.ID, int64(v.Number)
}

func unzipped(t *testing.T, body []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(rc)
		rc.Close()
		out[f.Name] = b.Bytes()
	}
	return out
}

func TestPlanExportAPI(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "export as HTML in Chinese", role: "viewer", method: "GET", url: "/plans/{xplan}/versions/{xversion}/export?format=html&lang=zh-CN",
			setup: exportPlanSetup, status: 200, contains: []string{"停电专项应急预案", "1  总则", "启动备用发电机", "卡罗尔", "138 0000 0003"},
			excludes: []string{"<script"},
			check: func(t *testing.T, e *env, res response) {
				if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type %q", ct)
				}
				if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="EXP-01-v1-zh.html"`) {
					t.Errorf("Content-Disposition %q", cd)
				}
			}},
		{name: "export as DOCX in English", role: "viewer", method: "GET", url: "/plans/{xplan}/versions/{xversion}/export?format=docx&lang=en",
			status: 200, check: func(t *testing.T, e *env, res response) {
				doc := unzipped(t, res.body)["word/document.xml"]
				for _, want := range []string{"Power outage plan", "Start the generator", "Organisation and duties"} {
					if !bytes.Contains(doc, []byte(want)) {
						t.Errorf("document.xml lacks %q", want)
					}
				}
			}},
		{name: "export in a bad format", role: "viewer", method: "GET", url: "/plans/{xplan}/versions/{xversion}/export?format=odt",
			status: 422, contains: []string{`"field":"query.format"`}},
		{name: "export an unknown version", role: "viewer", method: "GET", url: "/plans/{xplan}/versions/9/export?format=html",
			status: 404},
		{name: "export anonymously", method: "GET", url: "/plans/{xplan}/versions/{xversion}/export?format=html", status: 401},
		{name: "crisis pack", role: "viewer", method: "GET", url: "/crisis-pack?lang=en", status: 200,
			check: func(t *testing.T, e *env, res response) {
				if ct := res.header.Get("Content-Type"); ct != "application/zip" {
					t.Errorf("Content-Type %q", ct)
				}
				files := unzipped(t, res.body)
				for _, name := range []string{"index.html", "teams.html", "contacts.html", "contacts.csv", "contacts.xlsx", "checklists.html"} {
					if len(files["crisis-pack/"+name]) == 0 {
						t.Errorf("%s missing", name)
					}
				}
				if teams := files["crisis-pack/teams.html"]; !bytes.Contains(teams, []byte("Carol")) || !bytes.Contains(teams, []byte("1. Alice")) {
					t.Errorf("teams.html lacks the leader and their deputy: %.400s", teams)
				}
			}},
		{name: "crisis pack anonymously", method: "GET", url: "/crisis-pack", status: 401},
	})
}
