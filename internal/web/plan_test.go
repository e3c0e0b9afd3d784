package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// planFixture is an organisation with a crisis team, a risk and the
// accounts of the plan lifecycle: the office drafts (bcm_manager), the
// chair approves (committee), the admin may both draft and approve, the
// viewer only reads.
type planFixture struct {
	team org.Team
	risk risk.Risk
	ops  org.Unit
}

func (e *env) seedPlanFixture() planFixture {
	e.t.Helper()
	e.seedUser("office", authz.BCMManager)
	e.seedUser("chair", authz.Committee)
	e.seedUser("admin", authz.Admin)
	e.seedUser("viewer", authz.Viewer)
	ops := e.seedUnit(e.root, "运营部", "Operations")
	leader := e.seedPerson(ops, "王伟", "Wang Wei", "+86 138 0000 0001")
	team, err := e.app.Org.SaveTeam(sys(), org.Team{Kind: org.TeamCommittee, Name: "危机管理委员会", NameEn: "Crisis committee", UnitID: e.root.ID,
		Members: []org.Member{{PersonID: leader.ID, Role: org.RoleLeader}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return planFixture{team: team, risk: e.seedRisk(ops, "枢纽停电", "Hub power cut", risk.Utilities), ops: ops}
}

// planForm is a valid editor submission: a plan with one playbook of two
// tasks, linked to the risk.
func (f planFixture) planForm(unit org.Unit) url.Values {
	return url.Values{
		"title": {"公用事业中断专项应急预案"}, "title_en": {"Utility outage plan"}, "kind": {"special"}, "code": {"ZX-01"},
		"unit_id": {strconv.FormatInt(unit.ID, 10)}, "review_months": {"12"}, "approver_role": {"committee"},
		"content.purpose.text": {"## 目的\n保证停电时交付不断。"}, "content.purpose.text_en": {"Keep deliveries going."},
		"risk_id": {strconv.FormatInt(f.risk.ID, 10)},
		"pb_ref":  {"a1"}, "pb_key": {""}, "pb_title": {"停电超过 8 小时"}, "pb_title_en": {"Power cut over 8 h"}, "pb_text": {""}, "pb_text_en": {""},
		"task_pb": {"a1", "a1"}, "task_step": {"1", "2"}, "task_title": {"启动备用发电机", "通知客户"}, "task_title_en": {"Start the generator", "Tell customers"},
		"task_role":  {"team:" + strconv.FormatInt(f.team.ID, 10) + ":leader", ""},
		"task_label": {"", "客服主管"}, "task_label_en": {"", ""}, "task_detail": {"", ""}, "task_detail_en": {"", ""}, "task_limit": {"30", "120"},
	}
}

func (e *env) latestVersion(id int64) plan.Version {
	e.t.Helper()
	p, err := e.app.Plan.Plan(sys(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	v, err := e.app.Plan.Version(sys(), id, p.LatestVersion)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

var planLocation = regexp.MustCompile(`^/plans/(\d+)$`)

func TestPlanPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := e.seedPlanFixture()
		en := []string{"Accept-Language", "en"}
		zh := []string{"Accept-Language", "zh-CN"}
		office, chair, admin, viewer := e.client(), e.client(), e.client(), e.client()
		office.login("office")
		chair.login("chair")
		admin.login("admin")
		viewer.login("viewer")

		// The navigation leads to the library; writers see the editor and the wizard.
		r := office.get("/plans", en...)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `href="/plans"`, "Plan library", `href="/plans/new"`, `href="/plans/generate"`, `href="/plans/crisis-pack`)
		mustNotContain(t, r.body, "/soon/plans")
		r = viewer.get("/plans", zh...)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "预案库", "预案库中还没有预案")
		mustNotContain(t, r.body, `href="/plans/new"`)
		wantStatus(t, viewer.get("/plans/new"), http.StatusForbidden)
		wantStatus(t, viewer.post("/plans", f.planForm(e.root)), http.StatusForbidden)
		if n, _ := e.planAndRiskCounts(); n != 0 {
			t.Fatalf("a viewer stored %d plans", n)
		}

		// Mistakes are shown at their fields and rows; nothing is stored.
		bad := f.planForm(e.root)
		bad.Set("title", "")
		bad["task_limit"] = []string{"soon", "120"}
		bad.Set("review_months", "99")
		r = office.post("/plans", bad, en...)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-title-err"`, `id="f-review_months-err"`, "must be between 1 and 60", "Some playbooks need correcting",
			`value="soon" aria-label="Time limit (min)" aria-invalid="true"`, "启动备用发电机")
		bad = f.planForm(e.root)
		bad["task_step"] = []string{"2", "1"} // steps must not go down
		r = office.post("/plans", bad, zh...)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "须不小于 1，且不小于上一任务的步骤")
		if n, _ := e.planAndRiskCounts(); n != 0 {
			t.Fatalf("invalid forms stored %d plans", n)
		}

		// A valid plan is created as a draft and shown chapter by chapter.
		r = office.post("/plans", f.planForm(e.root), en...)
		m := planLocation.FindStringSubmatch(r.location())
		if r.status != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %d %q\n%s", r.status, r.location(), r.body)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		path := "/plans/" + m[1]
		v := e.latestVersion(id)
		if v.Status != plan.Draft || len(v.Content.Playbooks) != 1 || len(v.Content.Playbooks[0].Tasks) != 2 ||
			v.Content.Playbooks[0].Tasks[0].Role.TeamRole != org.RoleLeader || v.Content.Playbooks[0].Tasks[1].Role.Label != "客服主管" ||
			len(v.Content.Risks.RiskIDs) != 1 {
			t.Fatalf("stored draft: %+v", v)
		}
		r = office.get(path, en...)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Plan created as a draft.", "Utility outage plan", `data-status="draft"`, "Power cut over 8 h",
			"Start the generator", "Crisis committee Leader (Wang Wei)", "30 min", "2 h", `href="/risks/`+strconv.FormatInt(f.risk.ID, 10)+`"`,
			"Keep deliveries going.", `href="`+path+`/edit"`, `data-action="submit"`, `data-export="docx"`, "any Crisis management committee member")
		// The footer names the release, not the plan version the page shows.
		mustNotContain(t, r.body, "%!")
		r = office.get(path, zh...)
		mustContain(t, r.body, "公用事业中断专项应急预案", "<strong>目的</strong>", "危机管理委员会 组长（王伟）", "30 分钟", "提交审核")
		// The viewer reads it without any action.
		r = viewer.get(path, en...)
		wantStatus(t, r, http.StatusOK)
		mustNotContain(t, r.body, `data-action=`, `/edit"`)
		wantStatus(t, viewer.post(path+"/versions/1/submit", nil), http.StatusForbidden)

		// Editing with a mistake changes nothing, the library fields included.
		edit := f.planForm(e.root)
		edit.Set("code", "ZX-02")
		edit.Set("quorum", "5")
		edit["pb_key"] = []string{v.Content.Playbooks[0].Key}
		r = office.post(path, edit, en...)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-quorum-err"`)
		if p, _ := e.app.Plan.Plan(sys(), id); p.Code != "ZX-01" {
			t.Fatalf("a refused edit changed the code to %q", p.Code)
		}
		// A valid edit keeps what the editor does not show (the playbook's key).
		edit.Set("quorum", "")
		edit.Set("code", "ZX-02")
		edit.Set("pb_title_en", "Power cut longer than 8 h")
		r = office.post(path, edit, en...)
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.status, r.body)
		}
		if p, _ := e.app.Plan.Plan(sys(), id); p.Code != "ZX-02" {
			t.Fatalf("code after edit %q", p.Code)
		}
		if v2 := e.latestVersion(id); v2.Content.Playbooks[0].Key != v.Content.Playbooks[0].Key || v2.Content.Playbooks[0].TitleEn != "Power cut longer than 8 h" {
			t.Fatalf("playbook after edit: %+v", v2.Content.Playbooks[0])
		}

		// Submitted, the draft is no longer editable.
		r = office.post(path+"/versions/1/submit", nil, en...)
		if r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d\n%s", r.status, r.body)
		}
		r = office.get(path+"/edit", en...)
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "withdraw it to a draft before changing it")
		wantStatus(t, office.post(path, edit), http.StatusConflict)
		// Approval has started: the approvers are fixed (checked by the service).
		if _, err := e.app.Plan.UpdatePlan(sys(), plan.Plan{ID: id, Kind: plan.Special, UnitID: e.root.ID, Code: "ZX-02"}); err == nil {
			t.Fatal("the approvers changed while in review")
		}

		// The office may not decide at all; the route refuses.
		wantStatus(t, office.post(path+"/versions/1/decide", url.Values{"verdict": {"approve"}}), http.StatusForbidden)
		// A rejection needs a comment.
		r = chair.post(path+"/versions/1/decide", url.Values{"verdict": {"reject"}}, zh...)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "退回时必须填写")
		// The chair sees the decision form and approves.
		r = chair.get(path, en...)
		mustContain(t, r.body, `data-action="approve"`, `data-action="reject"`)
		r = chair.post(path+"/versions/1/decide", url.Values{"verdict": {"approve"}, "comment": {"同意"}}, en...)
		if r.status != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%s", r.status, r.body)
		}
		r = chair.get(path, en...)
		mustContain(t, r.body, "Version 1 is approved and can be published.", `data-status="approved"`, "同意", `data-verdict="approve"`)
		mustNotContain(t, r.body, `data-action="publish"`) // a committee member does not publish
		r = office.post(path+"/versions/1/publish", nil, en...)
		if r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d\n%s", r.status, r.body)
		}

		// Published: read-only; a revision is a new draft.
		r = office.get(path, en...)
		mustContain(t, r.body, `data-status="published"`, `data-action="revise"`, "Version 1")
		r = office.post(path, edit, zh...)
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "第 1 版已发布，不能再修改")
		r = office.post(path+"/delete", nil, en...)
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "A published plan is kept for the record")
		r = office.post(path+"/drafts", url.Values{"from": {"1"}}, en...)
		if r.status != http.StatusSeeOther || r.location() != path+"/edit" {
			t.Fatalf("revise: %d %q\n%s", r.status, r.location(), r.body)
		}
		r = office.get(path+"/edit", en...)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Version 2 started as a draft from version 1.", "Power cut longer than 8 h")
		edit.Set("content.purpose.text", "## 目的\n保证停电时交付不断，含冷链。")
		edit.Set("change_note", "增加冷链")
		if r = office.post(path, edit, en...); r.status != http.StatusSeeOther {
			t.Fatalf("save revision: %d\n%s", r.status, r.body)
		}

		// The author of version 2 holds plan.approve (admin) and still may not approve it.
		admin2 := f.planForm(e.root)
		admin2.Set("code", "ZX-ADM")
		r = admin.post("/plans", admin2, en...)
		am := planLocation.FindStringSubmatch(r.location())
		if am == nil {
			t.Fatalf("admin create: %d %q", r.status, r.location())
		}
		apath := "/plans/" + am[1]
		if r = admin.post(apath+"/versions/1/submit", nil); r.status != http.StatusSeeOther {
			t.Fatalf("admin submit: %d", r.status)
		}
		r = admin.get(apath, en...)
		mustContain(t, r.body, "data-refusal", "The author of a version cannot approve or return it")
		mustNotContain(t, r.body, `data-action="approve"`)
		r = admin.post(apath+"/versions/1/decide", url.Values{"verdict": {"approve"}}, zh...)
		wantStatus(t, r, http.StatusForbidden)
		mustContain(t, r.body, "编制人不能审批自己的版本")
		if v := e.latestVersion(mustID(t, am[1])); v.Status != plan.InReview || len(v.Decisions) != 0 {
			t.Fatalf("the author's approval was stored: %+v", v)
		}

		// Versions and their comparison.
		r = office.get(path+"/versions", en...)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `data-version="2"`, `data-version="1"`, "增加冷链", `action="`+path+`/diff"`)
		r = office.get(path+"/diff?from=1&to=2", en...)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `data-part="section:purpose"`, `data-change="changed"`, "含冷链", `class="del"`, `class="ins"`)
		mustNotContain(t, r.body, `data-part="section:warning"`)
		r = office.get(path+"/diff?from=1&to=9", en...)
		wantStatus(t, r, http.StatusUnprocessableEntity)

		// Library filters: kind, status, search, review due.
		r = office.get("/plans?status=draft", en...)
		mustContain(t, r.body, `data-plan-id="`+m[1]+`"`)
		r = office.get("/plans?status=published&q=ZX", en...)
		mustNotContain(t, r.body, `data-plan-id="`+m[1]+`"`)
		r = office.get("/plans?review=due", en...)
		mustContain(t, r.body, "No results.")
		e.clock.Set(time.Date(2026, 2, 15, 9, 0, 0, 0, time.UTC)) // published 2025-03-01, due 2026-03-01
		office.login("office")                                    // the session has expired meanwhile
		r = office.get("/plans?review=due", en...)
		mustContain(t, r.body, `data-plan-id="`+m[1]+`"`, `data-review="due"`, "due in 14 d", "1 published plan(s) due or overdue for review")
		r = office.get("/plans?review=overdue", en...)
		mustContain(t, r.body, "No results.")
		e.clock.Set(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC))
		office.login("office")
		viewer.login("viewer")
		r = office.get("/plans?review=overdue", zh...)
		mustContain(t, r.body, `data-review="overdue"`, "逾期 3 天")
		r = office.get(path+"?v=1", zh...)
		mustContain(t, r.body, "本预案应于 2026-03-01 评审", `data-action="confirm-review"`)
		r = viewer.get(path+"?v=1", en...)
		mustNotContain(t, r.body, `data-action="confirm-review"`)
		wantStatus(t, viewer.post(path+"/confirm-review", nil), http.StatusForbidden)

		r = office.post(path+"/confirm-review", url.Values{"note": {"复核无变化"}}, en...)
		if r.status != http.StatusSeeOther {
			t.Fatalf("confirm review: %d\n%s", r.status, r.body)
		}
		r = office.get(path, en...)
		mustContain(t, r.body, "Review recorded: the next one is due on 2027-03-04.")
		mustNotContain(t, r.body, `data-review="overdue"`)

		// Downloads: each version as a document, the crisis pack as a zip.
		for _, c := range []struct{ format, ctype string }{
			{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
			{"html", "text/html"},
		} {
			r = viewer.get(path + "/versions/1/export?format=" + c.format + "&lang=en")
			wantStatus(t, r, http.StatusOK)
			if !strings.HasPrefix(r.header.Get("Content-Type"), c.ctype) || len(r.body) < 1000 ||
				!strings.Contains(r.header.Get("Content-Disposition"), "ZX-02-v1-en."+c.format) {
				t.Errorf("%s export: %q %q, %d bytes", c.format, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), len(r.body))
			}
		}
		wantStatus(t, viewer.get(path+"/versions/1/export?format=odt"), http.StatusUnprocessableEntity)
		r = viewer.get("/plans/crisis-pack?lang=zh-CN")
		wantStatus(t, r, http.StatusOK)
		if r.header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(r.body, "PK") {
			t.Errorf("crisis pack: %q, starts %q", r.header.Get("Content-Type"), r.body[:min(4, len(r.body))])
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestPlanEditorRows checks the row fragments of the editor: a playbook
// row brings its first task row, a task row is tied to its playbook.
func TestPlanEditorRows(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := e.seedPlanFixture()
		c := e.client()
		c.login("office")
		r := c.get("/plans/playbook-row", "HX-Request", "true", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		ref := regexp.MustCompile(`name="pb_ref" value="([0-9a-f]+)"`).FindStringSubmatch(r.body)
		if ref == nil {
			t.Fatalf("no playbook ref:\n%s", r.body)
		}
		mustContain(t, r.body, `name="task_pb" value="`+ref[1]+`"`, `hx-get="/plans/task-row?pb=`+ref[1]+`"`, "Crisis committee · Leader")
		mustNotContain(t, r.body, "<html")
		r = c.get("/plans/task-row?pb="+ref[1], "HX-Request", "true")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `name="task_pb" value="`+ref[1]+`"`, `value="team:`+strconv.FormatInt(f.team.ID, 10)+`:leader"`)
		v := e.client()
		v.login("viewer")
		wantStatus(t, v.get("/plans/playbook-row"), http.StatusForbidden)
	})
}
