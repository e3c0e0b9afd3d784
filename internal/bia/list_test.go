package bia_test

import (
	"fmt"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

func TestProcessAndResourcePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		west := e.process(t, bia.Process{Code: "W-01", Name: "西南配送", UnitID: e.west.ID, Important: true})
		for i := 1; i <= 7; i++ {
			p := bia.Process{Code: fmt.Sprintf("E-%02d", i), Name: fmt.Sprintf("华东流程%d", i), NameEn: fmt.Sprintf("East %d", i), Important: i%2 == 0}
			if i == 3 {
				p.OwnerID = &e.zhang.ID
			}
			e.process(t, p)
		}
		page := func(q bia.ProcessQuery) ([]string, int) {
			t.Helper()
			ps, total, err := e.bia.ProcessPage(e.sys, q)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, p := range ps {
				codes = append(codes, p.Code)
			}
			return codes, total
		}
		codes, total := page(bia.ProcessQuery{Limit: 3, Offset: 3})
		if total != 8 || fmt.Sprint(codes) != "[E-04 E-05 E-06]" {
			t.Errorf("page 2 of 3: %v of %d", codes, total)
		}
		codes, total = page(bia.ProcessQuery{UnitID: e.east.ID, Important: true, Limit: 2})
		if total != 3 || fmt.Sprint(codes) != "[E-02 E-04]" {
			t.Errorf("important in the east: %v of %d", codes, total)
		}
		codes, total = page(bia.ProcessQuery{OwnerID: e.zhang.ID})
		if total != 1 || fmt.Sprint(codes) != "[E-03]" {
			t.Errorf("owned by Zhang: %v of %d", codes, total)
		}
		codes, total = page(bia.ProcessQuery{Query: "east 7"})
		if total != 1 || fmt.Sprint(codes) != "[E-07]" {
			t.Errorf("search: %v of %d", codes, total)
		}
		if codes, _ = page(bia.ProcessQuery{UnitID: e.west.ID}); fmt.Sprint(codes) != "["+west.Code+"]" {
			t.Errorf("west: %v", codes)
		}
		if _, _, err := e.bia.ProcessPage(e.sys, bia.ProcessQuery{Limit: 500}); !errs.Is(err, errs.Invalid) {
			t.Errorf("limit 500: %v", err)
		}
		if _, _, err := e.bia.ProcessPage(e.sys, bia.ProcessQuery{UnitID: 999999}); !errs.Is(err, errs.Invalid) {
			t.Errorf("unknown unit: %v", err)
		}
		if _, _, err := e.bia.ProcessPage(as(authz.Viewer, e.group), bia.ProcessQuery{}); err != nil {
			t.Errorf("a viewer reads the list: %v", err)
		}

		e.resource(t, bia.Site, "嘉兴仓", 1440)
		e.resource(t, bia.Application, "WMS", 240)
		e.resource(t, bia.Application, "TMS", 60)
		rs, total, err := e.bia.ResourcePage(e.sys, bia.ResourceQuery{Kind: bia.Application, Limit: 1, Offset: 1})
		if err != nil || total != 2 || len(rs) != 1 || rs[0].Name != "WMS" {
			t.Errorf("applications, page 2: %+v of %d, %v", rs, total, err)
		}
		if _, _, err := e.bia.ResourcePage(e.sys, bia.ResourceQuery{Kind: "castle"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("unknown kind: %v", err)
		}
	})
}
