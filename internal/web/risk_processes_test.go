package web_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// TestRiskFormProcesses links a risk to the business processes it would
// disrupt through the form's process picker: a ticked box per linked
// process, and codes typed in the search box (the path without
// JavaScript). It unlinks one, refuses an unknown code or id without
// storing anything, and keeps the links when the form comes without the
// picker (as it does for a viewer who may not see the BIA).
func TestRiskFormProcesses(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		ops := e.seedUnit(e.root, "运营部", "Operations")
		var procs []bia.Process
		for _, n := range [][3]string{{"BP-01", "订单履约", "Order fulfilment"}, {"BP-02", "仓储管理", "Warehousing"}, {"BP-03", "干线运输", "Line haul"}} {
			p, err := e.app.BIA.SaveProcess(sys(), bia.Process{Code: n[0], Name: n[1], NameEn: n[2], UnitID: ops.ID})
			if err != nil {
				t.Fatal(err)
			}
			procs = append(procs, p)
		}
		if _, err := e.app.BIA.SaveResource(sys(), bia.Resource{Kind: bia.Application, Code: "BP-APP", Name: "仓储系统", NameEn: "Warehouse system"}); err != nil {
			t.Fatal(err)
		}
		p1, p2 := idStr(procs[0].ID), idStr(procs[1].ID)
		links := func(id int64) []int64 {
			t.Helper()
			rk, err := e.app.Risk.Risk(sys(), id)
			if err != nil {
				t.Fatal(err)
			}
			return rk.ProcessIDs
		}
		c := e.client()
		c.login("admin")

		// The form holds a search box, not a list of every process.
		r := c.get("/risks/new", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `data-process-picker`, `name="process_links" value="1"`, `name="process_q"`,
			`/bia/nodes/options?field=process&amp;family=process&amp;blank=none`, `/static/risk.js`)
		mustNotContain(t, r.body, "Order fulfilment", "Warehousing", `name="process_ids" multiple`)

		// The search lists processes only, without an empty choice.
		r = c.get("/bia/nodes/options?field=process&family=process&blank=none&process_q=BP", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `value="p`+p1+`"`, "BP-01 Order fulfilment", `value="p`+p2+`"`)
		mustNotContain(t, r.body, "Warehouse system", `<option value=""`)

		// Link two: one ticked (picked in the list), one by its code.
		f := riskForm("仓库内涝", ops, "natural_disaster")
		f["process_links"] = []string{"1"}
		f["process_ids"] = []string{p1}
		f["process_q"] = []string{"bp-02"}
		r = c.post("/risks", f)
		wantStatus(t, r, http.StatusSeeOther)
		rs, _, err := e.app.Risk.Risks(sys(), risk.Filter{})
		if err != nil || len(rs) != 1 {
			t.Fatalf("risks %v %v", rs, err)
		}
		id := rs[0].ID
		if got := links(id); !slices.Equal(got, []int64{procs[0].ID, procs[1].ID}) {
			t.Fatalf("links %v, want both", got)
		}
		r = c.get(r.location(), "Accept-Language", "en")
		mustContain(t, r.body, `href="/bia/processes/`+p1+`"`, "BP-01 Order fulfilment", "BP-02 Warehousing")
		mustNotContain(t, r.body, "Line haul")
		r = c.get("/risks/"+idStr(id)+"/edit", "Accept-Language", "en")
		mustContain(t, r.body, `name="process_ids" value="`+p1+`" checked`, `name="process_ids" value="`+p2+`" checked`,
			"BP-02 Warehousing · Operations")

		// Unlink one: its box comes unticked, so not sent.
		f = riskForm("仓库内涝", ops, "natural_disaster")
		f["process_links"] = []string{"1"}
		f["process_ids"] = []string{p2}
		r = c.post("/risks/"+idStr(id), f)
		wantStatus(t, r, http.StatusSeeOther)
		if got := links(id); !slices.Equal(got, []int64{procs[1].ID}) {
			t.Fatalf("links %v after unlinking, want [%s]", got, p2)
		}

		// An unknown code is shown next to the field; nothing is stored.
		f = riskForm("仓库被淹", ops, "natural_disaster")
		f["process_links"] = []string{"1"}
		f["process_ids"] = []string{p2}
		f["process_q"] = []string{"BP-01, NOPE-9"}
		r = c.post("/risks/"+idStr(id), f, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-process_ids-err">No business process has the code NOPE-9.`,
			`name="process_q" value="NOPE-9"`, `name="process_ids" value="`+p1+`" checked`)
		r = c.post("/risks/"+idStr(id), f, "Accept-Language", "zh-CN")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "没有编号为 NOPE-9 的业务流程。")
		if rk, _ := e.app.Risk.Risk(sys(), id); rk.Title != "仓库内涝" || !slices.Equal(rk.ProcessIDs, []int64{procs[1].ID}) {
			t.Fatalf("a refused form changed the risk: %q %v", rk.Title, rk.ProcessIDs)
		}

		// An id that is no process (deleted meanwhile) is refused by the
		// service, next to the field as well.
		f = riskForm("仓库被淹", ops, "natural_disaster")
		f["process_links"] = []string{"1"}
		f["process_ids"] = []string{p2, "4242"}
		r = c.post("/risks", f, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-process_ids-err">No business process has the id 4242: it may have been deleted.`)
		if n := e.countRisks(); n != 1 {
			t.Fatalf("%d risks after a refused form", n)
		}

		// A form without the picker changes the other fields and keeps
		// the links.
		f = riskForm("仓库被淹", ops, "natural_disaster")
		r = c.post("/risks/"+idStr(id), f)
		wantStatus(t, r, http.StatusSeeOther)
		if rk, _ := e.app.Risk.Risk(sys(), id); rk.Title != "仓库被淹" || !slices.Equal(rk.ProcessIDs, []int64{procs[1].ID}) {
			t.Fatalf("form without the picker: %q %v", rk.Title, rk.ProcessIDs)
		}
	})
}
