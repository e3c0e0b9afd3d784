package riskio_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/riskio"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// env is a logistics group with an east branch (and its warehouse
// department) and a west branch, and three people.
type env struct {
	db    *store.DB
	risks *risk.Service
	sys   context.Context
	units map[string]org.Unit
	ppl   map[string]org.Person
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	o := org.NewService(db, db, a, clk)
	e := &env{db: db, risks: risk.NewService(db, db, a, clk), sys: authz.WithPrincipal(context.Background(), authz.SystemPrincipal),
		units: map[string]org.Unit{}, ppl: map[string]org.Person{}}
	unit := func(key, parent string, kind org.UnitKind, code, name, nameEn string) {
		u := org.Unit{Kind: kind, Code: code, Name: name, NameEn: nameEn}
		if parent != "" {
			id := e.units[parent].ID
			u.ParentID = &id
		}
		u, err := o.CreateUnit(e.sys, u)
		if err != nil {
			t.Fatal(err)
		}
		e.units[key] = u
	}
	unit("group", "", org.KindGroup, "XL", "星联物流集团", "Xinglian Logistics")
	unit("east", "group", org.KindBranch, "XL-HD", "华东分公司", "East China Branch")
	unit("wh", "east", org.KindDepartment, "XL-HD-WH", "仓储部", "Warehousing")
	unit("west", "group", org.KindBranch, "XL-XN", "西南分公司", "Southwest Branch")
	unit("westwh", "west", org.KindDepartment, "", "仓储部", "Warehousing")
	person := func(key, no, name, unit string) {
		p, err := o.SavePerson(e.sys, org.Person{EmployeeNo: no, Name: name, UnitID: e.units[unit].ID, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		e.ppl[key] = p
	}
	person("zhang", "XL0101", "张伟", "wh")
	person("li", "XL0201", "李娜", "west")
	person("wang1", "XL0301", "王芳", "east")
	person("wang2", "XL0302", "王芳", "west")
	return e
}

// xlsx builds a workbook whose first sheet holds rows.
func xlsx(t *testing.T, rows [][]any) []byte {
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
	return buf.Bytes()
}

func (e *env) all(t *testing.T) []risk.Risk {
	t.Helper()
	rs, _, err := e.risks.Risks(e.sys, risk.Filter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func byCode(rs []risk.Risk) map[string]risk.Risk {
	m := map[string]risk.Risk{}
	for _, r := range rs {
		m[r.Code] = r
	}
	return m
}

var zhHeader = []any{"风险编号", "风险名称", "英文名称", "风险类别", "所属部门", "责任人", "风险成因", "可能后果", "现有控制措施", "应对策略", "状态", "复核日期",
	"评估矩阵", "固有可能性", "固有影响程度", "剩余可能性", "剩余影响程度"}

func TestImportXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		review := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
		file := xlsx(t, [][]any{
			zhHeader,
			{"R-001", "台风导致仓库进水", "Typhoon flooding", "自然灾害", "华东分公司/仓储部", "XL0101", "台风季强降雨", "货物受潮", "防汛沙袋", "降低", "待处置", "2026-06-30", "5x5", 4, 4, 2, 3},
			{"R-002", "勒索软件攻击", "Ransomware", "Cyber and information security", "XL-HD", "李娜", "", "", "", "transfer", "", "2026/9/1", "5×5", "高", "严重", "", ""},
			{}, // blank rows are skipped
			{"", "司机短缺", "", "personnel", "西南分公司", "", "", "", "", "", "", "", "", "", "", "", ""},
		})
		res, err := riskio.Import(e.sys, e.risks, e.db, bytes.NewReader(file), orgio.FormatXLSX)
		if err != nil {
			t.Fatal(err)
		}
		if res != (riskio.Result{Imported: 3, Created: 3, Assessed: 3}) {
			t.Fatalf("result %+v", res)
		}
		rs := byCode(e.all(t))
		r1 := rs["R-001"]
		if r1.Category != risk.NaturalDisaster || r1.UnitID != e.units["wh"].ID || r1.OwnerID == nil || *r1.OwnerID != e.ppl["zhang"].ID ||
			r1.Treatment != risk.Reduce || r1.Status != risk.StatusOpen || r1.ReviewDate != review.Format(risk.DateLayout) ||
			r1.Inherent == nil || r1.Inherent.Score != 16 || r1.Residual == nil || r1.Residual.Score != 6 || r1.Level != risk.Medium ||
			r1.Controls != "防汛沙袋" || r1.TitleEn != "Typhoon flooding" {
			t.Errorf("R-001 stored as %+v", r1)
		}
		r2 := rs["R-002"]
		if r2.Category != risk.CyberSecurity || r2.UnitID != e.units["east"].ID || *r2.OwnerID != e.ppl["li"].ID || r2.Treatment != risk.Transfer ||
			r2.ReviewDate != "2026-09-01" || r2.Inherent == nil || r2.Inherent.Likelihood != 4 || r2.Inherent.Impact != 4 || r2.Residual != nil {
			t.Errorf("R-002 stored as %+v", r2)
		}
		if r3 := rs[""]; r3.Title != "司机短缺" || r3.Category != risk.Personnel || r3.Inherent != nil {
			t.Errorf("uncoded risk stored as %+v", r3)
		}

		// The same file again updates the coded risks, creates the uncoded
		// one again, and records no assessment: the ratings are unchanged.
		res, err = riskio.Import(e.sys, e.risks, e.db, bytes.NewReader(file), orgio.FormatXLSX)
		if err != nil {
			t.Fatal(err)
		}
		if res != (riskio.Result{Imported: 3, Created: 1, Updated: 2}) {
			t.Fatalf("second import: %+v", res)
		}
		hist, err := e.risks.Assessments(e.sys, r1.ID)
		if err != nil || len(hist) != 2 {
			t.Fatalf("history after a second import: %d, %v", len(hist), err)
		}

		// A changed rating is recorded as a new assessment; a date cell
		// (a serial number in the file) is read as a date.
		x := excelize.NewFile()
		_ = x.SetSheetRow("Sheet1", "A1", &[]any{"code", "title", "category", "unit", "review_date", "inherent_likelihood", "inherent_impact"})
		_ = x.SetSheetRow("Sheet1", "A2", &[]any{"R-001", "台风导致仓库进水", "natural_disaster", "XL-HD-WH", review, 5, 4})
		var buf bytes.Buffer
		_ = x.Write(&buf)
		x.Close()
		if _, err := riskio.Import(e.sys, e.risks, e.db, &buf, orgio.FormatXLSX); err != nil {
			t.Fatal(err)
		}
		got, _ := e.risks.Risk(e.sys, r1.ID)
		hist, _ = e.risks.Assessments(e.sys, r1.ID)
		if got.Inherent.Score != 20 || len(hist) != 3 || got.ReviewDate != "2026-06-30" || got.Residual == nil || got.Cause != "台风季强降雨" {
			t.Errorf("after re-rating: %+v, %d assessments", got, len(hist))
		}
	})
}

func TestImportBadRowsStoreNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		file := xlsx(t, [][]any{
			{"code", "title", "category", "unit", "owner", "matrix", "inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact", "review_date"},
			{"R-1", "好的一行", "fire", "XL-HD", "", "", "", "", "", "", ""},
			{"R-2", "未知单位", "other", "火星分公司", "", "", "", "", "", "", ""},
			{"R-3", "超出范围", "other", "XL-HD", "", "3x3", 4, 2, "", "", ""},
			{"R-4", "未知责任人", "other", "XL-HD", "赵六", "", "", "", "", "", ""},
			{"R-5", "重名责任人", "other", "XL-HD", "王芳", "", "", "", "", "", ""},
			{"R-6", "重名单位", "other", "仓储部", "", "", "", "", "", "", ""},
			{"R-7", "缺矩阵", "other", "XL-HD", "", "", 2, 2, "", "", ""},
			{"R-8", "只有剩余", "other", "XL-HD", "", "5x5", "", "", 2, 2, ""},
			{"R-1", "编号重复", "other", "XL-HD", "", "", "", "", "", "", "2026-02-30"},
		})
		_, err := riskio.Import(e.sys, e.risks, e.db, bytes.NewReader(file), orgio.FormatXLSX)
		if errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("import with bad rows: %v", err)
		}
		want := map[string]string{
			"row 2.category":            "unknown category “fire”",
			"row 3.unit":                "火星分公司",
			"row 4.inherent_likelihood": "must be between 1 and 3 on matrix 3x3",
			"row 5.owner":               "no person with employee number or name “赵六”",
			"row 6.owner":               "matches 2 people",
			"row 7.unit":                "matches 2 units",
			"row 8.matrix":              "is required with ratings",
			"row 9.residual_likelihood": "needs an inherent rating",
			"row 10.code":               "also on row 2",
			"row 10.review_date":        "is not a date",
		}
		got := map[string]string{}
		for _, fe := range errs.FieldsOf(err) {
			got[fe.Field] += fe.Message + ";"
		}
		for f, msg := range want {
			if !strings.Contains(got[f], msg) {
				t.Errorf("%s: got %q, want it to mention %q (all: %v)", f, got[f], msg, got)
			}
		}
		if n := len(e.all(t)); n != 0 {
			t.Errorf("%d risks stored by a failed import", n)
		}
	})
}

func TestImportChecksUnitScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		lead := authz.WithPrincipal(context.Background(), authz.Principal{UserID: 9, Name: "lead",
			Grants: []authz.Grant{{Role: authz.DepartmentLead, UnitID: e.units["east"].ID, UnitPath: e.units["east"].Path}}})
		file := "title,category,unit\n仓库火灾,safety_accident,XL-HD-WH\n西南停电,utilities,XL-XN\n"
		_, err := riskio.Import(lead, e.risks, e.db, strings.NewReader(file), orgio.FormatCSV)
		fields := errs.FieldsOf(err)
		if errs.CodeOf(err) != errs.Invalid || len(fields) != 1 || fields[0].Field != "row 3.unit" || !strings.Contains(fields[0].Message, "may not") {
			t.Fatalf("import outside the lead's branch: %v %+v", err, fields)
		}
		if n := len(e.all(t)); n != 0 {
			t.Errorf("%d risks stored", n)
		}
		viewer := authz.WithPrincipal(context.Background(), authz.Principal{UserID: 8, Name: "viewer",
			Grants: []authz.Grant{{Role: authz.Viewer, UnitID: e.units["group"].ID, UnitPath: e.units["group"].Path}}})
		if _, err := riskio.Import(viewer, e.risks, e.db, strings.NewReader(file), orgio.FormatCSV); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("import as viewer: %v", err)
		}
		res, err := riskio.Import(lead, e.risks, e.db, strings.NewReader("title,category,unit\n仓库火灾,安全事故,XL-HD-WH\n"), orgio.FormatCSV)
		if err != nil || res.Created != 1 {
			t.Fatalf("import in the lead's branch: %+v, %v", res, err)
		}
	})
}

func TestExportImportRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		owner := e.ppl["zhang"].ID
		r, err := e.risks.SaveRisk(e.sys, risk.Risk{Code: "R-9", Title: "叉车伤人", TitleEn: "Forklift injury", Category: risk.SafetyAccident,
			UnitID: e.units["wh"].ID, OwnerID: &owner, Cause: "盲区", Consequence: "人员伤亡", Controls: "限速", Treatment: risk.Reduce,
			Status: risk.StatusTreated, ReviewDate: "2026-05-01",
			Actions: []risk.Action{{Description: "加装倒车雷达", OwnerID: &owner, Due: "2026-04-01", Done: true}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []risk.Assessment{{Kind: risk.Inherent, Likelihood: 3, Impact: 5}, {Kind: risk.Residual, Likelihood: 2, Impact: 4}} {
			a.RiskID, a.MatrixID = r.ID, "5x5"
			if _, err := e.risks.Assess(e.sys, a); err != nil {
				t.Fatal(err)
			}
		}
		r, _ = e.risks.Risk(e.sys, r.ID)
		dir, err := riskio.LoadDirectory(e.sys, e.risks)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range i18n.Langs {
			for _, f := range []orgio.Format{orgio.FormatXLSX, orgio.FormatCSV} {
				var buf bytes.Buffer
				if err := riskio.Export(&buf, f, []risk.Risk{r}, dir, lang); err != nil {
					t.Fatal(err)
				}
				if f == orgio.FormatXLSX {
					x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
					if err != nil {
						t.Fatal(err)
					}
					rows, _ := x.GetRows(x.GetSheetList()[0])
					x.Close()
					if len(rows) != 2 || (lang == i18n.ZH && (rows[0][0] != "风险编号" || rows[1][3] != "安全事故" || rows[1][22] != "一般" || rows[1][17] != "重大")) ||
						(lang == i18n.EN && (rows[0][0] != "code" || rows[1][3] != "Safety accident" || rows[1][22] != "Medium")) ||
						!strings.Contains(rows[1][10], "加装倒车雷达") || rows[1][5] != "XL0101 张伟" || rows[1][4] != "XL-HD-WH" {
						t.Errorf("%s %s export: %q", lang, f, rows)
					}
				} else if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) || !bytes.Contains(buf.Bytes(), []byte("R-9")) {
					t.Errorf("%s csv export: %s", lang, buf.Bytes())
				}
				res, err := riskio.Import(e.sys, e.risks, e.db, &buf, f)
				if err != nil {
					t.Fatalf("%s %s export imported again: %v", lang, f, err)
				}
				if res != (riskio.Result{Imported: 1, Updated: 1}) {
					t.Errorf("%s %s re-import: %+v", lang, f, res)
				}
				got, _ := e.risks.Risk(e.sys, r.ID)
				if got.Title != r.Title || got.Category != r.Category || got.Status != r.Status || got.Treatment != r.Treatment ||
					*got.OwnerID != owner || got.ReviewDate != r.ReviewDate || len(got.Actions) != 1 || got.Residual.Score != 8 {
					t.Errorf("%s %s round trip changed the risk: %+v", lang, f, got)
				}
			}
		}
		hist, _ := e.risks.Assessments(e.sys, r.ID)
		if len(hist) != 2 {
			t.Errorf("round trips added assessments: %d", len(hist))
		}
	})
}

func TestTemplate(t *testing.T) {
	var buf bytes.Buffer
	if err := riskio.WriteTemplate(&buf, orgio.FormatXLSX, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	rows, _ := x.GetRows(sheets[0])
	if sheets[0] != "风险登记册" || len(sheets) != 2 || len(rows) != 1 || rows[0][1] != "风险名称" || rows[0][3] != "风险类别" {
		t.Fatalf("template sheets %v, rows %q", sheets, rows)
	}
	dvs, err := x.GetDataValidations(sheets[0])
	if err != nil || len(dvs) != 4 {
		t.Fatalf("%d drop-down lists, %v", len(dvs), err)
	}
	buf.Reset()
	if err := riskio.WriteTemplate(&buf, orgio.FormatCSV, i18n.EN); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.TrimPrefix(buf.String(), "\ufeff"), "code,title,title_en,category,unit,owner") {
		t.Errorf("csv template %q", buf.String())
	}
}
