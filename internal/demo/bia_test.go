package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

func TestDemoBIA(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		if _, _, err := demo.Load(context.Background(), e.org, e.ids, e.db); err != nil {
			t.Fatal(err)
		}
		svc := bia.NewService(db, db, e.audit, clock.Real{})
		ps, err := svc.Processes(e.sys, bia.ProcessFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 12 {
			t.Fatalf("%d processes", len(ps))
		}
		for _, p := range ps {
			if p.RTOMinutes == nil || p.RPOMinutes == nil || p.MTPDMinutes == nil || !p.MTPDDerived || *p.RTOMinutes > *p.MTPDMinutes ||
				len(p.Impacts) != 30 || p.ApprovedAnswerID == nil || p.OwnerID == nil {
				t.Errorf("process %s %s is not fully assessed and approved: %+v", p.Code, p.NameEn, p)
			}
		}
		cs, err := svc.Campaigns(e.sys)
		if err != nil || len(cs) != 1 || cs[0].Status != bia.CampaignClosed || cs[0].Progress.Approved != 12 {
			t.Fatalf("campaigns %+v %v", cs, err)
		}

		gaps, err := svc.Feasibility(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]string{}
		for _, g := range gaps {
			var chain []string
			for _, n := range g.Chain {
				chain = append(chain, n.Code)
			}
			found[g.Process.Code] = strings.Join(chain, ">")
		}
		// Picking needs the WMS in 4 h; the WMS runs only in the data
		// centre, which takes a day to recover.
		if found["BP-03"] != "BP-03>APP-WMS>SITE-DC" || found["BP-10"] != "BP-10>APP-IOT" {
			t.Errorf("gaps %v", found)
		}
		spofs, err := svc.SinglePointsOfFailure(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, s := range spofs {
			codes = append(codes, s.Resource.Code)
		}
		for _, want := range []string{"APP-WMS", "SITE-DC", "ROLE-BROKER", "APP-TMS"} {
			if !strings.Contains(strings.Join(codes, ","), want) {
				t.Errorf("%s is not a single point of failure: %v", want, codes)
			}
		}
		for _, not := range []string{"SUP-LH1", "SUP-LH2", "SITE-SH", "SITE-CLOUD"} {
			if strings.Contains(strings.Join(codes, ","), not) {
				t.Errorf("%s has an alternative but is a single point of failure: %v", not, codes)
			}
		}
		if cycles, _ := svc.Cycles(e.sys); len(cycles) != 0 {
			t.Errorf("cycles %+v", cycles)
		}
	})
}
