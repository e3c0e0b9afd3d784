package riskreport_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/document/doctest"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/riskreport"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// load reads the demo register the way the report does.
func load(t *testing.T, db *store.DB) riskreport.Data {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	o := org.NewService(db, db, a, clk)
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	if _, _, err := demo.Load(ctx, o, identity.NewService(db, o, db, a, clk), db); err != nil {
		t.Fatal(err)
	}
	d, err := riskreport.Load(ctx, risk.NewService(db, db, a, clk), "", clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if d.Total < 40 || d.Inherent.Total == 0 {
		t.Fatalf("demo register: %d risks, %d rated", d.Total, d.Inherent.Total)
	}
	return d
}

func TestReportContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := load(t, db)
		doc := riskreport.Build(d, i18n.ZH)
		var headings []string
		var heatmaps []*document.Table
		for _, b := range doc.Blocks {
			switch b := b.(type) {
			case *document.Heading:
				headings = append(headings, b.Text)
			case *document.Table:
				if strings.HasPrefix(b.Caption, "已评估风险") {
					heatmaps = append(heatmaps, b)
				}
			}
		}
		for _, want := range []string{"概述", "风险热力图", "固有风险", "剩余风险", "风险排序清单", "重大和较大风险详情", "逾期的复核和措施"} {
			if !strings.Contains(strings.Join(headings, "|"), want) {
				t.Errorf("no heading %q in %v", want, headings)
			}
		}
		// Each heatmap table holds every cell of the 5x5 matrix and its
		// counts add up to the heatmap's total.
		if len(heatmaps) != 2 {
			t.Fatalf("%d heatmap tables", len(heatmaps))
		}
		for i, hm := range []risk.Heatmap{d.Inherent, d.Residual} {
			sum := 0
			if len(heatmaps[i].Rows) != 5 {
				t.Fatalf("heatmap %d has %d rows", i, len(heatmaps[i].Rows))
			}
			for _, row := range heatmaps[i].Rows {
				for _, c := range row[1:] {
					n, err := strconv.Atoi(c.Text)
					if err != nil || c.FillColor == "" {
						t.Fatalf("heatmap cell %+v", c)
					}
					sum += n
				}
			}
			if sum != hm.Total {
				t.Errorf("%s heatmap: cells add up to %d, total %d", hm.Kind, sum, hm.Total)
			}
		}
		// Every high or critical open risk has its page of detail.
		for _, r := range d.Risks {
			if r.Status != risk.StatusClosed && r.Level.Rank() >= risk.High.Rank() {
				title := r.Title
				if r.Code != "" {
					title = r.Code + " " + title
				}
				if !strings.Contains(strings.Join(headings, "|"), title) {
					t.Errorf("no detail for %q", title)
				}
			}
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
		{i18n.ZH, []string{"风险评估报告", "固有风险", "剩余风险", "风险排序清单"}},
		{i18n.EN, []string{"Riskassessmentreport", "Inherentrisk", "Rankedregister"}},
	} {
		top := strings.Join(strings.Fields(d.Risks[0].Title), "")
		if c.lang == i18n.EN && d.Risks[0].TitleEn != "" {
			top = strings.Join(strings.Fields(d.Risks[0].TitleEn), "")
		}
		pdf, docx := doctest.Texts(t, riskreport.Build(d, c.lang), fonts)
		for name, got := range map[string]string{"PDF": pdf, "DOCX": docx} {
			for _, w := range append(c.wants, top) {
				if !strings.Contains(got, w) {
					t.Errorf("%s %s: no %q", c.lang, name, w)
				}
			}
		}
	}
}
