package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/bia"
)

// biaFixture stores a small dependency chain as the manager and names the
// ids: dispatch (important, RTO 4 h) uses the WMS (8 h to recover), hosted
// in the data centre (4 h), and a carrier with a backup carrier; billing
// takes input from dispatch.
func biaFixture(t *testing.T, e *env) {
	t.Helper()
	if _, ok := e.ids["p_dispatch"]; ok {
		return
	}
	var p bia.Process
	e.json("manager", http.MethodPost, "/bia/processes", `{"code": "BP-DSP", "name": "出库发运", "name_en": "Dispatch", "unit_id": {eastops},
		"owner_id": {alice}, "important": true, "rto_minutes": 240, "rpo_minutes": 30, "mtpd_minutes": 1440,
		"impacts": [{"category": "customer", "after_minutes": 60, "level": 2}, {"category": "customer", "after_minutes": 240, "level": 4}]}`,
		http.StatusCreated, &p)
	e.ids["p_dispatch"] = p.ID
	e.json("manager", http.MethodPost, "/bia/processes", `{"name": "结算", "name_en": "Billing", "unit_id": {group}, "rto_minutes": 1440}`,
		http.StatusCreated, &p)
	e.ids["p_billing"] = p.ID
	for _, r := range []struct{ key, body string }{
		{"r_wms", `{"kind": "application", "code": "APP-WMS", "name": "仓储管理系统", "name_en": "WMS", "recovery_minutes": 480}`},
		{"r_dc", `{"kind": "site", "name": "数据中心", "name_en": "Data centre", "site_id": {site}, "recovery_minutes": 240}`},
		{"r_carrier", `{"kind": "supplier", "name": "顺达运输", "recovery_minutes": 60}`},
		{"r_backup", `{"kind": "supplier", "name": "备用承运商", "recovery_minutes": 120}`},
	} {
		var res bia.Resource
		e.json("manager", http.MethodPost, "/bia/resources", r.body, http.StatusCreated, &res)
		e.ids[r.key] = res.ID
	}
	for _, d := range []string{
		`{"from": "p{p_dispatch}", "to": "r{r_wms}"}`,
		`{"from": "r{r_wms}", "to": "r{r_dc}", "type": "hosted_on"}`,
		`{"from": "p{p_dispatch}", "to": "r{r_carrier}", "alternative": "r{r_backup}", "type": "supplied_by"}`,
		`{"from": "p{p_billing}", "to": "p{p_dispatch}", "type": "input"}`,
	} {
		var dep bia.Dependency
		e.json("manager", http.MethodPost, "/bia/dependencies", d, http.StatusCreated, &dep)
		e.ids["dep_last"] = dep.ID
	}
}

func TestBIAProcessesResourcesDependencies(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "settings", role: "viewer", method: "GET", url: "/bia/settings",
			status: 200, contains: []string{`"time_points_minutes":[60,240,1440,4320,10080]`, `"intolerable_level":4`, `"currency":"CNY"`}},
		{name: "settings changed by a department lead is forbidden", role: "lead", method: "PUT", url: "/bia/settings",
			body: `{"time_points_minutes": [60], "intolerable_level": 3, "currency": "CNY"}`, status: 403},
		{name: "create a process with a derived MTPD", role: "manager", method: "POST", url: "/bia/processes",
			body: `{"code": "BP-01", "name": "订单受理", "name_en": "Order intake", "unit_id": {eastops}, "owner_id": {alice}, "important": true,
				"rto_minutes": 120, "rpo_minutes": 0, "peak_periods": "双十一", "min_staff": 4,
				"impacts": [{"category": "financial", "after_minutes": 60, "level": 2, "amount": 80000},
					{"category": "financial", "after_minutes": 240, "level": 4, "amount": 600000}]}`,
			status: 201, contains: []string{`"code":"BP-01"`, `"mtpd_minutes":240`, `"mtpd_derived":true`, `"rpo_minutes":0`, `"amount":600000`, `"approved_answer_id":null`}},
		{name: "create with RTO greater than MTPD", role: "manager", method: "POST", url: "/bia/processes",
			body:   `{"name": "仓库收货", "unit_id": {eastops}, "rto_minutes": 600, "mtpd_minutes": 480}`,
			status: 422, contains: []string{`"field":"body.rto_minutes"`, `must not be greater than the MTPD (8h), RTO is 10h`}},
		{name: "create with RTO greater than the derived MTPD", role: "manager", method: "POST", url: "/bia/processes",
			body: `{"name": "冷链监控", "unit_id": {eastops}, "rto_minutes": 300,
				"impacts": [{"category": "safety", "after_minutes": 240, "level": 5}]}`,
			status: 422, contains: []string{`"field":"body.rto_minutes"`, `the MTPD derived from the impacts (4h)`}},
		{name: "create with a negative RPO", role: "manager", method: "POST", url: "/bia/processes",
			body:   `{"name": "数据", "unit_id": {eastops}, "rpo_minutes": -5}`,
			status: 422, contains: []string{`{"field":"body.rpo_minutes","message":"must not be negative"}`}},
		{name: "create in an unknown unit", role: "manager", method: "POST", url: "/bia/processes",
			body:   `{"name": "无处", "unit_id": 999999}`,
			status: 422, contains: []string{`{"field":"body.unit_id","message":"no org unit with id 999999"}`}},
		{name: "create with an unknown owner", role: "manager", method: "POST", url: "/bia/processes",
			body:   `{"name": "无主", "unit_id": {east}, "owner_id": 999999}`,
			status: 422, contains: []string{`{"field":"body.owner_id","message":"no person with id 999999"}`}},
		{name: "create with an impact at an unknown time point", role: "manager", method: "POST", url: "/bia/processes",
			body:   `{"name": "X", "unit_id": {east}, "impacts": [{"category": "customer", "after_minutes": 90, "level": 2}]}`,
			status: 422, contains: []string{`"field":"body.impacts[0].after_minutes"`}},
		{name: "create as a department lead in their branch", role: "lead", method: "POST", url: "/bia/processes",
			body: `{"name": "华东拣货", "unit_id": {eastops}}`, status: 201},
		{name: "create as a department lead elsewhere is forbidden", role: "lead", method: "POST", url: "/bia/processes",
			body: `{"name": "华西配送", "unit_id": {west}}`, status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "create as viewer is forbidden", role: "viewer", method: "POST", url: "/bia/processes",
			body: `{"name": "X", "unit_id": {east}}`, status: 403},
		{name: "list processes of a subtree", role: "viewer", method: "GET", url: "/bia/processes?unit_id={east}", setup: biaFixture,
			status: 200, contains: []string{`"name":"出库发运"`}, excludes: []string{`"name":"结算"`}},
		{name: "get a process", role: "viewer", method: "GET", url: "/bia/processes/{p_dispatch}", setup: biaFixture,
			status: 200, contains: []string{`"name_en":"Dispatch"`, `"rto_minutes":240`, `"mtpd_derived":false`}},
		{name: "get an unknown process", role: "viewer", method: "GET", url: "/bia/processes/999999", status: 404},
		{name: "update a process", role: "manager", method: "PUT", url: "/bia/processes/{p_billing}", setup: biaFixture,
			body:   `{"name": "结算", "name_en": "Billing and settlement", "unit_id": {group}, "rto_minutes": 2880}`,
			status: 200, contains: []string{`"name_en":"Billing and settlement"`, `"rto_minutes":2880`}},
		{name: "duplicate process code", role: "manager", method: "POST", url: "/bia/processes", setup: biaFixture,
			body: `{"code": "BP-DSP", "name": "重复", "unit_id": {east}}`, status: 409, contains: []string{`"field":"body.code"`, "出库发运"}},

		{name: "list resources of a kind", role: "viewer", method: "GET", url: "/bia/resources?kind=supplier", setup: biaFixture,
			status: 200, contains: []string{`"name":"顺达运输"`, `"name":"备用承运商"`}, excludes: []string{`"WMS"`}},
		{name: "create a resource on an unknown site", role: "manager", method: "POST", url: "/bia/resources",
			body:   `{"kind": "site", "name": "外仓", "site_id": 999999}`,
			status: 422, contains: []string{`{"field":"body.site_id","message":"no site with id 999999"}`}},
		{name: "create a resource of an unknown kind", role: "manager", method: "POST", url: "/bia/resources",
			body: `{"kind": "vehicle", "name": "卡车"}`, status: 422, contains: []string{`"field":"body.kind"`}},
		{name: "an organisation-wide resource needs bia.manage", role: "lead", method: "POST", url: "/bia/resources",
			body: `{"kind": "application", "name": "ERP"}`, status: 403},
		{name: "a department lead adds equipment of their unit", role: "lead", method: "POST", url: "/bia/resources",
			body: `{"kind": "equipment", "name": "叉车", "unit_id": {eastops}, "recovery_minutes": 240}`, status: 201,
			contains: []string{`"recovery_minutes":240`}},
		{name: "update a resource", role: "manager", method: "PUT", url: "/bia/resources/{r_wms}", setup: biaFixture,
			body:   `{"kind": "application", "code": "APP-WMS", "name": "仓储管理系统", "name_en": "WMS", "recovery_minutes": 180}`,
			status: 200, contains: []string{`"recovery_minutes":180`}},

		{name: "dependency on itself", role: "manager", method: "POST", url: "/bia/dependencies", setup: biaFixture,
			body:   `{"from": "p{p_dispatch}", "to": "p{p_dispatch}"}`,
			status: 422, contains: []string{`{"field":"body.to","message":"a process or resource cannot depend on itself"}`}},
		{name: "dependency on an unknown resource", role: "manager", method: "POST", url: "/bia/dependencies", setup: biaFixture,
			body:   `{"from": "p{p_dispatch}", "to": "r999999"}`,
			status: 422, contains: []string{`{"field":"body.to","message":"no resource with id 999999"}`}},
		{name: "dependency from an unknown process", role: "manager", method: "POST", url: "/bia/dependencies", setup: biaFixture,
			body:   `{"from": "p999999", "to": "r{r_wms}"}`,
			status: 422, contains: []string{`{"field":"body.from","message":"no process with id 999999"}`}},
		{name: "dependency with an unknown alternative", role: "manager", method: "POST", url: "/bia/dependencies", setup: biaFixture,
			body:   `{"from": "p{p_billing}", "to": "r{r_carrier}", "alternative": "r999999"}`,
			status: 422, contains: []string{`{"field":"body.alternative","message":"no resource with id 999999"}`}},
		{name: "dependency with a malformed reference", role: "manager", method: "POST", url: "/bia/dependencies",
			body: `{"from": "process-1", "to": "r1"}`, status: 422, contains: []string{`"field":"body.from"`, "p12"}},
		{name: "a resource cannot depend on a process", role: "manager", method: "POST", url: "/bia/dependencies", setup: biaFixture,
			body: `{"from": "r{r_wms}", "to": "p{p_dispatch}"}`, status: 422, contains: []string{`"field":"body.to"`}},
		{name: "the same dependency twice", role: "manager", method: "POST", url: "/bia/dependencies", setup: biaFixture,
			body: `{"from": "p{p_dispatch}", "to": "r{r_wms}"}`, status: 409, contains: []string{`"code":"conflict"`}},
		{name: "list the dependencies of a node", role: "viewer", method: "GET", url: "/bia/dependencies?node=r{r_wms}", setup: biaFixture,
			status: 200, contains: []string{`"from":"p{p_dispatch}","to":"r{r_wms}"`, `"from":"r{r_wms}","to":"r{r_dc}"`},
			excludes: []string{`"to":"r{r_carrier}"`}},
		{name: "list with a bad node", role: "viewer", method: "GET", url: "/bia/dependencies?node=wms",
			status: 422, contains: []string{`"field":"node"`}},
		{name: "delete a dependency", role: "manager", method: "DELETE", url: "/bia/dependencies/{dep_last}", setup: biaFixture,
			status: 204, check: func(t *testing.T, e *env, _ response) {
				e.json("viewer", "GET", "/bia/dependencies/{dep_last}", "", 404, nil)
			}},
		{name: "delete a resource removes what depends on it", role: "manager", method: "DELETE", url: "/bia/resources/{r_backup}", setup: biaFixture,
			status: 204, check: func(t *testing.T, e *env, _ response) {
				res := e.json("viewer", "GET", "/bia/dependencies?node=r{r_carrier}", "", 200, nil)
				if !contains(res.body, `"alternative":""`) {
					t.Errorf("the alternative should be gone: %s", res.body)
				}
			}},
	})
}

func TestBIAAnalysis(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "impact of losing the data centre", role: "viewer", method: "GET", url: "/bia/analysis/impact?failed=r{r_dc}", setup: biaFixture,
			status: 200, contains: []string{`"processes":2`, `"important":1`, `"rto_breached":0`,
				`"ref":"p{p_dispatch}"`, `"path":["p{p_dispatch}","r{r_wms}","r{r_dc}"]`, `"outage_minutes":240`,
				`"crossed":[{"at_minutes":60,"level":2,"categories":"customer"}]`, `"resources":1`}, excludes: []string{`"ref":"r{r_wms}"`}},
		{name: "impact with the resources taken down", role: "viewer", method: "GET", url: "/bia/analysis/impact?failed=r{r_dc}&resources=true", setup: biaFixture,
			status: 200, contains: []string{`"ref":"r{r_wms}"`, `"via":"r{r_dc}","via_type":"hosted_on"`, `"direct":true`}},
		{name: "impact of losing the carrier alone takes nothing down", role: "viewer", method: "GET", url: "/bia/analysis/impact?failed=r{r_carrier}",
			setup: biaFixture, status: 200, contains: []string{`"processes":0`}},
		{name: "impact of losing both carriers", role: "viewer", method: "GET", url: "/bia/analysis/impact?failed=r{r_carrier},r{r_backup}",
			setup: biaFixture, status: 200, contains: []string{`"processes":2`, `"via_alternative":true`, `"outage_minutes":120`}},
		{name: "impact of an unknown resource", role: "viewer", method: "GET", url: "/bia/analysis/impact?failed=r999999",
			setup: biaFixture, status: 422, contains: []string{`{"field":"failed[0]","message":"no process or resource r999999"}`}},
		{name: "impact without a failed node", role: "viewer", method: "GET", url: "/bia/analysis/impact", status: 422},
		{name: "feasibility gaps with the chain", role: "viewer", method: "GET", url: "/bia/analysis/feasibility", setup: biaFixture,
			status: 200, contains: []string{`"rto_minutes":240,"recovery_minutes":480`, `"bottleneck":{"ref":"r{r_wms}"`, `"name_en":"WMS"`}},
		{name: "required recovery", role: "viewer", method: "GET", url: "/bia/analysis/required-recovery", setup: biaFixture,
			status: 200, contains: []string{`"required_minutes":240`, `"gap":true`}, excludes: []string{`"ref":"r{r_carrier}"`}},
		{name: "single points of failure", role: "viewer", method: "GET", url: "/bia/analysis/spof", setup: biaFixture,
			status: 200, contains: []string{`"resource":{"ref":"r{r_wms}"`, `"resource":{"ref":"r{r_dc}"`, `"limit":0,"offset":0`}, excludes: []string{`"resource":{"ref":"r{r_carrier}"`}},
		{name: "single points of failure a page at a time", role: "viewer", method: "GET", url: "/bia/analysis/spof?limit=1&offset=1", setup: biaFixture,
			status: 200, check: func(t *testing.T, e *env, res response) {
				var all, page struct {
					Items []bia.SPOF `json:"items"`
					Total int        `json:"total"`
				}
				decode(t, res.body, &page)
				e.json("viewer", "GET", "/bia/analysis/spof", "", 200, &all)
				if all.Total < 2 || all.Total != len(all.Items) || page.Total != all.Total || len(page.Items) != 1 ||
					page.Items[0].Resource.Ref != all.Items[1].Resource.Ref {
					t.Errorf("page %+v of %+v", page, all)
				}
			}},
		{name: "single points of failure past the end", role: "viewer", method: "GET", url: "/bia/analysis/spof?offset=1000", setup: biaFixture,
			status: 200, contains: []string{`"items":[]`}},
		{name: "single points of failure with a bad limit", role: "viewer", method: "GET", url: "/bia/analysis/spof?limit=-1", setup: biaFixture,
			status: 422, contains: []string{`"query.limit"`}},
		{name: "no cycles", role: "viewer", method: "GET", url: "/bia/analysis/cycles", setup: biaFixture,
			status: 200, contains: []string{`"items":[]`}},
		{name: "recovery order", role: "viewer", method: "GET", url: "/bia/analysis/recovery-order?failed=p{p_dispatch},r{r_wms},r{r_dc}", setup: biaFixture,
			status: 200, check: func(t *testing.T, e *env, res response) {
				var out struct {
					Items []bia.RecoveryStep `json:"items"`
				}
				decode(t, res.body, &out)
				var order []string
				for _, s := range out.Items {
					order = append(order, s.Nodes[0].Ref)
				}
				if want := e.expand("r{r_dc},r{r_wms},p{p_dispatch}"); strings.Join(order, ",") != want {
					t.Errorf("order %v, want %s", order, want)
				}
			}},
		{name: "the graph", role: "viewer", method: "GET", url: "/bia/graph", setup: biaFixture,
			status: 200, contains: []string{`"nodes":[`, `"edges":[`, `"alternative":"r{r_backup}"`}},
		{name: "analysis needs a token", method: "GET", url: "/bia/analysis/spof", status: 401},
	})
}

// TestBIACampaign walks a questionnaire through launch, draft, submit,
// return, submit again and approval.
func TestBIACampaign(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			biaFixture(t, e)

			e.json("lead", "POST", "/bia/campaigns", `{"name": "X", "process_ids": [{p_dispatch}]}`, 403, nil)
			res := e.json("manager", "POST", "/bia/campaigns", `{"name": "年度", "process_ids": [{p_dispatch}, 999999]}`, 422, nil)
			if !contains(res.body, `{"field":"body.process_ids[1]","message":"no process with id 999999"}`) {
				t.Errorf("unknown process: %s", res.body)
			}
			var c bia.Campaign
			e.json("manager", "POST", "/bia/campaigns", `{"name": "2025 年度业务影响分析", "name_en": "2025 BIA", "due": "2025-04-30",
				"process_ids": [{p_dispatch}, {p_billing}]}`, 201, &c)
			if c.Status != bia.CampaignOpen || c.Progress.Pending != 2 {
				t.Errorf("launched %+v", c)
			}
			var answers struct{ Items []bia.Answer }
			e.json("viewer", "GET", "/bia/answers?campaign_id="+itoa(c.ID), "", 200, &answers)
			if len(answers.Items) != 2 || answers.Items[0].ProcessID != e.ids["p_dispatch"] || *answers.Items[0].Values.RTOMinutes != 240 {
				t.Fatalf("answers %+v", answers.Items)
			}
			id := itoa(answers.Items[0].ID)
			e.ids["ans"] = answers.Items[0].ID

			// The west cannot answer for the east; the lead of the east can.
			res = e.json("lead", "PUT", "/bia/answers/{ans}", `{"rto_minutes": 600, "mtpd_minutes": 480}`, 422, nil)
			if !contains(res.body, `"field":"body.rto_minutes"`) {
				t.Errorf("RTO over MTPD in an answer: %s", res.body)
			}
			var impacts []string
			for _, cat := range bia.Categories {
				for i, tp := range []int{60, 240, 1440, 4320, 10080} {
					impacts = append(impacts, `{"category": "`+string(cat)+`", "after_minutes": `+itoa(int64(tp))+`, "level": `+itoa(int64(min(i+1, 5)))+`}`)
				}
			}
			full := `{"rto_minutes": 240, "rpo_minutes": 60, "mbco": "承运能力 60%", "peak_periods": "双十一", "min_staff": 12,
				"impacts": [` + strings.Join(impacts, ",") + `]}`
			e.json("lead", "PUT", "/bia/answers/"+id, `{"rto_minutes": 240}`, 200, nil)
			res = e.json("lead", "POST", "/bia/answers/"+id+"/submit", "", 422, nil)
			if !contains(res.body, `financial impact is not rated at 1h, 4h, 1d, 3d, 1w`) {
				t.Errorf("incomplete submit: %s", res.body)
			}
			var a bia.Answer
			e.json("lead", "PUT", "/bia/answers/"+id, full, 200, &a)
			if a.Status != bia.Draft || *a.Values.MTPDMinutes != 4320 || !a.Values.MTPDDerived {
				t.Errorf("draft %+v", a)
			}
			e.json("lead", "POST", "/bia/answers/"+id+"/submit", "", 200, &a)
			if a.Status != bia.Submitted {
				t.Errorf("status %s", a.Status)
			}
			e.json("lead", "PUT", "/bia/answers/"+id, full, 409, nil)
			e.json("lead", "POST", "/bia/answers/"+id+"/approve", "", 403, nil)
			res = e.json("manager", "POST", "/bia/answers/"+id+"/return", `{"comment": ""}`, 422, nil)
			if !contains(res.body, `"field":"comment"`) && !contains(res.body, `"field":"body.comment"`) {
				t.Errorf("return without comment: %s", res.body)
			}
			e.json("manager", "POST", "/bia/answers/"+id+"/return", `{"comment": "最低人员配置请按夜班核实"}`, 200, &a)
			if a.Status != bia.Returned || a.Comment != "最低人员配置请按夜班核实" {
				t.Errorf("returned %+v", a)
			}
			e.json("lead", "PUT", "/bia/answers/"+id, strings.Replace(full, `"min_staff": 12`, `"min_staff": 8`, 1), 200, nil)
			e.json("lead", "POST", "/bia/answers/"+id+"/submit", "", 200, nil)
			e.json("manager", "POST", "/bia/answers/"+id+"/approve", `{"comment": "同意"}`, 200, &a)
			if a.Status != bia.Approved || a.ReviewedByName == "" {
				t.Errorf("approved %+v", a)
			}
			var p bia.Process
			e.json("viewer", "GET", "/bia/processes/{p_dispatch}", "", 200, &p)
			if *p.MinStaff != 8 || *p.MTPDMinutes != 4320 || p.MBCO != "承运能力 60%" || p.ApprovedAnswerID == nil || *p.ApprovedAnswerID != a.ID {
				t.Errorf("process after approval %+v", p)
			}
			var hist struct{ Items []bia.AnswerEvent }
			e.json("viewer", "GET", "/bia/answers/"+id+"/history", "", 200, &hist)
			var steps []string
			for _, h := range hist.Items {
				steps = append(steps, h.Action)
			}
			if strings.Join(steps, ",") != "sent,saved,saved,submitted,returned,saved,submitted,approved" {
				t.Errorf("history %v", steps)
			}
			e.json("viewer", "GET", "/bia/processes/{p_dispatch}/answers", "", 200, &answers)
			if len(answers.Items) != 1 {
				t.Errorf("%d answers of the process", len(answers.Items))
			}
			e.json("manager", "POST", "/bia/campaigns/"+itoa(c.ID)+"/close", "", 200, &c)
			if c.Status != bia.CampaignClosed || c.Progress.Approved != 1 {
				t.Errorf("closed %+v", c)
			}
			e.json("manager", "POST", "/bia/campaigns/"+itoa(c.ID)+"/close", "", 409, nil)

			// The audit log has the approval.
			res = e.json("auditor", "GET", "/audit?entity=bia_answer", "", 200, nil)
			if !contains(res.body, `"action":"bia.answer.approve"`) {
				t.Errorf("audit: %s", res.body)
			}
		})
	}
}
