package biareport_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/biareport"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/document/doctest"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// load reads the demo BIA the way the report does.
func load(t *testing.T, db *store.DB) biareport.Data {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	o := org.NewService(db, db, a, clk)
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	if _, _, err := demo.Load(ctx, o, identity.NewService(db, o, db, a, clk), db); err != nil {
		t.Fatal(err)
	}
	d, err := biareport.Load(ctx, bia.NewService(db, db, a, clk), o, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Processes) != 12 || len(d.Gaps) == 0 || len(d.SPOFs) == 0 {
		t.Fatalf("demo BIA: %d processes, %d gaps, %d single points of failure", len(d.Processes), len(d.Gaps), len(d.SPOFs))
	}
	return d
}

// tables returns the report's tables by the heading they follow.
func tables(doc *document.Document) (headings []string, under map[string][]*document.Table) {
	under = map[string][]*document.Table{}
	cur := ""
	for _, b := range doc.Blocks {
		switch b := b.(type) {
		case *document.Heading:
			cur = b.Text
			headings = append(headings, b.Text)
		case *document.Table:
			under[cur] = append(under[cur], b)
		}
	}
	return headings, under
}

func TestReportContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := load(t, db)
		doc := biareport.Build(d, i18n.ZH)
		headings, under := tables(doc)
		all := strings.Join(headings, "|")
		for _, want := range []string{"概述", "恢复目标", "随时间变化的影响", "恢复时间目标可行性", "单点故障", "恢复顺序"} {
			if !strings.Contains(all, want) {
				t.Errorf("no heading %q in %v", want, headings)
			}
		}
		// The objectives table has one row per process with its RTO.
		obj := under["恢复目标"]
		if len(obj) != 1 || len(obj[0].Rows) != len(d.Processes) {
			t.Fatalf("objectives tables %d, rows %d", len(obj), len(obj[0].Rows))
		}
		for i, p := range d.Processes {
			row := obj[0].Rows[i]
			if !strings.Contains(row[0].Text, p.Code) || row[4].Text != biareport.Duration(i18n.For(i18n.ZH), *p.RTOMinutes) {
				t.Errorf("objectives row %d: %q, RTO %q; process %s RTO %d", i, row[0].Text, row[4].Text, p.Code, *p.RTOMinutes)
			}
		}
		// Every process has its impact table: a row per category and a
		// cell per time point holding the level rated there.
		for _, p := range d.Processes {
			ts := under[p.Code+" "+p.Name]
			if len(ts) != 1 {
				t.Fatalf("process %s: %d impact tables", p.Code, len(ts))
			}
			tbl := ts[0]
			if len(tbl.Rows) < len(bia.Categories) || len(tbl.Rows[0]) != 1+len(d.Settings.TimePoints) {
				t.Fatalf("process %s impact table %dx%d", p.Code, len(tbl.Rows), len(tbl.Rows[0]))
			}
			for _, ip := range p.Impacts {
				ci, ti := -1, -1
				for i, c := range bia.Categories {
					if c == ip.Category {
						ci = i
					}
				}
				for i, tp := range d.Settings.TimePoints {
					if tp == ip.AfterMinutes {
						ti = i
					}
				}
				if got := tbl.Rows[ci][ti+1].Text; !strings.HasPrefix(got, string(rune('0'+ip.Level))+" ") {
					t.Errorf("process %s %s at %d: cell %q, level %d", p.Code, ip.Category, ip.AfterMinutes, got, ip.Level)
				}
			}
		}
		// Each gap comes with its chain to the bottleneck.
		gaps := under["恢复时间目标可行性"]
		if len(gaps) != 1 || len(gaps[0].Rows) != len(d.Gaps) {
			t.Fatalf("gap tables %v", gaps)
		}
		found := false
		for _, row := range gaps[0].Rows {
			if strings.HasPrefix(row[0].Text, "BP-03") && row[4].Text == "BP-03 仓内拣货 → APP-WMS 仓储管理系统 WMS → SITE-DC 嘉定数据中心" {
				found = true
			}
		}
		if !found {
			t.Errorf("no gap of BP-03 with its chain to the data centre: %v", gaps[0].Rows)
		}
		spofs := under["单点故障"]
		if len(spofs) != 1 || len(spofs[0].Rows) != len(d.SPOFs) {
			t.Fatalf("single points of failure: %v", spofs)
		}
		// The recovery order brings the data centre back before the WMS,
		// and the WMS before picking.
		order := under["恢复顺序"]
		if len(order) != 1 {
			t.Fatalf("recovery order tables %d", len(order))
		}
		step := func(code string) int {
			for i, row := range order[0].Rows {
				for _, part := range strings.Split(row[1].Text, "、") {
					if strings.HasPrefix(part, code+" ") {
						return i
					}
				}
			}
			t.Fatalf("%s is not in the recovery order", code)
			return -1
		}
		if !(step("SITE-DC") < step("APP-WMS") && step("APP-WMS") < step("BP-03")) {
			t.Errorf("recovery order: data centre %d, WMS %d, picking %d", step("SITE-DC"), step("APP-WMS"), step("BP-03"))
		}
	})
}

func TestReportRenders(t *testing.T) {
	fonts := doctest.Require(t)
	d := load(t, storetest.New(t, store.SQLite))
	for _, c := range []struct {
		lang  i18n.Lang
		wants []string
	}{
		{i18n.ZH, []string{"业务影响分析报告", "恢复目标", "单点故障", "恢复顺序", "仓内拣货", "SITE-DC嘉定数据中心", "4小时"}},
		{i18n.EN, []string{"Businessimpactanalysisreport", "Recoveryobjectives", "Singlepointsoffailure", "Warehousepicking", "Catastrophic"}},
	} {
		doc := biareport.Build(d, c.lang)
		var html bytes.Buffer
		if err := biareport.Write(&html, "html", doc, nil); err != nil {
			t.Fatal(err)
		}
		pdf, docx := doctest.Texts(t, doc, fonts)
		htmlText := strings.Join(strings.Fields(html.String()), "")
		for name, got := range map[string]string{"PDF": pdf, "DOCX": docx, "HTML": htmlText} {
			for _, w := range c.wants {
				if !strings.Contains(got, w) {
					t.Errorf("%s %s: no %q", c.lang, name, w)
				}
			}
		}
	}
}
