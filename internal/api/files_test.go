package api_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
)

const mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

var csvHeader = map[string]string{"Content-Type": "text/csv"}

// countPeople and unchangedPeople check, as setup and check of a
// scenario, that a refused import stored nobody.
func countPeople(t *testing.T, e *env) { e.ids["people_before"] = int64(e.peopleTotal()) }

func unchangedPeople(t *testing.T, e *env, _ response) {
	if n := int64(e.peopleTotal()); n != e.ids["people_before"] {
		t.Errorf("%d people after a refused import, want %d as before", n, e.ids["people_before"])
	}
}

// peopleXLSX is a small people workbook with Chinese headers.
func peopleXLSX() string {
	x := excelize.NewFile()
	defer x.Close()
	rows := [][]any{
		{"工号", "姓名", "英文名", "部门", "手机"},
		{"E300", "孙七", "Sun Qi", "华西分公司", "+86 139 0000 0300"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			panic(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		panic(err)
	}
	return buf.String()
}

func TestImports(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "people from CSV", role: "manager", method: "POST", url: "/people/import", header: csvHeader,
			body: "employee_no,name,name_en,unit,mobile,email\n" +
				"E200,王五,Wang Wu,EAST-OPS,+86 139 0000 0200,wang.wu@example.com\n" +
				"E201,赵六,Zhao Liu,WEST,+86 139 0000 0201,\n",
			status: 200, contains: []string{`"imported":2`, `"created":2`, `"updated":0`},
			check: func(t *testing.T, e *env, _ response) {
				var page struct {
					Total int          `json:"total"`
					Items []org.Person `json:"items"`
				}
				e.json("viewer", "GET", "/people?q=wang.wu@example.com", "", 200, &page)
				if page.Total != 1 || page.Items[0].Name != "王五" || page.Items[0].UnitID != e.ids["eastops"] || !page.Items[0].Active {
					t.Errorf("imported person: %+v", page.Items)
				}
				// The list writes the same timestamps as the person's own page.
				var one org.Person
				e.json("viewer", "GET", "/people/"+itoa(page.Items[0].ID), "", 200, &one)
				if one.CreatedAt.IsZero() || !one.CreatedAt.Equal(page.Items[0].CreatedAt) || !one.UpdatedAt.Equal(page.Items[0].UpdatedAt) {
					t.Errorf("list timestamps %v / %v, person %v / %v", page.Items[0].CreatedAt, page.Items[0].UpdatedAt, one.CreatedAt, one.UpdatedAt)
				}
				if n := e.peopleTotal(); n != 5 {
					t.Errorf("%d people after importing 2 into 3, want 5", n)
				}
			}},
		{name: "people import with one bad row stores nothing", role: "manager", method: "POST", url: "/people/import", header: csvHeader,
			body: "employee_no,name,unit,mobile\n" +
				"E210,周八,EAST-OPS,+86 139 0000 0210\n" +
				"E211,吴九,WEST,call me maybe\n" +
				"E212,郑十,WEST,+86 139 0000 0212\n",
			setup:  countPeople,
			status: 422, contains: []string{`"code":"invalid"`, `"field":"row 3.mobile"`, "nothing was stored"}, excludes: []string{`"row 2`, `"row 4`},
			check: func(t *testing.T, e *env, res response) {
				unchangedPeople(t, e, res)
				var page struct{ Total int }
				e.json("viewer", "GET", "/people?q=E210", "", 200, &page)
				if page.Total != 0 {
					t.Errorf("the good row before the bad one was stored")
				}
			}},
		{name: "people import updates by employee number", role: "manager", method: "POST", url: "/people/import?format=csv",
			header: map[string]string{"Content-Type": "application/octet-stream"},
			body:   "employee_no,name,unit,title_en\nE002,鲍勃,WEST,Warehouse Lead\n",
			status: 200, contains: []string{`"imported":1`, `"updated":1`},
			check: func(t *testing.T, e *env, _ response) {
				var p org.Person
				e.json("viewer", "GET", "/people/{bob}", "", 200, &p)
				if p.TitleEn != "Warehouse Lead" {
					t.Errorf("title_en %q after the import", p.TitleEn)
				}
			}},
		{name: "people from XLSX with Chinese headers", role: "manager", method: "POST", url: "/people/import",
			header: map[string]string{"Content-Type": mediaXLSX}, body: peopleXLSX(),
			status: 200, contains: []string{`"imported":1`},
			check: func(t *testing.T, e *env, _ response) {
				var page struct{ Total int }
				e.json("viewer", "GET", "/people?q=Sun%20Qi", "", 200, &page)
				if page.Total != 1 {
					t.Errorf("the XLSX row was not imported")
				}
			}},
		{name: "people import without a format", role: "manager", method: "POST", url: "/people/import",
			header: map[string]string{"Content-Type": "application/octet-stream"},
			body:   "name,unit\n某人,WEST\n",
			setup:  countPeople, status: 422, contains: []string{`"field":"file"`}, check: unchangedPeople},
		{name: "people import with an unknown format", role: "manager", method: "POST", url: "/people/import?format=xls", header: csvHeader,
			body: "name,unit\n某人,WEST\n", status: 422, contains: []string{`"field":"query.format"`}},
		{name: "people import without a body", role: "manager", method: "POST", url: "/people/import", header: csvHeader,
			status: 400, contains: []string{`"code":"invalid"`}},
		{name: "department lead cannot import into a sibling unit", role: "lead", method: "POST", url: "/people/import", header: csvHeader,
			body:  "name,unit\n某人,WEST\n",
			setup: countPeople, status: 422, contains: []string{`"field":"row 2.unit"`}, check: unchangedPeople},
		{name: "viewer cannot import", role: "viewer", method: "POST", url: "/people/import", header: csvHeader,
			body: "name,unit\n某人,WEST\n", status: 403},
		{name: "units from CSV", role: "manager", method: "POST", url: "/units/import", header: csvHeader,
			body:   "code,name,name_en,kind,parent\nEAST-IT,华东信息部,East IT,department,EAST\nEAST-IT-OPS,华东运维组,East IT Operations,department,EAST-IT\n",
			status: 200, contains: []string{`"imported":2`},
			check: func(t *testing.T, e *env, _ response) {
				var list struct{ Items []org.Unit }
				e.json("viewer", "GET", "/units", "", 200, &list)
				i := slices.IndexFunc(list.Items, func(u org.Unit) bool { return u.Code == "EAST-IT-OPS" })
				if i < 0 || !strings.HasPrefix(list.Items[i].Path, "/"+itoa(e.ids["group"])+"/"+itoa(e.ids["east"])+"/") {
					t.Errorf("imported units: %+v", list.Items)
				}
			}},
		{name: "units import with a bad kind", role: "manager", method: "POST", url: "/units/import", header: csvHeader,
			body: "code,name,kind,parent\nX1,某部,division,EAST\n", status: 422, contains: []string{`"field":"row 2.kind"`}},
		{name: "units import needs org.write", role: "lead", method: "POST", url: "/units/import", header: csvHeader,
			body: "code,name,kind,parent\nX1,某部,department,EAST\n", status: 403},
		{name: "people template in Chinese", role: "manager", method: "GET", url: "/people/import/template?format=csv&lang=zh-CN",
			status: 200, contains: []string{"工号", "姓名", "部门", "手机"},
			check: func(t *testing.T, e *env, res response) {
				if cd := res.header.Get("Content-Disposition"); cd != `attachment; filename="people-template-zh.csv"` {
					t.Errorf("Content-Disposition %q", cd)
				}
			}},
		{name: "units template as XLSX", role: "manager", method: "GET", url: "/units/import/template?lang=en",
			status: 200,
			check: func(t *testing.T, e *env, res response) {
				x, err := excelize.OpenReader(bytes.NewReader(res.body))
				if err != nil {
					t.Fatalf("the template is not an XLSX file: %v", err)
				}
				defer x.Close()
				rows, _ := x.GetRows(x.GetSheetList()[0])
				if len(rows) == 0 || !slices.Contains(rows[0], "code") || !slices.Contains(rows[0], "parent") {
					t.Errorf("template header: %q", rows)
				}
			}},
		{name: "viewer cannot download the import template", role: "viewer", method: "GET", url: "/people/import/template", status: 403},
		{name: "a JSON body over 1 MiB is refused", role: "manager", method: "POST", url: "/units",
			body:   `{"parent_id": {east}, "kind": "department", "name": "` + strings.Repeat("长", 400_000) + `"}`,
			status: 413, contains: []string{`"code":"invalid"`}},
	})
}

func TestContactListExport(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "XLSX in English", role: "viewer", method: "GET", url: "/contact-list/export?format=xlsx&lang=en",
			status: 200,
			check: func(t *testing.T, e *env, res response) {
				if ct := res.header.Get("Content-Type"); ct != mediaXLSX {
					t.Errorf("Content-Type %q", ct)
				}
				if cd := res.header.Get("Content-Disposition"); cd != `attachment; filename="contact-list-2025-03-14-en.xlsx"` {
					t.Errorf("Content-Disposition %q", cd)
				}
				x, err := excelize.OpenReader(bytes.NewReader(res.body))
				if err != nil {
					t.Fatalf("the export is not an XLSX file: %v", err)
				}
				defer x.Close()
				sheet := x.GetSheetList()[0]
				if title, _ := x.GetCellValue(sheet, "A1"); title != i18n.T(i18n.EN, "contacts.title") {
					t.Errorf("A1 is %q, want the English title", title)
				}
				rows, err := x.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				if !anyCell(rows, "Carol") || !anyCell(rows, "+86 138 0000 0003") {
					t.Errorf("the committee leader is not in the workbook: %q", rows)
				}
			}},
		{name: "XLSX is the default format", role: "viewer", method: "GET", url: "/contact-list/export?lang=zh-CN",
			status: 200,
			check: func(t *testing.T, e *env, res response) {
				x, err := excelize.OpenReader(bytes.NewReader(res.body))
				if err != nil {
					t.Fatalf("the export is not an XLSX file: %v", err)
				}
				defer x.Close()
				rows, _ := x.GetRows(x.GetSheetList()[0])
				if !anyCell(rows, "卡罗尔") {
					t.Errorf("the committee leader is not in the Chinese workbook: %q", rows)
				}
				if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "-zh.xlsx") {
					t.Errorf("Content-Disposition %q", cd)
				}
			}},
		{name: "CSV in Chinese", role: "viewer", method: "GET", url: "/contact-list/export?format=csv&lang=zh-CN",
			status: 200, contains: []string{"卡罗尔", "+86 138 0000 0003", "危机管理委员会", "艾丽斯"},
			check: func(t *testing.T, e *env, res response) {
				if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				if cd := res.header.Get("Content-Disposition"); cd != `attachment; filename="contact-list-2025-03-14-zh.csv"` {
					t.Errorf("Content-Disposition %q", cd)
				}
			}},
		{name: "unknown format", role: "viewer", method: "GET", url: "/contact-list/export?format=pdf", status: 422, contains: []string{`"field":"query.format"`}},
		{name: "without a token", method: "GET", url: "/contact-list/export", status: 401},
	})
}

func anyCell(rows [][]string, s string) bool {
	for _, r := range rows {
		for _, c := range r {
			if strings.Contains(c, s) {
				return true
			}
		}
	}
	return false
}
