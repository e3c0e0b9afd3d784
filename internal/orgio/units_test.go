package orgio_test

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// unitsByCode returns the stored units by code.
func (e *env) unitsByCode(t *testing.T) map[string]org.Unit {
	t.Helper()
	us, err := e.svc.Units(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]org.Unit{}
	for _, u := range us {
		out[u.Code] = u
	}
	return out
}

func parentCode(units map[string]org.Unit, u org.Unit) string {
	if u.ParentID == nil {
		return ""
	}
	for code, p := range units {
		if p.ID == *u.ParentID {
			return code
		}
	}
	return "?"
}

func TestImportUnitsParentsBeforeAndAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		file := xlsxFile(t, [][]string{
			{"编码", "名称", "英文名称", "类型", "上级", "排序"},
			// Parent defined later in the file, by code and by name.
			{"CD-OPS", "运营部", "Operations", "部门", "CD", "10"},
			{"CD-TRN", "运输部", "Transport", "department", "成都分公司", "20"},
			{"CD", "成都分公司", "Chengdu Branch", "分公司", "XL", "30"},
			// Parent defined earlier in the file, by English name.
			{"CD-TRN-FLEET", "车队", "Fleet", "部门", "Transport", ""},
			// Parent stored, by Chinese name; a new top-level unit needs no parent.
			{"XL-LEG", "法务合规部", "Legal & Compliance", "部门", "星链集团", "5"},
			{"WH", "星链仓储有限公司", "Xinglian Warehousing", "子公司", "", ""},
		})
		res, err := orgio.ImportUnits(e.ctx, e.svc, e.db, bytes.NewReader(file), orgio.FormatXLSX)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 6 || res.Updated != 0 {
			t.Fatalf("result %+v, want 6 created", res)
		}
		us := e.unitsByCode(t)
		for code, want := range map[string]string{"CD": "XL", "CD-OPS": "CD", "CD-TRN": "CD", "CD-TRN-FLEET": "CD-TRN", "XL-LEG": "XL", "WH": ""} {
			u, ok := us[code]
			if !ok {
				t.Fatalf("unit %s not stored", code)
			}
			if got := parentCode(us, u); got != want {
				t.Errorf("%s: parent %q, want %q", code, got, want)
			}
		}
		if us["CD"].Kind != org.KindBranch || us["WH"].Kind != org.KindSubsidiary || us["CD-TRN"].Kind != org.KindDepartment || us["CD"].SortOrder != 30 {
			t.Errorf("kinds or sort order not stored: %+v %+v", us["CD"], us["WH"])
		}
		if us["CD-TRN-FLEET"].Path != us["CD-TRN"].Path+strconv.FormatInt(us["CD-TRN-FLEET"].ID, 10)+"/" {
			t.Errorf("path %q is not under %q", us["CD-TRN-FLEET"].Path, us["CD-TRN"].Path)
		}
	})
}

func TestImportUnitsUpdatesByCodeAndMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		before := e.unitsByCode(t)
		// HZ-OPS moves from HZ to a new unit that the file creates after it;
		// XL-IT is renamed and keeps its parent (empty parent cell).
		file := csvFile(t, [][]string{
			{"code", "name", "name_en", "kind", "parent"},
			{"HZ-OPS", "杭州运营中心", "Hangzhou Operations Centre", "department", "HZ-HUB"},
			{"xl-it", "信息技术中心", "IT Centre", "department", ""},
			{"HZ-HUB", "杭州枢纽", "Hangzhou Hub", "branch", "XL"},
		})
		res, err := orgio.ImportUnits(e.ctx, e.svc, e.db, bytes.NewReader(file), orgio.FormatCSV)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || res.Updated != 2 {
			t.Fatalf("result %+v, want 1 created, 2 updated", res)
		}
		us := e.unitsByCode(t)
		if len(us) != len(before)+1 {
			t.Fatalf("%d units, want %d", len(us), len(before)+1)
		}
		if u := us["HZ-OPS"]; u.ID != before["HZ-OPS"].ID || u.Name != "杭州运营中心" || parentCode(us, u) != "HZ-HUB" {
			t.Errorf("HZ-OPS not moved/renamed: %+v", u)
		}
		if u := us["XL-IT"]; u.ID != before["XL-IT"].ID || u.Name != "信息技术中心" || parentCode(us, u) != "XL" {
			t.Errorf("XL-IT not renamed in place: %+v", u)
		}
	})
}

func TestImportUnitsProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		before := e.counts(t)
		file := csvFile(t, [][]string{
			{"code", "name", "kind", "parent", "sort_order"},
			{"A", "甲", "department", "B", ""},       // row 2: loop A → B → A
			{"B", "乙", "department", "A", ""},       // row 3
			{"C", "丙", "division", "XL", ""},        // row 4: bad kind
			{"D", "", "department", "XL", ""},       // row 5: no name
			{"E", "戊", "department", "NOWHERE", ""}, // row 6: unknown parent
			{"F", "己", "department", "运营部", ""},     // row 7: ambiguous parent
			{"A", "甲二", "department", "XL", ""},     // row 8: duplicate code
			{"G", "庚", "department", "XL", "first"}, // row 9: bad sort order
			{"XL", "星链集团", "group", "HZ-OPS", ""},   // row 10: moves the root under its own sub-unit
			{"H", "辛", "department", "H", ""},       // row 11: own parent
		})
		_, err := orgio.ImportUnits(e.ctx, e.svc, e.db, bytes.NewReader(file), orgio.FormatCSV)
		fs := fields(t, err)
		for _, want := range []struct {
			field     string
			fragments []string
		}{
			{"row 2.parent", []string{"loop"}},
			{"row 3.parent", []string{"loop"}},
			{"row 4.kind", []string{"division"}},
			{"row 5.name", []string{"required"}},
			{"row 6.parent", []string{"NOWHERE"}},
			{"row 7.parent", []string{"运营部", "matches"}},
			{"row 8.code", []string{"row 2"}},
			{"row 9.sort_order", []string{"first"}},
			{"row 10.parent", []string{"loop"}},
			{"row 11.parent", []string{"own parent"}},
		} {
			if !hasField(fs, want.field, want.fragments...) {
				t.Errorf("no problem %s %q in %+v", want.field, want.fragments, fs)
			}
		}
		if after := e.counts(t); after != before {
			t.Fatalf("counts %+v → %+v", before, after)
		}
	})
}

func TestImportUnitsAuthorization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		hz := e.units["HZ"]
		manager := authz.WithPrincipal(e.ctx, authz.Principal{UserID: 7, Name: "hz-office",
			Grants: []authz.Grant{{Role: authz.BCMManager, UnitID: hz.ID, UnitPath: hz.Path}}})
		before := e.counts(t)
		file := csvFile(t, [][]string{
			{"code", "name", "kind", "parent"},
			{"HZ-CS", "客服部", "department", "HZ"},       // inside their branch: fine
			{"HZ-CS-1", "客服一组", "department", "HZ-CS"}, // under a new unit inside: fine
			{"XL-PR", "品牌公关部", "department", "XL"},     // at group level: refused
			{"TOP", "新集团", "group", ""},                // top level: refused
		})
		_, err := orgio.ImportUnits(manager, e.svc, e.db, bytes.NewReader(file), orgio.FormatCSV)
		fs := fields(t, err)
		if len(fs) != 2 || !hasField(fs, "row 4.parent", "may not") || !hasField(fs, "row 5.parent", "administrator") {
			t.Fatalf("fields %+v, want rows 4 and 5 refused", fs)
		}
		if after := e.counts(t); after != before {
			t.Fatalf("counts %+v → %+v", before, after)
		}
		ok := csvFile(t, [][]string{{"code", "name", "kind", "parent"}, {"HZ-CS", "客服部", "department", "HZ"}, {"HZ-CS-1", "客服一组", "department", "HZ-CS"}})
		if res, err := orgio.ImportUnits(manager, e.svc, e.db, bytes.NewReader(ok), orgio.FormatCSV); err != nil || res.Created != 2 {
			t.Fatalf("import inside own branch: %+v, %v", res, err)
		}
		lead := authz.WithPrincipal(e.ctx, authz.Principal{UserID: 8, Name: "lead",
			Grants: []authz.Grant{{Role: authz.DepartmentLead, UnitID: hz.ID, UnitPath: hz.Path}}})
		if _, err := orgio.ImportUnits(lead, e.svc, e.db, bytes.NewReader(ok), orgio.FormatCSV); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("department lead importing units: %v, want forbidden (no org.write)", err)
		}
	})
}
