package orgio_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

var peopleHeader = []string{"employee_no", "name", "name_en", "title", "title_en", "unit", "site", "mobile", "phone", "email", "dingtalk", "wecom", "feishu", "slack", "active"}

// personRow returns row i (from 1) of a generated people file.
func personRow(i int) []string {
	units := []string{"XL-IT", "信息技术部", "HZ/Operations", "杭州分公司/运营部", "XL-OPS"}
	active := "yes"
	if i%10 == 0 {
		active = "否"
	}
	site := ""
	if i%3 == 0 {
		site = "Group HQ"
	}
	return []string{
		fmt.Sprintf("E%05d", i),
		fmt.Sprintf("员工%d", i),
		fmt.Sprintf("Employee %d", i),
		"专员", "Officer",
		units[i%len(units)],
		site,
		mobile(i),
		fmt.Sprintf("0215555%04d", i),
		fmt.Sprintf("e%d@xinglian.example", i),
		fmt.Sprintf("dt-%d", i), "", "", "",
		active,
	}
}

// mobile gives half the rows a bare digit string, which xlsxFile stores
// as a number, as Excel does when one types it.
func mobile(i int) string {
	if i%2 == 0 {
		return fmt.Sprintf("1380000%04d", i)
	}
	return fmt.Sprintf("+86 138 0000 %04d", i)
}

func peopleFile(n int, edit func(i int, row []string)) [][]string {
	rows := [][]string{append([]string(nil), peopleHeader...)}
	for i := 1; i <= n; i++ {
		r := personRow(i)
		if edit != nil {
			edit(i, r)
		}
		rows = append(rows, r)
	}
	return rows
}

func TestImportPeopleRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		format orgio.Format
		file   func(*testing.T, [][]string) []byte
	}{{orgio.FormatCSV, csvFile}, {orgio.FormatXLSX, xlsxFile}} {
		t.Run(string(tc.format), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				e := newEnv(t, db)
				before := e.counts(t)
				rows := peopleFile(100, nil)
				res, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(tc.file(t, rows)), tc.format)
				if err != nil {
					t.Fatal(err)
				}
				if res.Imported != 100 || res.Created != 100 || res.Updated != 0 {
					t.Fatalf("result %+v, want 100 created", res)
				}
				after := e.counts(t)
				if after.people != before.people+100 {
					t.Fatalf("people %d → %d, want +100", before.people, after.people)
				}
				if after.auditEntries != before.auditEntries+100 {
					t.Errorf("audit entries %d → %d, want one per person", before.auditEntries, after.auditEntries)
				}
				stored := e.allPeople(t)
				wantUnit := []int64{e.units["XL-IT"].ID, e.units["XL-IT"].ID, e.units["HZ-OPS"].ID, e.units["HZ-OPS"].ID, e.units["XL-OPS"].ID}
				for i := 1; i <= 100; i++ {
					r := rows[i]
					p, ok := stored[r[0]]
					if !ok {
						t.Fatalf("row %d (%s) not stored", i+1, r[0])
					}
					if p.Name != r[1] || p.NameEn != r[2] || p.Title != r[3] || p.TitleEn != r[4] {
						t.Errorf("row %d: stored %q/%q/%q/%q", i+1, p.Name, p.NameEn, p.Title, p.TitleEn)
					}
					if p.UnitID != wantUnit[i%5] {
						t.Errorf("row %d: unit %d, want %d (%s)", i+1, p.UnitID, wantUnit[i%5], r[5])
					}
					if (r[6] != "") != (p.SiteID != nil) || (p.SiteID != nil && *p.SiteID != e.site.ID) {
						t.Errorf("row %d: site %v, want %q", i+1, p.SiteID, r[6])
					}
					if p.Active != (i%10 != 0) {
						t.Errorf("row %d: active %v", i+1, p.Active)
					}
					want := []org.ContactMethod{{Kind: org.ContactMobile, Value: r[7]}, {Kind: org.ContactPhone, Value: r[8]},
						{Kind: org.ContactEmail, Value: r[9]}, {Kind: org.ContactDingTalk, Value: r[10]}}
					if fmt.Sprint(p.Contacts) != fmt.Sprint(want) {
						t.Errorf("row %d: contacts %v, want %v", i+1, p.Contacts, want)
					}
				}
			})
		})
	}
}

// A template written by WritePeopleTemplate, filled in as a user would,
// imports as it is: the template and the importer agree.
func TestImportFilledTemplate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, lang := range []i18n.Lang{i18n.ZH, i18n.EN} {
			var tpl bytes.Buffer
			if err := orgio.WritePeopleTemplate(&tpl, orgio.FormatXLSX, lang); err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(&tpl)
			if err != nil {
				t.Fatal(err)
			}
			sheet := x.GetSheetList()[0]
			header, err := x.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range header[0] {
				col[h] = i
			}
			key := func(zh, en string) int {
				if lang == i18n.ZH {
					return col[zh]
				}
				return col[en]
			}
			set := func(row, c int, v string) {
				cell, _ := excelize.CoordinatesToCellName(c+1, row)
				if err := x.SetCellStr(sheet, cell, v); err != nil {
					t.Fatal(err)
				}
			}
			set(2, key("工号", "employee_no"), "T-"+string(lang))
			set(2, key("姓名", "name"), "模板测试")
			set(2, key("部门", "unit"), "XL-IT")
			set(2, key("手机", "mobile"), "13800009999")
			set(2, key("在职", "active"), map[i18n.Lang]string{i18n.ZH: "是", i18n.EN: "yes"}[lang])
			var filled bytes.Buffer
			if err := x.Write(&filled); err != nil {
				t.Fatal(err)
			}
			x.Close()
			if _, err := orgio.ImportPeople(e.ctx, e.svc, e.db, &filled, orgio.FormatXLSX); err != nil {
				t.Fatalf("%s template: %v", lang, err)
			}
			p := e.allPeople(t)["T-"+string(lang)]
			if p.Name != "模板测试" || p.Contact(org.ContactMobile) != "13800009999" || !p.Active {
				t.Fatalf("%s template: stored %+v", lang, p)
			}
		}
	})
}

func TestImportPeopleBadRowStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		before := e.counts(t)
		rows := peopleFile(100, func(i int, r []string) {
			if i == 56 { // spreadsheet row 57: the header is row 1
				r[9] = "not-an-email"
			}
		})
		for _, f := range []orgio.Format{orgio.FormatCSV, orgio.FormatXLSX} {
			file := csvFile(t, rows)
			if f == orgio.FormatXLSX {
				file = xlsxFile(t, rows)
			}
			_, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(file), f)
			fs := fields(t, err)
			if len(fs) != 1 || !hasField(fs, "row 57.email", "not-an-email", "not a valid email") {
				t.Fatalf("%s: fields %+v, want only row 57.email", f, fs)
			}
			if after := e.counts(t); after != before {
				t.Fatalf("%s: counts %+v → %+v; a failed import must store nothing", f, before, after)
			}
		}
	})
}

// Limits that only org.Person.Validate knows (a name of at most 100
// characters) are reported by row like the importer's own checks.
func TestImportPeopleFieldLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		before := e.counts(t)
		rows := peopleFile(20, func(i int, r []string) {
			if i == 15 {
				r[1] = strings.Repeat("长", 101)
			}
		})
		_, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(csvFile(t, rows)), orgio.FormatCSV)
		fs := fields(t, err)
		if !hasField(fs, "row 16.name", "at most 100") {
			t.Fatalf("fields %+v, want row 16.name too long", fs)
		}
		if after := e.counts(t); after != before {
			t.Fatalf("counts %+v → %+v", before, after)
		}
	})
}

func TestImportPeopleReportsEveryProblem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		before := e.counts(t)
		rows := peopleFile(12, func(i int, r []string) {
			switch i + 1 { // spreadsheet row numbers
			case 3:
				r[1] = ""
			case 5:
				r[9] = "a@b@c"
			case 7:
				r[5] = "NO-SUCH-UNIT"
			case 8:
				r[5] = "运营部" // two units have this name
			case 9:
				r[0] = "E00002" // row 3 has it
			case 10:
				r[7] = "call me"
			case 11:
				r[14] = "maybe"
			case 12:
				r[6] = "月球基地"
			}
		})
		rows[0] = append(rows[0], "备注")
		_, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(csvFile(t, rows)), orgio.FormatCSV)
		fs := fields(t, err)
		for _, want := range []struct {
			field     string
			fragments []string
		}{
			{"row 1.column P", []string{"unknown column", "备注"}},
			{"row 3.name", []string{"required"}},
			{"row 5.email", []string{"a@b@c"}},
			{"row 7.unit", []string{"NO-SUCH-UNIT"}},
			{"row 8.unit", []string{"运营部", "matches 2 units", "code"}},
			{"row 9.employee_no", []string{"E00002", "row 3"}},
			{"row 10.mobile", []string{"call me", "phone number"}},
			{"row 11.active", []string{"maybe"}},
			{"row 12.site", []string{"月球基地"}},
		} {
			if !hasField(fs, want.field, want.fragments...) {
				t.Errorf("no problem %s %q in %+v", want.field, want.fragments, fs)
			}
		}
		for i := 1; i < len(fs); i++ {
			if rowOf(fs[i].Field) < rowOf(fs[i-1].Field) {
				t.Errorf("problems not in row order: %s after %s", fs[i].Field, fs[i-1].Field)
			}
		}
		if after := e.counts(t); after != before {
			t.Fatalf("counts %+v → %+v", before, after)
		}
	})
}

func rowOf(field string) int {
	var n int
	fmt.Sscanf(field, "row %d", &n)
	return n
}

func TestImportPeopleMissingColumns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		file := csvFile(t, [][]string{{"工号", "英文名", "手机"}, {"E1", "A", "+86 138 0000 0001"}})
		_, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(file), orgio.FormatCSV)
		fs := fields(t, err)
		if !hasField(fs, "row 1", "name", "姓名", "missing") || !hasField(fs, "row 1", "unit", "部门", "missing") {
			t.Fatalf("fields %+v, want both required columns reported", fs)
		}
	})
}

func TestImportPeopleChineseHeadersAndEncodings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		rows := [][]string{
			{" 工号 ", "姓名", "英文名", "职务", "部门", "地点", "手机", "电话", "邮箱", "钉钉", "企业微信", "飞书", "在职"},
			{"C001", "张伟", "Zhang Wei", "运维主管", "信息技术部", "集团总部大楼", "+86 138 0000 0101", "", "zhang.wei@xinglian.example", "", "ZhangWei", "ou_zhangwei", "是"},
			{"", "", "", "", "", "", "", "", "", "", "", "", ""}, // blank rows are skipped
			{"C002", "李娜", "Li Na", "客服专员", "杭州分公司/运营部", "", "+86 139 0000 0102", "+86 571 5555 0102", "", "dt-lina", "", "", "否"},
		}
		plain := csvFile(t, rows)
		gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(plain)
		if err != nil {
			t.Fatal(err)
		}
		// Each variant names other people (C001 → gbk1…) so that all are created.
		rename := func(b []byte, prefix string) []byte { return bytes.ReplaceAll(b, []byte("C00"), []byte(prefix)) }
		tabbed := bytes.ReplaceAll(rename(plain, "u16"), []byte(","), []byte("\t"))
		utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(tabbed)
		if err != nil {
			t.Fatal(err)
		}
		for name, file := range map[string][]byte{
			"bom": append([]byte{0xEF, 0xBB, 0xBF}, rename(plain, "bom")...),
			"gbk": rename(gbk, "gbk"),
			"sem": rename(bytes.ReplaceAll(plain, []byte(","), []byte(";")), "sem"),
			"u16": utf16, // Excel's "Unicode text": UTF-16 with a BOM, tab-separated
		} {
			t.Run(name, func(t *testing.T) {
				res, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(file), orgio.FormatCSV)
				if err != nil {
					t.Fatal(err)
				}
				if res.Created != 2 {
					t.Fatalf("result %+v, want 2 created", res)
				}
				all := e.allPeople(t)
				a, b := all[name+"1"], all[name+"2"]
				if a.Name != "张伟" || a.Title != "运维主管" || a.UnitID != e.units["XL-IT"].ID || a.SiteID == nil || !a.Active ||
					a.Contact(org.ContactWeCom) != "ZhangWei" || a.Contact(org.ContactFeishu) != "ou_zhangwei" {
					t.Errorf("first person stored as %+v", a)
				}
				if b.Name != "李娜" || b.UnitID != e.units["HZ-OPS"].ID || b.Active || b.Contact(org.ContactPhone) != "+86 571 5555 0102" {
					t.Errorf("second person stored as %+v", b)
				}
			})
		}
	})
}

func TestImportPeopleUpdatesByEmployeeNo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		if _, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(csvFile(t, peopleFile(5, nil))), orgio.FormatCSV); err != nil {
			t.Fatal(err)
		}
		before := e.allPeople(t)
		// The second file has no dingtalk, site or active column: those stay.
		file := csvFile(t, [][]string{
			{"工号", "姓名", "职务", "部门", "手机", "邮箱"},
			{"E00002", "员工2", "主管", "XL-OPS", "+86 138 1111 0002", ""},
			{"E00010", "新员工", "专员", "XL-IT", "+86 138 1111 0010", "new@xinglian.example"},
		})
		res, err := orgio.ImportPeople(e.ctx, e.svc, e.db, bytes.NewReader(file), orgio.FormatCSV)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || res.Updated != 1 || res.Imported != 2 {
			t.Fatalf("result %+v, want 1 created and 1 updated", res)
		}
		after := e.allPeople(t)
		if len(after) != len(before)+1 {
			t.Fatalf("%d people, want %d", len(after), len(before)+1)
		}
		old, upd := before["E00002"], after["E00002"]
		if upd.ID != old.ID {
			t.Fatalf("updated person has id %d, was %d", upd.ID, old.ID)
		}
		if upd.Title != "主管" || upd.UnitID != e.units["XL-OPS"].ID || upd.Contact(org.ContactMobile) != "+86 138 1111 0002" {
			t.Errorf("not updated: %+v", upd)
		}
		if upd.Contact(org.ContactEmail) != "" {
			t.Errorf("empty email cell kept %q, want cleared", upd.Contact(org.ContactEmail))
		}
		if upd.Contact(org.ContactDingTalk) != old.Contact(org.ContactDingTalk) || upd.NameEn != old.NameEn || upd.Active != old.Active {
			t.Errorf("columns absent from the file changed: %+v, was %+v", upd, old)
		}
		if after["E00003"].UpdatedAt != before["E00003"].UpdatedAt || after["E00003"].Title != before["E00003"].Title {
			t.Errorf("a person not in the file changed")
		}
	})
}

// A department lead may import people into their own department only; a
// file that also touches another unit stores nothing and names the row.
func TestImportPeopleOutsideSubtree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		it := e.units["XL-IT"]
		lead := authz.WithPrincipal(e.ctx, authz.Principal{UserID: 42, Name: "it-lead",
			Grants: []authz.Grant{{Role: authz.DepartmentLead, UnitID: it.ID, UnitPath: it.Path}}})
		before := e.counts(t)
		file := csvFile(t, [][]string{
			{"employee_no", "name", "unit"},
			{"L1", "甲", "XL-IT"},
			{"L2", "乙", "XL-IT"},
			{"L3", "丙", "HZ-OPS"},
		})
		_, err := orgio.ImportPeople(lead, e.svc, e.db, bytes.NewReader(file), orgio.FormatCSV)
		fs := fields(t, err)
		if len(fs) != 1 || !hasField(fs, "row 4.unit", "may not", "杭州分公司/运营部") {
			t.Fatalf("fields %+v, want row 4.unit refused", fs)
		}
		if after := e.counts(t); after != before {
			t.Fatalf("counts %+v → %+v", before, after)
		}
		// Their own department is fine, and the audit log names them.
		ok := csvFile(t, [][]string{{"employee_no", "name", "unit"}, {"L1", "甲", "XL-IT"}})
		if _, err := orgio.ImportPeople(lead, e.svc, e.db, bytes.NewReader(ok), orgio.FormatCSV); err != nil {
			t.Fatal(err)
		}
		entries, err := e.audit.List(e.ctx, auditFilter("person.create"))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Actor != "it-lead" {
			t.Fatalf("audit entries %+v, want one person.create by it-lead", entries)
		}
		// A viewer may not import at all.
		viewer := authz.WithPrincipal(e.ctx, authz.Principal{UserID: 43, Name: "viewer",
			Grants: []authz.Grant{{Role: authz.Viewer, UnitID: it.ID, UnitPath: it.Path}}})
		_, err = orgio.ImportPeople(viewer, e.svc, e.db, bytes.NewReader(ok), orgio.FormatCSV)
		if errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("viewer import: %v, want forbidden", err)
		}
	})
}
