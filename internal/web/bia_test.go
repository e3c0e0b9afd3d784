package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/org"
)

// biaDemo loads the demo organisation with its BIA and returns the
// processes and resources by code and the units by code.
type biaDemo struct {
	procs map[string]bia.Process
	res   map[string]bia.Resource
	units map[string]org.Unit
}

func (e *env) loadBIADemo() biaDemo {
	e.t.Helper()
	if _, _, err := demo.Load(sys(), e.app.Org, e.app.Identity, e.app.DB); err != nil {
		e.t.Fatal(err)
	}
	d := biaDemo{procs: map[string]bia.Process{}, res: map[string]bia.Resource{}, units: map[string]org.Unit{}}
	units, err := e.app.Org.Units(sys())
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range units {
		d.units[u.Code] = u
		if u.ParentID == nil && e.root.ID == 0 {
			e.root = u
		}
	}
	ps, err := e.app.BIA.Processes(sys(), bia.ProcessFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range ps {
		d.procs[p.Code] = p
	}
	rs, err := e.app.BIA.Resources(sys(), "")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range rs {
		d.res[r.Code] = r
	}
	return d
}

func (e *env) process(id int64) bia.Process {
	e.t.Helper()
	p, err := e.app.BIA.Process(sys(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// processForm is the edit form of a process as the page fills it in.
func processForm(p bia.Process, st bia.Settings) url.Values {
	v := url.Values{"name": {p.Name}, "name_en": {p.NameEn}, "code": {p.Code}, "unit_id": {idStr(p.UnitID)},
		"description": {p.Description}, "mbco": {p.MBCO}, "peak_periods": {p.PeakPeriods}, "min_resources": {p.MinResources}}
	if p.OwnerID != nil {
		v.Set("owner_id", idStr(*p.OwnerID))
	}
	if p.Important {
		v.Set("important", "1")
	}
	if p.RTOMinutes != nil {
		v.Set("rto_minutes", strconv.Itoa(*p.RTOMinutes))
	}
	if p.RPOMinutes != nil {
		v.Set("rpo_minutes", strconv.Itoa(*p.RPOMinutes))
	}
	if p.MTPDMinutes != nil && !p.MTPDDerived {
		v.Set("mtpd_minutes", strconv.Itoa(*p.MTPDMinutes))
	}
	if p.MinStaff != nil {
		v.Set("min_staff", strconv.Itoa(*p.MinStaff))
	}
	for _, ip := range p.Impacts {
		name := "impact_" + string(ip.Category) + "_" + strconv.Itoa(ip.AfterMinutes)
		v.Set(name, strconv.Itoa(ip.Level))
		if ip.Amount != nil {
			v.Set(name+"_amount", strconv.FormatFloat(*ip.Amount, 'f', -1, 64))
		}
	}
	return v
}

// fieldError reads the message shown under a form field.
func fieldError(body, field string) string {
	m := regexp.MustCompile(`<p class="field-error" id="f-` + regexp.QuoteMeta(field) + `-err">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestBIAPagesAndAuthorization(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		d := e.loadBIADemo()
		e.seedUser("biaviewer", authz.Viewer)
		e.seedLead("biafinance", d.units[unitOf(t, d, "BP-08")])
		picking := d.procs["BP-03"]

		viewer := e.client()
		viewer.login("biaviewer")
		for _, path := range []string{"/bia", "/bia?important=1", "/bia/resources?kind=site", "/bia/processes/" + idStr(picking.ID),
			"/bia/campaigns", "/bia/graph", "/bia/graph?node=r" + idStr(d.res["APP-WMS"].ID), "/bia/analysis"} {
			r := viewer.get(path, "Accept-Language", "en")
			wantStatus(t, r, http.StatusOK)
		}
		r := viewer.get("/bia?important=1", "Accept-Language", "en")
		mustContain(t, r.body, "Warehouse picking", "Gap: needs 1d")
		mustNotContain(t, r.body, "Warehouse receiving", "Payroll", `href="/bia/processes/new"`)
		r = viewer.get("/bia/resources?kind=site", "Accept-Language", "en")
		mustContain(t, r.body, "Jiading data centre")
		mustNotContain(t, r.body, "Warehouse management system")
		// The nav leads to the pages.
		mustContain(t, r.body, `href="/bia"`)
		mustNotContain(t, r.body, "/soon/bia")

		// A viewer may not open a form or change anything.
		wantStatus(t, viewer.get("/bia/processes/new"), http.StatusForbidden)
		before := e.process(picking.ID)
		st, err := e.app.BIA.Settings(sys())
		if err != nil {
			t.Fatal(err)
		}
		form := processForm(before, st)
		form.Set("rto_minutes", "3h")
		wantStatus(t, viewer.post("/bia/processes/"+idStr(picking.ID), form), http.StatusForbidden)
		wantStatus(t, viewer.post("/bia/campaigns", url.Values{"name": {"x"}, "process_id": {idStr(picking.ID)}}), http.StatusForbidden)

		// The finance lead may write on finance only: picking is the
		// warehouse's.
		lead := e.client()
		lead.login("biafinance")
		wantStatus(t, lead.post("/bia/processes/"+idStr(picking.ID), form), http.StatusForbidden)
		wantStatus(t, lead.post("/bia/processes/"+idStr(picking.ID)+"/delete", nil), http.StatusForbidden)
		wantStatus(t, lead.post("/bia/campaigns", url.Values{"name": {"x"}, "process_id": {idStr(picking.ID)}}), http.StatusForbidden)
		if after := e.process(picking.ID); *after.RTOMinutes != *before.RTOMinutes || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("refused edits changed the process: RTO %d, was %d", *after.RTOMinutes, *before.RTOMinutes)
		}
	})
}

func unitOf(t *testing.T, d biaDemo, code string) string {
	t.Helper()
	p, ok := d.procs[code]
	if !ok {
		t.Fatalf("no demo process %s", code)
	}
	for c, u := range d.units {
		if u.ID == p.UnitID {
			return c
		}
	}
	t.Fatalf("no unit for %s", code)
	return ""
}

func TestBIAFormsValidate(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		d := e.loadBIADemo()
		e.seedUser("biaoffice", authz.BCMManager)
		c := e.client()
		c.login("biaoffice")
		st, err := e.app.BIA.Settings(sys())
		if err != nil {
			t.Fatal(err)
		}
		picking := d.procs["BP-03"]
		path := "/bia/processes/" + idStr(picking.ID)

		// An RTO beyond the MTPD the impacts give (1 d) is refused next to
		// the RTO, and nothing is stored.
		form := processForm(picking, st)
		form.Set("rto_minutes", "2d")
		form.Set("name", "仓内拣货（改）")
		r := c.post(path, form, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "rto_minutes"); got != "must not be greater than the MTPD (1d); RTO is 2d" {
			t.Errorf("RTO error %q", got)
		}
		mustContain(t, r.body, `value="仓内拣货（改）"`) // the form keeps what was typed
		// Unreadable durations and a falling impact are named too.
		form = processForm(picking, st)
		form.Set("rpo_minutes", "soon")
		form.Set("impact_customer_10080", "1")
		r = c.post(path, form, "Accept-Language", "zh-CN")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "rpo_minutes"); !strings.Contains(got, "必须是时长") {
			t.Errorf("RPO error %q", got)
		}
		if got := fieldError(r.body, "impacts"); !strings.Contains(got, "客户影响从 5（3天）降至 1（1周）") {
			t.Errorf("impacts error %q", got)
		}
		if after := e.process(picking.ID); after.Name != picking.Name || *after.RTOMinutes != *picking.RTOMinutes || *after.RPOMinutes != *picking.RPOMinutes {
			t.Errorf("refused edits were stored: %+v", after)
		}

		// A good edit is stored, the MTPD still derived.
		form = processForm(picking, st)
		form.Set("rto_minutes", "6h")
		form.Set("rpo_minutes", "30m")
		r = c.post(path, form)
		wantStatus(t, r, http.StatusSeeOther)
		if after := e.process(picking.ID); *after.RTOMinutes != 360 || *after.RPOMinutes != 30 || !after.MTPDDerived || *after.MTPDMinutes != 1440 {
			t.Errorf("stored RTO %v RPO %v MTPD %v derived %v", *after.RTOMinutes, *after.RPOMinutes, *after.MTPDMinutes, after.MTPDDerived)
		}
		r = c.get(path, "Accept-Language", "en")
		mustContain(t, r.body, "6h", "30min", "Warehouse management system (WMS)", "Jiading data centre", `id="bia-curve-data"`)

		// A dependency on itself is refused at the field; a new one is stored.
		deps := func() int {
			ds, err := e.app.BIA.Dependencies(sys(), picking.Ref())
			if err != nil {
				t.Fatal(err)
			}
			return len(ds)
		}
		n := deps()
		r = c.post("/bia/dependencies", url.Values{"from": {picking.Ref()}, "to": {picking.Ref()}, "type": {"input"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "to"); got != "a process or resource cannot depend on itself" {
			t.Errorf("self dependency error %q", got)
		}
		r = c.post("/bia/dependencies", url.Values{"from": {picking.Ref()}, "to": {bia.ResourceRef(d.res["EXT-SW"].ID)}, "alternative": {bia.ProcessRef(d.procs["BP-01"].ID)},
			"type": {"uses"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "alternative"); !strings.Contains(got, "same family") {
			t.Errorf("alternative error %q", got)
		}
		if deps() != n {
			t.Fatalf("refused dependencies were stored")
		}
		r = c.post("/bia/dependencies", url.Values{"from": {picking.Ref()}, "to": {bia.ResourceRef(d.res["EXT-SW"].ID)}, "type": {"uses"}, "note": {"报关数据"}})
		wantStatus(t, r, http.StatusSeeOther)
		if r.location() != path || deps() != n+1 {
			t.Errorf("dependency: location %q, %d dependencies, want %d", r.location(), deps(), n+1)
		}

		// A resource with an unreadable recovery time is refused.
		r = c.post("/bia/resources", url.Values{"kind": {"supplier"}, "name": {"备用承运商二"}, "recovery_minutes": {"later"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "recovery_minutes"); !strings.Contains(got, "must be a duration") {
			t.Errorf("recovery error %q", got)
		}
		r = c.post("/bia/resources", url.Values{"kind": {"supplier"}, "name": {"备用承运商二"}, "recovery_minutes": {"1d 6h"}})
		wantStatus(t, r, http.StatusSeeOther)
		rs, _, err := e.app.BIA.ResourcePage(sys(), bia.ResourceQuery{Query: "备用承运商二"})
		if err != nil || len(rs) != 1 || *rs[0].RecoveryMinutes != 1800 || rs[0].UnitID != nil {
			t.Fatalf("stored resource %+v %v", rs, err)
		}
	})
}

var answerLink = regexp.MustCompile(`<tr data-answer="(\d+)">`)

func TestBIACampaignFlow(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		d := e.loadBIADemo()
		e.seedUser("biaoffice", authz.BCMManager)
		wh := unitOf(t, d, "BP-03")
		e.seedLead("biawarehouse", d.units[wh])
		picking := d.procs["BP-03"]
		st, err := e.app.BIA.Settings(sys())
		if err != nil {
			t.Fatal(err)
		}

		office := e.client()
		office.login("biaoffice")
		r := office.post("/bia/campaigns", url.Values{"name": {"2027 年度业务影响分析"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "process_ids"); got != "choose at least one process" {
			t.Errorf("no processes: %q", got)
		}
		r = office.post("/bia/campaigns", url.Values{"name": {"2027 年度业务影响分析"}, "due": {"2027-03-31"}, "process_id": {idStr(picking.ID)}})
		wantStatus(t, r, http.StatusSeeOther)
		r = office.get(r.location(), "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		m := answerLink.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no questionnaire in\n%s", r.body)
		}
		answer := "/bia/answers/" + m[1]
		mustContain(t, r.body, "Warehouse picking", "Pending")

		// The warehouse lead fills it in: an RTO beyond the MTPD is refused
		// at the field, nothing saved.
		owner := e.client()
		owner.login("biawarehouse")
		r = owner.get(answer, "Accept-Language", "en")
		mustContain(t, r.body, `name="action" value="submit"`)
		mustNotContain(t, r.body, `name="decision"`)
		form := processForm(picking, st)
		form.Set("rto_minutes", "3d")
		form.Set("action", "save")
		r = owner.post(answer, form, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "rto_minutes"); !strings.HasPrefix(got, "must not be greater than the MTPD") {
			t.Errorf("RTO error %q", got)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		a, err := e.app.BIA.Answer(sys(), id)
		if err != nil || a.Status != bia.Pending {
			t.Fatalf("answer after a refused save: %+v %v", a, err)
		}
		// Submitting without rating everything names what is missing.
		form = processForm(picking, st)
		form.Del("impact_safety_10080")
		form.Set("action", "submit")
		r = owner.post(answer, form, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "impacts"); got != "Safety impact is not rated at 1w" {
			t.Errorf("missing rating: %q", got)
		}
		form = processForm(picking, st)
		form.Set("rto_minutes", "2h")
		form.Set("action", "submit")
		wantStatus(t, owner.post(answer, form), http.StatusSeeOther)
		// The owner cannot review.
		wantStatus(t, owner.post(answer+"/review", url.Values{"decision": {"approve"}}), http.StatusForbidden)

		// The office returns it: a comment is required.
		r = office.post(answer+"/review", url.Values{"decision": {"return"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := fieldError(r.body, "comment"); got != "is required: tell the owner what to change" {
			t.Errorf("comment error %q", got)
		}
		wantStatus(t, office.post(answer+"/review", url.Values{"decision": {"return"}, "comment": {"请补充旺季人员安排"}}), http.StatusSeeOther)
		r = owner.get(answer, "Accept-Language", "en")
		mustContain(t, r.body, "Returned", "请补充旺季人员安排", `name="action" value="submit"`)
		form.Set("peak_periods", "双十一、618、年末")
		wantStatus(t, owner.post(answer, form), http.StatusSeeOther)
		if e.process(picking.ID).RTOMinutes == nil || *e.process(picking.ID).RTOMinutes != *picking.RTOMinutes {
			t.Fatalf("the process changed before approval")
		}
		r = office.post(answer+"/review", url.Values{"decision": {"approve"}, "comment": {"同意"}})
		wantStatus(t, r, http.StatusSeeOther)
		after := e.process(picking.ID)
		if *after.RTOMinutes != 120 || after.PeakPeriods != "双十一、618、年末" || after.ApprovedAnswerID == nil || *after.ApprovedAnswerID != id {
			t.Errorf("approved values not current: RTO %d, peak %q, answer %v", *after.RTOMinutes, after.PeakPeriods, after.ApprovedAnswerID)
		}
		r = owner.get(answer, "Accept-Language", "en")
		mustContain(t, r.body, "Approved", "Sent", "Submitted", "Returned", "请补充旺季人员安排", "同意")
		mustNotContain(t, r.body, `name="action" value="submit"`)
		// Closed, the campaign accepts nothing more.
		wantStatus(t, office.post("/bia/campaigns/"+idStr(a.CampaignID)+"/close", nil), http.StatusSeeOther)
		wantStatus(t, owner.post(answer, form), http.StatusConflict)
	})
}

func TestBIAGraphImpact(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		d := e.loadBIADemo()
		e.seedUser("biaviewer", authz.Viewer)
		c := e.client()
		c.login("biaviewer")
		wms := d.res["APP-WMS"]
		r := c.get("/bia/graph/impact?node="+bia.ResourceRef(wms.ID), "HX-Request", "true", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		m := regexp.MustCompile(`data-affected="([^"]*)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no affected set in\n%s", r.body)
		}
		got := map[string]bool{}
		for _, ref := range strings.Fields(m[1]) {
			got[ref] = true
		}
		// The WMS takes down receiving, picking, dispatch and, through
		// dispatch, line-haul and last mile; not order intake.
		for _, code := range []string{"BP-02", "BP-03", "BP-04", "BP-05", "BP-06"} {
			if !got[bia.ProcessRef(d.procs[code].ID)] {
				t.Errorf("%s is not in the affected set %v", code, m[1])
			}
		}
		if got[bia.ProcessRef(d.procs["BP-01"].ID)] || !got[bia.ResourceRef(wms.ID)] {
			t.Errorf("affected set %v", m[1])
		}
		mustContain(t, r.body, "Loss of APP-WMS", "Recovery order", "BP-03 Warehouse picking → APP-WMS")
		wantStatus(t, c.get("/bia/graph/impact?node=r999999", "HX-Request", "true"), http.StatusUnprocessableEntity)
		r = c.get("/bia/graph?node=r999999", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "no longer exists")
		r = c.get("/bia/analysis", "Accept-Language", "zh-CN")
		mustContain(t, r.body, "单点故障", "SITE-DC 嘉定数据中心", `data-spof="`+bia.ResourceRef(d.res["APP-WMS"].ID)+`"`)
	})
}
