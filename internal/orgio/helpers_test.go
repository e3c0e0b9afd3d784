package orgio_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
)

// env is a migrated database with the services built like internal/app
// does, and a small stored organisation:
//
//	XL 星链集团 (group)
//	├── XL-IT 信息技术部
//	├── XL-OPS 运营部
//	└── HZ 杭州分公司 (branch)
//	    └── HZ-OPS 运营部
type env struct {
	db    *store.DB
	svc   *org.Service
	audit *audit.Log
	ctx   context.Context
	units map[string]org.Unit // by code
	site  org.Site
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	e := &env{db: db, svc: org.NewService(db, db, a, clk), audit: a,
		ctx: authz.WithPrincipal(context.Background(), authz.SystemPrincipal), units: map[string]org.Unit{}}
	add := func(code, name, nameEn string, kind org.UnitKind, parent string) {
		u := org.Unit{Code: code, Name: name, NameEn: nameEn, Kind: kind}
		if parent != "" {
			id := e.units[parent].ID
			u.ParentID = &id
		}
		u, err := e.svc.CreateUnit(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		e.units[code] = u
	}
	add("XL", "星链集团", "Xinglian Group", org.KindGroup, "")
	add("XL-IT", "信息技术部", "IT", org.KindDepartment, "XL")
	add("XL-OPS", "运营部", "Operations", org.KindDepartment, "XL")
	add("HZ", "杭州分公司", "Hangzhou Branch", org.KindBranch, "XL")
	add("HZ-OPS", "运营部", "Operations", org.KindDepartment, "HZ")
	s, err := e.svc.SaveSite(e.ctx, org.Site{Name: "集团总部大楼", NameEn: "Group HQ"})
	if err != nil {
		t.Fatal(err)
	}
	e.site = s
	return e
}

// counts is what must not change when an import fails.
type counts struct{ people, units, auditEntries int }

func (e *env) counts(t *testing.T) counts {
	t.Helper()
	_, people, err := e.svc.People(e.ctx, org.PeopleFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	units, err := e.svc.Units(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.audit.Verify(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("audit chain broken: %+v", rep.Problems)
	}
	return counts{people, len(units), rep.Checked}
}

// allPeople returns every stored person by employee number.
func (e *env) allPeople(t *testing.T) map[string]org.Person {
	t.Helper()
	out := map[string]org.Person{}
	var after int64
	for {
		page, _, err := e.svc.People(e.ctx, org.PeopleFilter{Limit: 500, AfterID: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page {
			out[p.EmployeeNo] = p
			after = p.ID
		}
		if len(page) < 500 {
			return out
		}
	}
}

func csvFile(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// xlsxFile writes rows to the first sheet of a new workbook, every cell as
// text except cells that parse as numbers, which are written as numbers
// the way a person typing into Excel would get them.
func xlsxFile(t *testing.T, rows [][]string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			var n int64
			if _, err := fmt.Sscanf(v, "%d", &n); err == nil && fmt.Sprint(n) == v && len(v) > 1 {
				if err := x.SetCellValue("Sheet1", cell, n); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := x.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fields returns the field errors of an import error, failing the test
// when err is not the all-or-nothing Invalid error.
func fields(t *testing.T, err error) []errs.FieldError {
	t.Helper()
	if err == nil {
		t.Fatal("import succeeded, want an error")
	}
	if errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("error code %s (%v), want invalid", errs.CodeOf(err), err)
	}
	if !strings.Contains(err.Error(), "nothing was stored") {
		t.Fatalf("error %q does not say that nothing was stored", err)
	}
	return errs.FieldsOf(err)
}

func auditFilter(action string) audit.Filter { return audit.Filter{Action: action, Limit: 500} }

// hasField reports whether a field error names field and its message
// contains every fragment.
func hasField(fs []errs.FieldError, field string, fragments ...string) bool {
	return slices.ContainsFunc(fs, func(f errs.FieldError) bool {
		if f.Field != field {
			return false
		}
		for _, s := range fragments {
			if !strings.Contains(f.Message, s) {
				return false
			}
		}
		return true
	})
}
