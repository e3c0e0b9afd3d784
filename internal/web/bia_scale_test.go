package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
)

var optionValue = regexp.MustCompile(`<option value="([^"]*)"`)

// options lists the values of the <option> elements of a body.
func options(body string) []string {
	var out []string
	for _, m := range optionValue.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestBIANodePicker checks the search-as-you-type node picker, the same
// search without JavaScript (the text sent with the form), and that the
// process list follows a change of the cached analysis.
func TestBIANodePicker(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		d := e.loadBIADemo()
		e.seedUser("biaoffice", authz.BCMManager)
		c := e.client()
		c.login("biaoffice")
		wms, oms := bia.ResourceRef(d.res["APP-WMS"].ID), bia.ResourceRef(d.res["APP-OMS"].ID)

		// The options endpoint: matches by code or name, the first chosen.
		r := c.get("/bia/nodes/options?field=to&blank=common.choose&to_q=app-wms", "HX-Request", "true", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		if got := options(r.body); len(got) != 2 || got[0] != "" || got[1] != wms {
			t.Errorf("options for app-wms: %v", got)
		}
		mustContain(t, r.body, `<option value="`+wms+`" selected>`, "— choose —")
		r = c.get("/bia/nodes/options?field=node&blank=bia.pick_node&node_q="+url.QueryEscape("仓"), "HX-Request", "true", "Accept-Language", "zh-CN")
		if got := options(r.body); len(got) < 3 || !strings.Contains(r.body, "选择业务流程或资源") {
			t.Errorf("options for 仓: %v", got)
		}
		r = c.get("/bia/nodes/options?family=resource&q=BP-", "HX-Request", "true")
		if got := options(r.body); len(got) != 1 {
			t.Errorf("processes offered to a resource-only picker: %v", got)
		}
		// The blank label comes from a fixed list, never from the request.
		r = c.get("/bia/nodes/options?blank=%3Cscript%3E&q=APP-", "HX-Request", "true")
		if strings.Contains(r.body, "<script>") || len(options(r.body)) < 3 {
			t.Errorf("options with a bad blank: %s", r.body)
		}

		// The dependency form lists at most the picker's matches.
		r = c.get("/bia/dependencies/new?from="+bia.ProcessRef(d.procs["BP-10"].ID), "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `name="to_q"`, `hx-get="/bia/nodes/options?field=to&amp;family=&amp;blank=common.choose"`)

		// Without JavaScript: the code typed in the search box is taken.
		deps := func() int {
			ds, err := e.app.BIA.Dependencies(sys(), bia.ProcessRef(d.procs["BP-10"].ID))
			if err != nil {
				t.Fatal(err)
			}
			return len(ds)
		}
		n := deps()
		from := bia.ProcessRef(d.procs["BP-10"].ID)
		r = c.post("/bia/dependencies", url.Values{"from": {from}, "to": {""}, "to_q": {"zz-nothing"}, "type": {"uses"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "to"); got != "No process or resource matches “zz-nothing”." {
			t.Errorf("no match: %q", got)
		}
		r = c.post("/bia/dependencies", url.Values{"from": {from}, "to_q": {"APP-"}, "type": {"uses"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "to"); !strings.HasPrefix(got, "Several processes or resources match") {
			t.Errorf("several matches: %q", got)
		}
		// The list then offers the matches of the text typed.
		mustContain(t, r.body, `value="APP-"`, `<option value="`+wms+`"`)
		if deps() != n {
			t.Fatalf("a dependency was stored from an unresolved search")
		}
		r = c.post("/bia/dependencies", url.Values{"from": {from}, "to": {""}, "to_q": {"app-oms"}, "type": {"uses"}})
		wantStatus(t, r, http.StatusSeeOther)
		if deps() != n+1 {
			t.Fatalf("the dependency on the OMS typed by code was not stored")
		}
		// A choice the typed text does not match gives way to the text.
		r = c.get("/bia/graph?node="+oms+"&node_q=APP-WMS", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `data-failed="`+wms+`"`, "Loss of APP-WMS")
		r = c.get("/bia/graph?node_q=nothing-like-this", "Accept-Language", "en")
		mustContain(t, r.body, "data-pick-error", "No process or resource matches")

		// The process list follows the cached feasibility: the data centre
		// recovering in one hour closes the gaps it caused.
		gapsShown := func() string {
			t.Helper()
			r := c.get("/bia", "Accept-Language", "en")
			wantStatus(t, r, http.StatusOK)
			m := regexp.MustCompile(`(\d+) processes cannot meet their RTO`).FindStringSubmatch(r.body)
			if m == nil {
				return "0"
			}
			return m[1]
		}
		before := gapsShown()
		if again := gapsShown(); again != before {
			t.Fatalf("the gap count changed without a change: %s then %s", before, again)
		}
		feas, err := e.app.BIA.FeasibilityReport(sys())
		if err != nil {
			t.Fatal(err)
		}
		if before != fmt.Sprint(feas.Processes()) || before == "0" {
			t.Fatalf("list shows %s gaps, the analysis %d", before, feas.Processes())
		}
		for _, code := range []string{"SITE-DC", "APP-WMS", "APP-CC", "APP-TMS"} {
			res := d.res[code]
			res.RecoveryMinutes = ptrInt(1)
			if _, err := e.app.BIA.SaveResource(sys(), res); err != nil {
				t.Fatal(err)
			}
		}
		after := gapsShown()
		feas2, err := e.app.BIA.FeasibilityReport(sys())
		if err != nil {
			t.Fatal(err)
		}
		if after == before || after != fmt.Sprint(feas2.Processes()) || feas2.Revision <= feas.Revision {
			t.Errorf("after the change the list shows %s gaps (before %s), the analysis %d", after, before, feas2.Processes())
		}
	})
}

func ptrInt(v int) *int { return &v }

// TestBIALargeInventory checks the pages on an inventory too large to list
// or draw whole: the graph starts from the important processes, pickers
// list a bounded number of matches, and campaigns take their processes by
// scope.
func TestBIALargeInventory(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("biaoffice", authz.BCMManager)
		const procs, resources = 320, 1300
		now := e.clock.Now()
		var data bia.GraphData
		for i := range procs {
			p := bia.Process{Code: fmt.Sprintf("BP-%04d", i), Name: fmt.Sprintf("流程 %d", i), NameEn: fmt.Sprintf("Process %d", i),
				UnitID: e.root.ID, Important: i%100 == 7, CreatedAt: now, UpdatedAt: now}
			p.RTOMinutes = ptrInt(60)
			data.Processes = append(data.Processes, p)
			data.Dependencies = append(data.Dependencies, bia.Dependency{From: fmt.Sprintf("p%d", i+1), To: fmt.Sprintf("r%d", i%resources+1),
				Type: bia.Uses, CreatedAt: now, UpdatedAt: now})
		}
		for i := range resources {
			data.Resources = append(data.Resources, bia.Resource{Kind: bia.Application, Code: fmt.Sprintf("APP-%04d", i),
				Name: fmt.Sprintf("系统 %d", i), RecoveryMinutes: ptrInt(120), CreatedAt: now, UpdatedAt: now})
			if i > 0 {
				data.Dependencies = append(data.Dependencies, bia.Dependency{From: fmt.Sprintf("r%d", i+1), To: "r1",
					Type: bia.HostedOn, CreatedAt: now, UpdatedAt: now})
			}
		}
		if err := e.app.DB.ImportBIA(sys(), &data); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("biaoffice")

		// The graph starts from the important processes and what they
		// depend on; the picker lists at most 50 nodes.
		r := c.get("/bia/graph", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "data-partial", "The inventory has 1620 processes and resources", "4 important business processes and what they depend on directly")
		m := regexp.MustCompile(`(?s)<select name="node" id="bia-node".*?</select>`).FindString(r.body)
		if got := options(m); len(got) > 52 || len(got) < 10 {
			t.Errorf("the graph's picker lists %d nodes", len(got))
		}
		for _, i := range []int{7, 107, 207} {
			if !strings.Contains(r.body, `"id":"`+data.Processes[i].Ref()+`"`) {
				t.Errorf("important process %d is not drawn", i)
			}
		}
		if strings.Contains(r.body, `"id":"`+data.Processes[8].Ref()+`"`) {
			t.Errorf("an ordinary process is drawn before anything is picked")
		}
		// Picking the shared resource draws at most 1,500 of the 1,619
		// nodes its loss takes down and lists 200 processes.
		r = c.get("/bia/graph?node_q=APP-0000", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "data-partial", `data-failed="`+data.Resources[0].Ref()+`"`, "data-more-rows", "And 120 more processes")
		if got := strings.Count(r.body, `"kind":"`); got != 1500 {
			t.Errorf("%d nodes drawn", got)
		}
		// Searching finds any node.
		r = c.get("/bia/nodes/options?q=APP-1299", "HX-Request", "true")
		if got := options(r.body); len(got) != 2 || got[1] != data.Resources[1299].Ref() {
			t.Errorf("search for APP-1299: %v", got)
		}
		r = c.get("/bia/nodes/options?q=APP", "HX-Request", "true")
		if got := options(r.body); len(got) != 52 || !strings.Contains(r.body, "disabled") {
			t.Errorf("search for APP: %d options", len(got))
		}

		// The analysis page lists the first 100 gaps, important ones first,
		// with the count of all.
		r = c.get("/bia/analysis", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `data-count="gaps">320<`, "The first 100 of 320, important business first")
		if got := strings.Count(r.body, `data-gap="`); got != 100 {
			t.Errorf("%d gaps listed", got)
		}
		if m := regexp.MustCompile(`data-gap="([^"]+)"`).FindStringSubmatch(r.body); m == nil || m[1] != data.Processes[7].Ref() {
			t.Errorf("first gap listed: %v, want the important %s", m, data.Processes[7].Ref())
		}
		if m := regexp.MustCompile(`data-spof="([^"]+)"`).FindStringSubmatch(r.body); m == nil || m[1] != data.Resources[0].Ref() {
			t.Errorf("first single point of failure: %v, want the shared %s", m, data.Resources[0].Ref())
		}

		// Campaigns: no list of 320 check boxes, a scope instead.
		r = c.get("/bia/campaigns", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "The inventory has 320 processes", `name="scope" value="important" checked`)
		if strings.Contains(r.body, `name="process_id"`) {
			t.Errorf("the launch form lists the processes")
		}
		r = c.post("/bia/campaigns", url.Values{"name": {"重要业务调查"}, "scope": {"important"}})
		wantStatus(t, r, http.StatusSeeOther)
		answers, err := e.app.BIA.Answers(sys(), bia.AnswerFilter{})
		if err != nil || len(answers) != 4 {
			t.Fatalf("%d questionnaires for the important processes, %v", len(answers), err)
		}
		r = c.post("/bia/campaigns", url.Values{"name": {"单位调查"}, "scope": {"unit"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "unit_id"); got != "choose a unit" {
			t.Errorf("unit scope without a unit: %q", got)
		}
		r = c.post("/bia/campaigns", url.Values{"name": {"全面调查"}, "scope": {"unit"}, "unit_id": {idStr(e.root.ID)}})
		wantStatus(t, r, http.StatusSeeOther)
		// Its questionnaires are listed 100 a page.
		loc := strings.TrimSuffix(r.location(), "#answers")
		seen := map[string]bool{}
		for page := 1; page <= 4; page++ {
			r = c.get(loc+"?page="+fmt.Sprint(page), "Accept-Language", "en")
			wantStatus(t, r, http.StatusOK)
			rows := regexp.MustCompile(`data-answer="(\d+)"`).FindAllStringSubmatch(r.body, -1)
			if want := min(100, procs-100*(page-1)); len(rows) != want {
				t.Errorf("page %d lists %d questionnaires, want %d", page, len(rows), want)
			}
			for _, m := range rows {
				seen[m[1]] = true
			}
			mustContain(t, r.body, fmt.Sprintf("Page %d of 4", page), "Process ")
		}
		if len(seen) != procs {
			t.Errorf("%d questionnaires over the pages, want %d", len(seen), procs)
		}
	})
}
