package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/plan"
)

// planJSON is a special plan for the east branch with one playbook, the
// utility outage procedure, written by a client.
const planJSON = `{
	"code": "YA-ZX-03", "kind": "special", "unit_id": {east}, "owner_id": {alice},
	"approvers": [{"role": "committee"}],
	"title": "公用事业供应中断专项应急预案", "title_en": "Utility outage special plan",
	"content": {
		"purpose": {"text": "为保证水、电、气供应中断时满足客户交付需求，制定本预案。", "text_en": "Keeps deliveries going when utilities fail."},
		"organisation": {"teams": [{"team_id": {team}, "team_role": "leader", "duties": "决定预案启动"}]},
		"response_levels": {"levels": [{"level": 3, "criteria": "停电超过 8 小时且影响交付", "authority": {"team_id": {team}, "team_role": "leader"}}]},
		"playbooks": [{
			"key": "utility-outage", "title": "公用事业供应中断", "title_en": "Utility outage",
			"triggers": [{"kind": "condition", "metric": "power_supply", "operator": "eq", "value": 0, "unit": "kW", "duration_minutes": 480,
				"note": "停电超过 8 小时", "note_en": "Power out for more than 8 h"}],
			"activation": {"authority": {"team_id": {team}, "team_role": "leader"}, "deputy": {"person_id": {alice}}},
			"tasks": [
				{"step": 1, "title": "确认停电范围并联系供电公司", "title_en": "Confirm the outage with the utility", "role": {"label": "行政部", "label_en": "Administration"}, "time_limit": 30},
				{"step": 2, "title": "通知客服部联络客户", "title_en": "Have customer service call customers", "role": {"unit_id": {eastops}}, "time_limit": 60}
			],
			"communications": [{"audience": "customers", "lang": "zh-CN", "channel": "sms", "sender": {"label": "客服部"}, "within": 120,
				"body": "尊敬的客户：因{location}停电，您的订单预计延迟至{eta}送达。"}],
			"recovery": [{"name": "分拣作业", "name_en": "Sorting", "rto_minutes": 480, "rpo_minutes": 0}]
		}]
	}
}`

// planEnv adds two committee members with tokens, and a plan drafted by
// the manager under the key "plan".
func planEnv(t *testing.T, e *env) {
	t.Helper()
	for _, name := range []string{"chair", "member"} {
		if _, ok := e.tokens[name]; ok {
			continue
		}
		u, err := e.app.Identity.CreateUser(sys(), identity.NewUser{Username: name, DisplayName: strings.ToUpper(name[:1]) + name[1:],
			Password: "correct horse battery", Grants: []authz.Grant{{Role: authz.Committee, UnitID: e.ids["group"]}}})
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := e.app.Identity.CreateToken(sys(), u.ID, "tests", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name], e.users[name], e.ids[name+"_id"] = secret, u, u.ID
	}
}

// newPlan returns a setup that drafts the plan of planJSON (with another
// code) and names its id key.
func newPlan(key string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		planEnv(t, e)
		var pv struct {
			Plan plan.Plan `json:"plan"`
		}
		body := strings.Replace(planJSON, `"YA-ZX-03"`, `"`+strings.ToUpper(key)+`"`, 1)
		e.json("manager", "POST", "/plans", body, http.StatusCreated, &pv)
		e.ids[key] = pv.Plan.ID
	}
}

// publishedPlan returns a setup that drafts, submits, approves and
// publishes a plan, and names its id key.
func publishedPlan(key string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		newPlan(key)(t, e)
		base := "/plans/{" + key + "}/versions/1/"
		e.json("manager", "POST", base+"submit", "", 200, nil)
		e.json("chair", "POST", base+"approve", `{"comment": "同意"}`, 200, nil)
		e.json("manager", "POST", base+"publish", "", 200, nil)
	}
}

func TestPlans(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "create a plan with its first draft", role: "manager", method: "POST", url: "/plans", body: planJSON,
			setup:  func(t *testing.T, e *env) { planEnv(t, e) },
			status: 201, contains: []string{`"code":"YA-ZX-03"`, `"status":"draft"`, `"latest_version":1`, `"published_version":0`,
				`"number":1`, `"author_name":"Manager"`, `"duration_minutes":480`, `"time_limit":30`, `"key":"utility-outage"`, `"review_months":12`}},
		{name: "create as viewer is forbidden", role: "viewer", method: "POST", url: "/plans", body: planJSON,
			status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "create as department lead is forbidden", role: "lead", method: "POST", url: "/plans", body: planJSON,
			status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "create with a bad time limit", role: "manager", method: "POST", url: "/plans",
			body:   strings.Replace(strings.Replace(planJSON, `"time_limit": 60`, `"time_limit": -1`, 1), "YA-ZX-03", "YA-BAD", 1),
			status: 422, contains: []string{`"field":"body.content.playbooks[0].tasks[1].time_limit"`}},
		{name: "create with a bad trigger and an unknown team", role: "manager", method: "POST", url: "/plans",
			body: strings.NewReplacer(`"operator": "eq"`, `"operator": "between"`, `"team_id": {team}, "team_role": "leader", "duties"`,
				`"team_id": 999999, "team_role": "leader", "duties"`, "YA-ZX-03", "YA-BAD2").Replace(planJSON),
			status: 422, contains: []string{`"field":"body.content.playbooks[0].triggers[0].operator"`}},
		{name: "create referring to an unknown team", role: "manager", method: "POST", url: "/plans",
			body:   strings.NewReplacer(`"activation": {"authority": {"team_id": {team}`, `"activation": {"authority": {"team_id": 999999`, "YA-ZX-03", "YA-BAD3").Replace(planJSON),
			status: 422, contains: []string{`{"field":"body.content.playbooks[0].activation.authority.team_id","message":"no team with id 999999"}`}},
		{name: "create with an unknown kind", role: "manager", method: "POST", url: "/plans",
			body:   `{"kind": "manual", "unit_id": {east}, "title": "x"}`,
			status: 422, contains: []string{`"field":"body.kind"`}},
		{name: "create without a title", role: "manager", method: "POST", url: "/plans",
			body:   `{"kind": "onsite", "unit_id": {east}, "title": " "}`,
			status: 422, contains: []string{`{"field":"body.title","message":"is required"}`}},
		{name: "create with an unknown content field", role: "manager", method: "POST", url: "/plans",
			body:   `{"kind": "onsite", "unit_id": {east}, "title": "x", "content": {"preface": {"text": "x"}}}`,
			status: 422, contains: []string{`"field":"body.content.preface"`}},
		{name: "raw HTML is removed from text", role: "manager", method: "POST", url: "/plans",
			body:   `{"kind": "onsite", "unit_id": {east}, "title": "现场处置方案", "content": {"purpose": {"text": "疏散<script>alert(1)</script>路线"}}}`,
			status: 201, contains: []string{`"text":"疏散alert(1)路线"`}, excludes: []string{"<script>"}},
		{name: "list", role: "viewer", method: "GET", url: "/plans?kind=special", setup: newPlan("listed"),
			status: 200, contains: []string{`"total":`, `"code":"LISTED"`}, excludes: []string{`"kind":"onsite"`}},
		{name: "list with a bad kind", role: "viewer", method: "GET", url: "/plans?kind=manual",
			status: 422, contains: []string{`"field":"query.kind"`}},
		{name: "get", role: "viewer", method: "GET", url: "/plans/{got}", setup: newPlan("got"),
			status: 200, contains: []string{`"id":{got}`, `"title_en":"Utility outage special plan"`, `"approvers":[{"role":"committee","name":"committee"}]`}},
		{name: "get unknown", role: "viewer", method: "GET", url: "/plans/999999", status: 404},
		{name: "get a version", role: "viewer", method: "GET", url: "/plans/{ver}/versions/1", setup: newPlan("ver"),
			status: 200, contains: []string{`"number":1`, `"metric":"power_supply"`, `"decisions":[]`}},
		{name: "edit a draft", role: "manager", method: "PUT", url: "/plans/{ed}/versions/1", setup: newPlan("ed"),
			body:   `{"title": "停电专项应急预案", "change_note": "改名", "content": {"purpose": {"text": "新目的"}}}`,
			status: 200, contains: []string{`"title":"停电专项应急预案"`, `"change_note":"改名"`},
			check: func(t *testing.T, e *env, _ response) {
				var p plan.Plan
				e.json("viewer", "GET", "/plans/{ed}", "", 200, &p)
				if p.Title != "停电专项应急预案" {
					t.Errorf("the plan's title follows its newest version: %q", p.Title)
				}
			}},
		{name: "update library fields", role: "manager", method: "PUT", url: "/plans/{meta}", setup: newPlan("meta"),
			body:   `{"code": "META-2", "kind": "special", "unit_id": {east}, "review_months": 6, "approvers": [{"user_id": {chair_id}}, {"role": "committee"}], "quorum": 1}`,
			status: 200, contains: []string{`"code":"META-2"`, `"review_months":6`, `"name":"Chair"`, `"quorum":1`}},
		{name: "update with an approver who cannot approve", role: "manager", method: "PUT", url: "/plans/{meta2}", setup: newPlan("meta2"),
			body:   `{"kind": "special", "unit_id": {east}, "approvers": [{"user_id": {viewer_id}}]}`,
			status: 422, contains: []string{`"field":"body.approvers[0].user_id"`, "plan.approve"}},
		{name: "submit", role: "manager", method: "POST", url: "/plans/{sub}/versions/1/submit", setup: newPlan("sub"),
			status: 200, contains: []string{`"status":"in_review"`, `"round":1`}},
		{name: "editing a version in review is refused", role: "manager", method: "PUT", url: "/plans/{rev}/versions/1",
			setup: func(t *testing.T, e *env) {
				newPlan("rev")(t, e)
				e.json("manager", "POST", "/plans/{rev}/versions/1/submit", "", 200, nil)
			},
			body:   `{"title": "改"}`,
			status: 409, contains: []string{"in review; withdraw it"}},
		{name: "the author cannot approve their own plan", role: "admin", method: "POST", url: "/plans/{own}/versions/1/approve",
			setup: func(t *testing.T, e *env) {
				planEnv(t, e)
				var pv struct {
					Plan plan.Plan `json:"plan"`
				}
				e.json("admin", "POST", "/plans", `{"kind": "onsite", "unit_id": {east}, "title": "仓库火灾现场处置方案"}`, 201, &pv)
				e.ids["own"] = pv.Plan.ID
				e.json("admin", "POST", "/plans/{own}/versions/1/submit", "", 200, nil)
			},
			body:   `{"comment": "我自己批准"}`,
			status: 403, contains: []string{`"code":"forbidden"`, "the author of a plan version cannot approve or reject it"}},
		{name: "approve as a manager is forbidden", role: "manager", method: "POST", url: "/plans/{mgr}/versions/1/approve",
			setup: func(t *testing.T, e *env) {
				newPlan("mgr")(t, e)
				e.json("manager", "POST", "/plans/{mgr}/versions/1/submit", "", 200, nil)
			},
			status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "approve a draft is a conflict", role: "chair", method: "POST", url: "/plans/{dr}/versions/1/approve", setup: newPlan("dr"),
			status: 409, contains: []string{"version 1 is draft; approve needs it to be in review"}},
		{name: "approve", role: "chair", method: "POST", url: "/plans/{ap}/versions/1/approve",
			setup: func(t *testing.T, e *env) {
				newPlan("ap")(t, e)
				e.json("manager", "POST", "/plans/{ap}/versions/1/submit", "", 200, nil)
			},
			body:   `{"comment": "同意发布"}`,
			status: 200, contains: []string{`"status":"approved"`, `"verdict":"approve"`, `"comment":"同意发布"`, `"user_name":"Chair"`}},
		{name: "reject without a comment", role: "chair", method: "POST", url: "/plans/{rj}/versions/1/reject",
			setup: func(t *testing.T, e *env) {
				newPlan("rj")(t, e)
				e.json("manager", "POST", "/plans/{rj}/versions/1/submit", "", 200, nil)
			},
			body:   `{}`,
			status: 422, contains: []string{`"field":"body.comment"`, "required when rejecting"}},
		{name: "reject with a comment", role: "member", method: "POST", url: "/plans/{rj2}/versions/1/reject",
			setup: func(t *testing.T, e *env) {
				newPlan("rj2")(t, e)
				e.json("manager", "POST", "/plans/{rj2}/versions/1/submit", "", 200, nil)
			},
			body:   `{"comment": "请补充备用发电机容量"}`,
			status: 200, contains: []string{`"status":"draft"`, `"verdict":"reject"`, `"slot":-1`}},
		{name: "publish before approval is a conflict", role: "manager", method: "POST", url: "/plans/{pb}/versions/1/publish", setup: newPlan("pb"),
			status: 409, contains: []string{"publish needs it to be approved"}},
		{name: "publish", role: "manager", method: "POST", url: "/plans/{pub}/versions/1/publish",
			setup: func(t *testing.T, e *env) {
				newPlan("pub")(t, e)
				e.json("manager", "POST", "/plans/{pub}/versions/1/submit", "", 200, nil)
				e.json("chair", "POST", "/plans/{pub}/versions/1/approve", "", 200, nil)
			},
			status: 200, contains: []string{`"status":"published"`, `"review_due":"2026-03-14"`},
			check: func(t *testing.T, e *env, _ response) {
				e.json("viewer", "GET", "/plans/{pub}/published", "", 200, nil)
			}},
		{name: "editing a published version is refused", role: "manager", method: "PUT", url: "/plans/{frozen}/versions/1",
			setup: publishedPlan("frozen"), body: `{"title": "偷偷修改"}`,
			status: 409, contains: []string{`"code":"conflict"`, "version 1 is published and cannot be changed; start a new draft from it"}},
		{name: "deleting a published plan is refused", role: "manager", method: "DELETE", url: "/plans/{kept}",
			setup: publishedPlan("kept"), status: 409, contains: []string{"kept for the record"}},
		{name: "delete a draft plan", role: "manager", method: "DELETE", url: "/plans/{gone}", setup: newPlan("gone"),
			status: 204, check: func(t *testing.T, e *env, _ response) { e.json("viewer", "GET", "/plans/{gone}", "", 404, nil) }},
		{name: "no published version yet", role: "viewer", method: "GET", url: "/plans/{unpub}/published", setup: newPlan("unpub"),
			status: 404, contains: []string{"no published version"}},
		{name: "due for review", role: "viewer", method: "GET", url: "/plans/due-for-review?as_of=2026-03-01", setup: publishedPlan("due"),
			status: 200, contains: []string{`"plan_id":{due}`, `"review_due":"2026-03-14"`, `"overdue":false`, `"days_left":13`, `"owner_id":{alice}`}},
		{name: "due for review with a bad date", role: "viewer", method: "GET", url: "/plans/due-for-review?as_of=tomorrow",
			status: 422, contains: []string{`"field":"query.as_of"`}},
		{name: "diff with an unknown version", role: "viewer", method: "GET", url: "/plans/{nodiff}/diff?from=1&to=7", setup: newPlan("nodiff"),
			status: 422, contains: []string{`"field":"query.to"`}},
		{name: "diff without versions", role: "viewer", method: "GET", url: "/plans/{nodiff}/diff",
			status: 422, contains: []string{`"field":"query.from"`}},
	})
}

// TestPlanVersionsAndDiff walks a plan through two published versions
// through the API and compares them.
func TestPlanVersionsAndDiff(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine)
			publishedPlan("p")(t, e)
			// One open version at a time.
			var v2 plan.Version
			e.json("manager", "POST", "/plans/{p}/versions", `{}`, 201, &v2)
			if v2.Number != 2 || v2.BasedOn != 1 || v2.Status != plan.Draft {
				t.Fatalf("new draft: %+v", v2)
			}
			res := e.json("manager", "POST", "/plans/{p}/versions", `{"from": 1}`, 409, nil)
			if !contains(res.body, "version 2 is still draft") {
				t.Errorf("second draft: %s", res.body)
			}
			c := v2.Content
			c.Playbooks[0].Tasks[0].TimeLimit = 15
			c.Playbooks[0].Tasks = append(c.Playbooks[0].Tasks, plan.Task{Step: 3, Title: "启用备用发电机", TitleEn: "Start the standby generator",
				Role: plan.Role{Label: "设备组"}, TimeLimit: 90})
			body := mustJSON(t, map[string]any{"title": v2.Title, "title_en": v2.TitleEn, "change_note": "缩短确认时限，增加发电机", "content": c})
			e.json("manager", "PUT", "/plans/{p}/versions/2", body, 200, nil)
			e.json("manager", "POST", "/plans/{p}/versions/2/submit", "", 200, nil)
			e.json("member", "POST", "/plans/{p}/versions/2/approve", "", 200, nil)
			e.clock.Advance(48 * time.Hour)
			var pub plan.Version
			e.json("manager", "POST", "/plans/{p}/versions/2/publish", "", 200, &pub)
			if pub.ReviewDue != "2026-03-16" {
				t.Errorf("review due %s", pub.ReviewDue)
			}

			var vs struct{ Items []plan.VersionSummary }
			e.json("viewer", "GET", "/plans/{p}/versions", "", 200, &vs)
			if len(vs.Items) != 2 || vs.Items[0].Status != plan.Published || vs.Items[1].Status != plan.Superseded {
				t.Fatalf("versions: %+v", vs.Items)
			}

			var d plan.Diff
			e.json("viewer", "GET", "/plans/{p}/diff?from=1&to=2", "", 200, &d)
			if d.Changed != 1 || len(d.Playbooks) != 1 || d.Playbooks[0].Change != plan.Changed {
				t.Fatalf("diff: %+v", d)
			}
			var changes []string
			for _, l := range d.Playbooks[0].Lines {
				if l.Op != plan.Equal {
					changes = append(changes, string(l.Op)+" "+l.Text)
				}
			}
			want := []string{
				"- task 1 [within 30 min] 行政部 / Administration: 确认停电范围并联系供电公司 / Confirm the outage with the utility",
				"+ task 1 [within 15 min] 行政部 / Administration: 确认停电范围并联系供电公司 / Confirm the outage with the utility",
				"+ task 3 [within 1 h 30 min] 设备组: 启用备用发电机 / Start the standby generator",
			}
			if strings.Join(changes, "\n") != strings.Join(want, "\n") {
				t.Fatalf("line diff:\n%s\nwant\n%s", strings.Join(changes, "\n"), strings.Join(want, "\n"))
			}
			for _, s := range d.Sections {
				if s.Change != plan.Unchanged {
					t.Errorf("section %s changed: %+v", s.Key, s.Lines)
				}
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
