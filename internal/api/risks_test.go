package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/continuo-bcm/continuo/internal/risk"
)

// newRisk returns a setup that creates a risk as the administrator and
// names its id key; assessments, as likelihood-impact pairs on the 5×5
// matrix, rate it inherent then residual.
func newRisk(key, unit, title, category string, ratings ...[2]int) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		var r risk.Risk
		e.json("admin", http.MethodPost, "/risks", `{"title": "`+title+`", "category": "`+category+`", "unit_id": {`+unit+`}}`, http.StatusCreated, &r)
		e.ids[key] = r.ID
		for i, lr := range ratings {
			kind := "inherent"
			if i == 1 {
				kind = "residual"
			}
			e.json("admin", http.MethodPost, "/risks/"+itoa(r.ID)+"/assessments",
				`{"matrix_id": "5x5", "kind": "`+kind+`", "likelihood": `+itoa(int64(lr[0]))+`, "impact": `+itoa(int64(lr[1]))+`}`, http.StatusCreated, nil)
		}
	}
}

func TestRiskRegister(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "list matrices", role: "viewer", method: "GET", url: "/risk-matrices",
			status: 200, contains: []string{`"id":"3x3"`, `"id":"4x4"`, `"id":"5x5"`, `"label":"重大"`, `"min":15,"max":25,"level":"critical"`}},
		{name: "get a matrix", role: "viewer", method: "GET", url: "/risk-matrices/4x4",
			status: 200, contains: []string{`"label_en":"Almost certain"`, `"builtin":true`}},
		{name: "get an unknown matrix", role: "viewer", method: "GET", url: "/risk-matrices/6x6",
			status: 404, contains: []string{`"code":"not_found"`}},
		{name: "matrices need a token", method: "GET", url: "/risk-matrices", status: 401},

		{name: "create as manager", role: "manager", method: "POST", url: "/risks",
			body: `{"code": "R-001", "title": "仓库火灾", "title_en": "Warehouse fire", "category": "safety_accident", "unit_id": {eastops},
				"owner_id": {alice}, "cause": "电气线路老化", "controls": "自动喷淋", "treatment": "reduce", "review_date": "2025-06-30",
				"actions": [{"description": "更换老化线路", "owner_id": {alice}, "due": "2025-04-15"}]}`,
			status: 201, contains: []string{`"code":"R-001"`, `"status":"open"`, `"inherent":null`, `"level":""`, `"owner_id":{alice}`, `"due":"2025-04-15"`}},
		{name: "create with an unknown category", role: "manager", method: "POST", url: "/risks",
			body:   `{"title": "天气", "category": "weather", "unit_id": {east}}`,
			status: 422, contains: []string{`"field":"body.category"`}},
		{name: "create in an unknown unit", role: "manager", method: "POST", url: "/risks",
			body:   `{"title": "无处", "category": "other", "unit_id": 999999}`,
			status: 422, contains: []string{`{"field":"body.unit_id","message":"no org unit with this id"}`}},
		{name: "create with an unknown owner", role: "manager", method: "POST", url: "/risks",
			body:   `{"title": "无主", "category": "other", "unit_id": {east}, "owner_id": 999999}`,
			status: 422, contains: []string{`"field":"body.owner_id"`, "no person with id 999999"}},
		{name: "create with an unknown action owner", role: "manager", method: "POST", url: "/risks",
			body:   `{"title": "无主", "category": "other", "unit_id": {east}, "actions": [{"description": "x", "owner_id": 999999}]}`,
			status: 422, contains: []string{`"field":"body.actions[0].owner_id"`}},
		{name: "create with a bad review date", role: "manager", method: "POST", url: "/risks",
			body:   `{"title": "日期", "category": "other", "unit_id": {east}, "review_date": "30/06/2025"}`,
			status: 422, contains: []string{`"field":"body.review_date"`}},
		{name: "create without a title", role: "manager", method: "POST", url: "/risks",
			body:   `{"category": "other", "unit_id": {east}}`,
			status: 422, contains: []string{`"field":"body.title"`}},
		{name: "create with a duplicate code", role: "manager", method: "POST", url: "/risks", setup: func(t *testing.T, e *env) {
			e.json("admin", "POST", "/risks", `{"code": "R-DUP", "title": "原有", "category": "other", "unit_id": {east}}`, 201, nil)
		},
			body:   `{"code": "R-DUP", "title": "重复", "category": "other", "unit_id": {east}}`,
			status: 409, contains: []string{`"field":"body.code"`}},
		{name: "create as viewer is forbidden", role: "viewer", method: "POST", url: "/risks",
			body: `{"title": "不允许", "category": "other", "unit_id": {east}}`, status: 403},
		{name: "a department lead creates in their branch", role: "lead", method: "POST", url: "/risks",
			body: `{"title": "华东停电", "category": "utilities", "unit_id": {eastops}}`, status: 201},
		{name: "a department lead may not create in another branch", role: "lead", method: "POST", url: "/risks",
			body: `{"title": "华西停电", "category": "utilities", "unit_id": {west}}`, status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "a department lead may not edit another branch's risk", role: "lead", method: "PUT", url: "/risks/{westrisk}",
			setup: newRisk("westrisk", "west", "华西洪水", "natural_disaster"),
			body:  `{"title": "改名", "category": "natural_disaster", "unit_id": {west}}`, status: 403},
		{name: "a department lead may not move a risk into their branch", role: "lead", method: "PUT", url: "/risks/{westrisk}",
			body: `{"title": "搬走", "category": "natural_disaster", "unit_id": {east}}`, status: 403},
		{name: "a department lead may not rate another branch's risk", role: "lead", method: "POST", url: "/risks/{westrisk}/assessments",
			body: `{"matrix_id": "5x5", "kind": "inherent", "likelihood": 2, "impact": 2}`, status: 403},
		{name: "a department lead may not delete another branch's risk", role: "lead", method: "DELETE", url: "/risks/{westrisk}", status: 403,
			check: func(t *testing.T, e *env, _ response) { e.json("viewer", "GET", "/risks/{westrisk}", "", 200, nil) }},
		{name: "update", role: "manager", method: "PUT", url: "/risks/{upd}", setup: newRisk("upd", "east", "旧名", "other", [2]int{3, 3}),
			body:   `{"title": "新名", "category": "it_failure", "unit_id": {west}, "status": "treated"}`,
			status: 200, contains: []string{`"title":"新名"`, `"unit_id":{west}`, `"status":"treated"`, `"score":9`}},
		{name: "update unknown", role: "manager", method: "PUT", url: "/risks/999999",
			body: `{"title": "无", "category": "other", "unit_id": {east}}`, status: 404},
		{name: "get", role: "viewer", method: "GET", url: "/risks/{upd}", status: 200, contains: []string{`"id":{upd}`, `"category":"it_failure"`}},
		{name: "get unknown", role: "viewer", method: "GET", url: "/risks/999999", status: 404},
		{name: "delete", role: "manager", method: "DELETE", url: "/risks/{del}", setup: newRisk("del", "east", "待删除", "other", [2]int{1, 1}),
			status: 204, check: func(t *testing.T, e *env, _ response) { e.json("viewer", "GET", "/risks/{del}", "", 404, nil) }},
	})
}

func TestRiskAssessments(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "rate inherent", role: "manager", method: "POST", url: "/risks/{r}/assessments", setup: newRisk("r", "eastops", "台风", "natural_disaster"),
			body:   `{"matrix_id": "5x5", "kind": "inherent", "likelihood": 4, "impact": 5, "predictability": 2, "note": "沿海仓库"}`,
			status: 201, contains: []string{`"score":20`, `"level":"critical"`, `"assessed_by_name":"Manager"`, `"predictability":2`}},
		{name: "likelihood out of the matrix", role: "manager", method: "POST", url: "/risks/{r}/assessments",
			body:   `{"matrix_id": "5x5", "kind": "inherent", "likelihood": 6, "impact": 0}`,
			status: 422, contains: []string{`"field":"body.likelihood","message":"must be between 1 and 5 on matrix 5x5"`, `"field":"body.impact"`}},
		{name: "impact out of a smaller matrix", role: "manager", method: "POST", url: "/risks/{r}/assessments",
			body:   `{"matrix_id": "3x3", "kind": "inherent", "likelihood": 2, "impact": 4}`,
			status: 422, contains: []string{`"field":"body.impact","message":"must be between 1 and 3 on matrix 3x3"`}},
		{name: "unknown matrix", role: "manager", method: "POST", url: "/risks/{r}/assessments",
			body:   `{"matrix_id": "7x7", "kind": "inherent", "likelihood": 1, "impact": 1}`,
			status: 422, contains: []string{`"field":"body.matrix_id"`}},
		{name: "residual on another matrix", role: "manager", method: "POST", url: "/risks/{r}/assessments",
			body:   `{"matrix_id": "4x4", "kind": "residual", "likelihood": 1, "impact": 1}`,
			status: 422, contains: []string{`"field":"body.matrix_id"`, "5x5"}},
		{name: "residual before inherent", role: "manager", method: "POST", url: "/risks/{fresh}/assessments",
			setup:  newRisk("fresh", "east", "新风险", "other"),
			body:   `{"matrix_id": "5x5", "kind": "residual", "likelihood": 1, "impact": 1}`,
			status: 422, contains: []string{`"field":"body.kind"`}},
		{name: "rate residual", role: "lead", method: "POST", url: "/risks/{r}/assessments",
			body:   `{"matrix_id": "5x5", "kind": "residual", "likelihood": 2, "impact": 4}`,
			status: 201, contains: []string{`"score":8`, `"level":"medium"`}},
		{name: "a back-dated rating needs risk.manage", role: "lead", method: "POST", url: "/risks/{fresh}/assessments",
			body: `{"matrix_id": "5x5", "kind": "inherent", "likelihood": 1, "impact": 1, "assessed_at": "2024-12-01T00:00:00Z"}`, status: 403},
		{name: "a back-dated rating", role: "manager", method: "POST", url: "/risks/{fresh}/assessments",
			body: `{"matrix_id": "5x5", "kind": "inherent", "likelihood": 3, "impact": 3, "assessed_at": "2024-12-01T00:00:00Z"}`, status: 201,
			contains: []string{`"assessed_at":"2024-12-01T00:00:00Z"`}},
		{name: "history", role: "viewer", method: "GET", url: "/risks/{r}/assessments",
			status: 200, contains: []string{`"kind":"inherent","likelihood":4,"impact":5`, `"kind":"residual","likelihood":2,"impact":4`},
			check: func(t *testing.T, e *env, res response) {
				var b struct{ Items []risk.Assessment }
				decode(t, res.body, &b)
				if len(b.Items) != 2 || b.Items[0].Kind != risk.Inherent {
					t.Errorf("history %+v", b.Items)
				}
				var r risk.Risk
				e.json("viewer", "GET", "/risks/{r}", "", 200, &r)
				if r.Level != risk.Medium || r.Inherent.Score != 20 || r.Residual.Score != 8 {
					t.Errorf("current ratings %+v %+v %s", r.Inherent, r.Residual, r.Level)
				}
			}},
		{name: "history of an unknown risk", role: "viewer", method: "GET", url: "/risks/999999/assessments", status: 404},
	})
}

func TestRiskViews(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T, e *env) {
		newRisk("fire", "eastops", "仓库火灾", "safety_accident", [2]int{3, 5})(t, e)
		newRisk("flood", "eastops", "仓库洪水", "natural_disaster", [2]int{4, 5}, [2]int{2, 3})(t, e)
		newRisk("strike", "west", "司机罢工", "personnel", [2]int{3, 5})(t, e)
		newRisk("virus", "group", "勒索软件", "cyber_security", [2]int{2, 2})(t, e)
		newRisk("new", "west", "未评估风险", "other")(t, e)
		e.json("admin", "PUT", "/risks/{virus}", `{"title": "勒索软件", "category": "cyber_security", "unit_id": {group}, "owner_id": {carol}, "review_date": "2025-01-31"}`, 200, nil)
	}
	runScenarios(t, []scenario{
		{name: "ranked list", role: "viewer", method: "GET", url: "/risks", setup: setup,
			status: 200, check: func(t *testing.T, e *env, res response) {
				var p struct {
					Items []risk.Risk
					Total int
				}
				decode(t, res.body, &p)
				var ids []int64
				for _, r := range p.Items {
					ids = append(ids, r.ID)
				}
				want := []int64{e.ids["fire"], e.ids["strike"], e.ids["flood"], e.ids["virus"], e.ids["new"]}
				if p.Total != 5 || len(ids) != 5 || ids[0] != want[0] || ids[1] != want[1] || ids[2] != want[2] || ids[3] != want[3] || ids[4] != want[4] {
					t.Errorf("ranked %v (total %d), want %v", ids, p.Total, want)
				}
			}},
		{name: "a page", role: "viewer", method: "GET", url: "/risks?limit=2&offset=1",
			status: 200, contains: []string{`"total":5`, `"limit":2`, `"offset":1`, `"id":{strike}`, `"id":{flood}`}, excludes: []string{`"id":{fire}`}},
		{name: "filter by category", role: "viewer", method: "GET", url: "/risks?category=natural_disaster",
			status: 200, contains: []string{`"total":1`, `"id":{flood}`}},
		{name: "filter by unit subtree", role: "viewer", method: "GET", url: "/risks?unit_id={east}",
			status: 200, contains: []string{`"total":2`}},
		{name: "filter by level", role: "viewer", method: "GET", url: "/risks?level=critical",
			status: 200, contains: []string{`"total":2`, `"id":{fire}`, `"id":{strike}`}},
		{name: "filter by owner", role: "viewer", method: "GET", url: "/risks?owner_id={carol}", status: 200, contains: []string{`"total":1`, `"id":{virus}`}},
		{name: "overdue reviews", role: "viewer", method: "GET", url: "/risks?overdue_review=true", status: 200, contains: []string{`"total":1`, `"id":{virus}`}},
		{name: "search", role: "viewer", method: "GET", url: "/risks?q=罢工", status: 200, contains: []string{`"total":1`, `"id":{strike}`}},
		{name: "filter by an unknown category", role: "viewer", method: "GET", url: "/risks?category=weather",
			status: 422, contains: []string{`"field":"query.category"`}},
		{name: "filter by an unknown unit", role: "viewer", method: "GET", url: "/risks?unit_id=999999",
			status: 422, contains: []string{`"field":"query.unit_id"`}},
		{name: "list needs a token", method: "GET", url: "/risks", status: 401},
		{name: "inherent heatmap", role: "viewer", method: "GET", url: "/risk-heatmap?matrix=5x5&kind=inherent",
			status: 200, check: func(t *testing.T, e *env, res response) {
				var h risk.Heatmap
				decode(t, res.body, &h)
				if len(h.Cells) != 25 || h.Total != 4 || h.Kind != risk.Inherent || h.Matrix.ID != "5x5" {
					t.Fatalf("heatmap: %d cells, total %d", len(h.Cells), h.Total)
				}
				c := h.Cells[(3-1)*5+(5-1)] // likelihood 3, impact 5
				if c.Count != 2 || c.Score != 15 || c.Level != risk.Critical || len(c.RiskIDs) != 2 || c.RiskIDs[0] != e.ids["fire"] {
					t.Errorf("cell 3×5: %+v", c)
				}
			}},
		{name: "residual heatmap of a unit", role: "viewer", method: "GET", url: "/risk-heatmap?kind=residual&unit_id={east}",
			status: 200, contains: []string{`"total":1`, `"likelihood":2,"impact":3,"score":6,"level":"medium","count":1,"risk_ids":[{flood}]`}},
		{name: "heatmap by category", role: "viewer", method: "GET", url: "/risk-heatmap?category=personnel",
			status: 200, contains: []string{`"total":1`, `"risk_ids":[{strike}]`}},
		{name: "heatmap of an unknown matrix", role: "viewer", method: "GET", url: "/risk-heatmap?matrix=9x9",
			status: 422, contains: []string{`"field":"query.matrix"`}},
		{name: "top risks by unit", role: "viewer", method: "GET", url: "/risk-top?n=1",
			status: 200, check: func(t *testing.T, e *env, res response) {
				var b struct{ Items []risk.UnitTop }
				decode(t, res.body, &b)
				got := map[int64]risk.UnitTop{}
				for _, u := range b.Items {
					got[u.UnitID] = u
				}
				if len(b.Items) != 3 || got[e.ids["eastops"]].Open != 2 || len(got[e.ids["eastops"]].Risks) != 1 ||
					got[e.ids["eastops"]].Risks[0].ID != e.ids["fire"] || got[e.ids["west"]].Open != 2 || got[e.ids["west"]].Risks[0].ID != e.ids["strike"] {
					t.Errorf("top risks %+v", b.Items)
				}
			}},
		{name: "top risks of a subtree", role: "viewer", method: "GET", url: "/risk-top?unit_id={west}",
			status: 200, contains: []string{`"unit_id":{west}`, `"unit_name":"华西分公司"`}, excludes: []string{`"unit_id":{eastops}`}},
		{name: "export as CSV", role: "viewer", method: "GET", url: "/risks/export?format=csv&lang=en&category=safety_accident",
			status: 200, check: func(t *testing.T, e *env, res response) {
				body := string(res.body)
				if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(body, "仓库火灾") ||
					strings.Contains(body, "仓库洪水") || !strings.Contains(body, "Safety accident") || !strings.Contains(body, "Critical") {
					t.Errorf("export %s: %s", ct, body)
				}
				if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "risks-2025-03-14-en.csv") {
					t.Errorf("disposition %q", cd)
				}
			}},
		{name: "export as XLSX", role: "viewer", method: "GET", url: "/risks/export?lang=zh-CN",
			status: 200, check: func(t *testing.T, e *env, res response) {
				x, err := excelize.OpenReader(bytes.NewReader(res.body))
				if err != nil {
					t.Fatal(err)
				}
				defer x.Close()
				rows, _ := x.GetRows(x.GetSheetList()[0])
				if len(rows) != 6 || rows[0][1] != "风险名称" || rows[1][1] != "仓库火灾" {
					t.Errorf("export rows %q", rows)
				}
			}},
		{name: "template", role: "lead", method: "GET", url: "/risks/import/template?format=csv&lang=zh-CN",
			status: 200, contains: []string{"风险编号,风险名称"}},
		{name: "template needs risk.write", role: "viewer", method: "GET", url: "/risks/import/template", status: 403},
	})
}

func riskXLSX(t *testing.T, rows [][]any) string {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestRiskImport(t *testing.T) {
	t.Parallel()
	header := []any{"风险编号", "风险名称", "风险类别", "所属部门", "责任人", "评估矩阵", "可能性", "影响程度"}
	good := riskXLSX(t, [][]any{header,
		{"R-101", "台风导致仓库进水", "自然灾害", "EAST-OPS", "E001", "5x5", 4, 4},
		{"R-102", "核心系统宕机", "IT failure", "集团总部", "卡罗尔", "5x5", 3, 5},
	})
	bad := riskXLSX(t, [][]any{header,
		{"R-201", "好的一行", "自然灾害", "EAST", "", "", "", ""},
		{"R-202", "坏的一行", "天气", "EAST", "", "5x5", 6, 2},
		{"R-203", "坏的单位", "other", "火星", "无名氏", "", "", ""},
	})
	xlsx := map[string]string{"Content-Type": mediaXLSX}
	total := func(t *testing.T, e *env) int {
		var p struct{ Total int }
		e.json("admin", "GET", "/risks?limit=1", "", 200, &p)
		return p.Total
	}
	runScenarios(t, []scenario{
		{name: "import", role: "manager", method: "POST", url: "/risks/import", body: good, header: xlsx,
			status: 200, contains: []string{`"imported":2`, `"created":2`, `"assessed":2`},
			check: func(t *testing.T, e *env, _ response) {
				var p struct{ Items []risk.Risk }
				e.json("viewer", "GET", "/risks?q=R-101", "", 200, &p)
				if len(p.Items) != 1 || p.Items[0].UnitID != e.ids["eastops"] || *p.Items[0].OwnerID != e.ids["alice"] || p.Items[0].Inherent.Score != 16 {
					t.Errorf("imported %+v", p.Items)
				}
			}},
		{name: "a bad row stores nothing", role: "manager", method: "POST", url: "/risks/import", body: bad, header: xlsx,
			status: 422, contains: []string{`"code":"invalid"`, "nothing was stored", `"field":"row 3.category"`, `"field":"row 3.inherent_likelihood"`,
				`"field":"row 4.unit"`, `"field":"row 4.owner"`}, excludes: []string{`"row 2.`},
			check: func(t *testing.T, e *env, _ response) {
				if n := total(t, e); n != 2 {
					t.Errorf("%d risks after a failed import, want the 2 of the first", n)
				}
			}},
		{name: "a department lead imports only into their branch", role: "lead", method: "POST", url: "/risks/import", body: good, header: xlsx,
			status: 422, contains: []string{`"field":"row 3.unit"`, "may not"}, excludes: []string{`"row 2.`}},
		{name: "a viewer may not import", role: "viewer", method: "POST", url: "/risks/import", body: good, header: xlsx, status: 403},
		{name: "a file that is not a spreadsheet", role: "manager", method: "POST", url: "/risks/import?format=xlsx", body: "not a workbook",
			header: xlsx, status: 422, contains: []string{`"field":"file"`}},
		{name: "CSV import", role: "manager", method: "POST", url: "/risks/import",
			body: "title,category,unit,review_date\n燃油供应中断,supply_chain,WEST,2025-12-31\n", header: map[string]string{"Content-Type": "text/csv"},
			status: 200, contains: []string{`"created":1`}},
	})
}

// TestRiskOperationsDocumented checks the risk operations of the OpenAPI
// document: each with its permission, the category enum following the
// domain's list, and the import's spreadsheet body.
func TestRiskOperationsDocumented(t *testing.T) {
	t.Parallel()
	e := newEnv(t, engines()[0])
	res := e.do("", http.MethodGet, "/openapi.json", nil, nil)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Access      string `json:"x-continuo-access"`
			RequestBody struct {
				Content map[string]any `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	decode(t, res.body, &doc)
	want := map[string]string{
		"GET /risk-matrices": "risk.read", "GET /risk-matrices/{id}": "risk.read", "GET /risks": "risk.read", "POST /risks": "risk.write",
		"GET /risks/{id}": "risk.read", "PUT /risks/{id}": "risk.write", "DELETE /risks/{id}": "risk.write",
		"POST /risks/{id}/assessments": "risk.write", "GET /risks/{id}/assessments": "risk.read", "GET /risk-heatmap": "risk.read",
		"GET /risk-top": "risk.read", "POST /risks/import": "risk.write", "GET /risks/import/template": "risk.write", "GET /risks/export": "risk.read",
	}
	for route, access := range want {
		method, path, _ := strings.Cut(route, " ")
		op, found := doc.Paths[path][strings.ToLower(method)]
		if !found || op.OperationID == "" || op.Access != access {
			t.Errorf("%s: documented %v, operation %+v, want access %s", route, found, op, access)
		}
	}
	if _, found := doc.Paths["/risks/import"]["post"].RequestBody.Content[mediaXLSX]; !found {
		t.Errorf("the risk import does not document an XLSX body")
	}
	got := doc.Components.Schemas["RiskBody"].Properties["category"].Enum
	if len(got) != len(risk.Categories) {
		t.Errorf("RiskBody.category enum %v, want %v", got, risk.Categories)
	}
	for i, c := range risk.Categories {
		if i < len(got) && got[i] != string(c) {
			t.Errorf("RiskBody.category enum %v, want %v", got, risk.Categories)
			break
		}
	}
}
