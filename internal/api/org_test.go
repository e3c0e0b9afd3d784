package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/continuo-bcm/continuo/internal/org"
)

// newUnit returns a setup that creates an empty department under parent
// and names its id key.
func newUnit(key, parent, name string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		var u org.Unit
		e.json("admin", http.MethodPost, "/units", `{"parent_id": {`+parent+`}, "kind": "department", "name": "`+name+`"}`, http.StatusCreated, &u)
		e.ids[key] = u.ID
	}
}

// newPerson returns a setup that creates a person in a unit and names
// their id key.
func newPerson(key, unit, name string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		var p org.Person
		e.json("admin", http.MethodPost, "/people", `{"name": "`+name+`", "unit_id": {`+unit+`}}`, http.StatusCreated, &p)
		e.ids[key] = p.ID
	}
}

func TestUnits(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "list as viewer", role: "viewer", method: "GET", url: "/units",
			status: 200, contains: []string{`"items":[`, `"name":"集团总部"`, `"name_en":"East Branch"`, `"code":"EAST-OPS"`}},
		{name: "list without a token", method: "GET", url: "/units",
			status: 401, contains: []string{`"code":"unauthorized"`}},
		{name: "list with a bad token", role: "", method: "GET", url: "/units", header: map[string]string{"Authorization": "Bearer cto_not-a-token"},
			status: 401, contains: []string{`"code":"unauthorized"`}},
		{name: "get one", role: "viewer", method: "GET", url: "/units/{east}",
			status: 200, contains: []string{`"id":{east}`, `"parent_id":{group}`, `"kind":"branch"`}},
		{name: "get unknown", role: "viewer", method: "GET", url: "/units/999999",
			status: 404, contains: []string{`"code":"not_found"`, `"status":404`}},
		{name: "get with a non-numeric id", role: "viewer", method: "GET", url: "/units/abc",
			status: 422, contains: []string{`"code":"invalid"`, `"field":"path.id"`}},
		{name: "create as manager", role: "manager", method: "POST", url: "/units",
			body:   `{"parent_id": {east}, "kind": "department", "code": "EAST-CS", "name": "华东客服部", "name_en": "East Customer Service"}`,
			status: 201, contains: []string{`"name":"华东客服部"`, `"parent_id":{east}`, `"code":"EAST-CS"`},
			check: func(t *testing.T, e *env, res response) {
				var u org.Unit
				_ = json.Unmarshal(res.body, &u)
				e.json("viewer", "GET", "/units/"+itoa(u.ID), "", 200, nil)
			}},
		{name: "create as viewer is forbidden", role: "viewer", method: "POST", url: "/units",
			body:   `{"parent_id": {east}, "kind": "department", "name": "不允许"}`,
			status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "create without a token", method: "POST", url: "/units",
			body:   `{"parent_id": {east}, "kind": "department", "name": "匿名"}`,
			status: 401, contains: []string{`"code":"unauthorized"`}},
		{name: "create a top-level unit needs an administrator", role: "manager", method: "POST", url: "/units",
			body:   `{"kind": "group", "name": "第二集团"}`,
			status: 403, contains: []string{"administrator"}},
		{name: "create without a name", role: "manager", method: "POST", url: "/units",
			body:   `{"parent_id": {east}, "kind": "department"}`,
			status: 422, contains: []string{`"code":"invalid"`, `{"field":"body.name","message":"is required"}`}},
		{name: "create with a blank name", role: "manager", method: "POST", url: "/units",
			body:   `{"parent_id": {east}, "kind": "department", "name": "   "}`,
			status: 422, contains: []string{`{"field":"body.name","message":"is required"}`}},
		{name: "create with an unknown kind", role: "manager", method: "POST", url: "/units",
			body:   `{"parent_id": {east}, "kind": "division", "name": "事业部"}`,
			status: 422, contains: []string{`"field":"body.kind"`, "department"}},
		{name: "create with an unknown field", role: "manager", method: "POST", url: "/units",
			body:   `{"parent_id": {east}, "kind": "department", "name": "颜色", "colour": "red"}`,
			status: 422, contains: []string{`{"field":"body.colour","message":"is not a known field"}`}},
		{name: "create under an unknown parent", role: "manager", method: "POST", url: "/units",
			body:   `{"parent_id": 999999, "kind": "department", "name": "孤儿"}`,
			status: 422, contains: []string{`{"field":"body.parent_id","message":"no org unit with this id"}`}},
		{name: "create with malformed JSON", role: "manager", method: "POST", url: "/units",
			body:   `{"kind": "department", "name": `,
			status: 400, contains: []string{`"code":"invalid"`, `"field":"body"`}},
		{name: "create with a body that is not JSON", role: "manager", method: "POST", url: "/units",
			body: `kind=department`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			status: 415, contains: []string{`"code":"invalid"`}},
		{name: "update", role: "manager", method: "PUT", url: "/units/{tmpunit}", setup: newUnit("tmpunit", "east", "临时部门"),
			body:   `{"parent_id": {east}, "kind": "department", "name": "华东物流部", "name_en": "East Logistics", "sort_order": 3}`,
			status: 200, contains: []string{`"id":{tmpunit}`, `"name":"华东物流部"`, `"sort_order":3`}},
		{name: "move a unit into its own subtree", role: "admin", method: "PUT", url: "/units/{east}",
			body:   `{"parent_id": {eastops}, "kind": "branch", "name": "华东分公司"}`,
			status: 422, contains: []string{`"field":"body.parent_id"`}},
		{name: "update unknown", role: "manager", method: "PUT", url: "/units/999999",
			body:   `{"parent_id": {east}, "kind": "department", "name": "无"}`,
			status: 404, contains: []string{`"code":"not_found"`}},
		{name: "delete a unit with people", role: "manager", method: "DELETE", url: "/units/{eastops}",
			status: 409, contains: []string{`"code":"conflict"`, "people"}},
		{name: "delete an empty unit", role: "manager", method: "DELETE", url: "/units/{gone}", setup: newUnit("gone", "west", "待删除部门"),
			status: 204,
			check: func(t *testing.T, e *env, _ response) {
				e.json("viewer", "GET", "/units/{gone}", "", 404, nil)
			}},
		{name: "delete as viewer is forbidden", role: "viewer", method: "DELETE", url: "/units/{west}",
			status: 403, contains: []string{`"code":"forbidden"`}},
	})
}

func TestSites(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "list", role: "viewer", method: "GET", url: "/sites",
			status: 200, contains: []string{`"name":"集团总部大楼"`, `"unit_id":{group}`}},
		{name: "create", role: "manager", method: "POST", url: "/sites",
			body:   `{"name": "嘉兴仓库", "name_en": "Jiaxing Warehouse", "address": "嘉兴市南湖区", "unit_id": {east}}`,
			status: 201, contains: []string{`"name_en":"Jiaxing Warehouse"`, `"address":"嘉兴市南湖区"`}},
		{name: "create for the whole organisation", role: "manager", method: "POST", url: "/sites",
			body:   `{"name": "灾备数据中心", "unit_id": null}`,
			status: 201, contains: []string{`"unit_id":null`}},
		{name: "create without a name", role: "manager", method: "POST", url: "/sites",
			body: `{"address": "某地"}`, status: 422, contains: []string{`"field":"body.name"`}},
		{name: "create as a department lead is forbidden", role: "lead", method: "POST", url: "/sites",
			body: `{"name": "华东仓库", "unit_id": {east}}`, status: 403},
		{name: "get", role: "viewer", method: "GET", url: "/sites/{site}",
			status: 200, contains: []string{`"id":{site}`}},
		{name: "update", role: "manager", method: "PUT", url: "/sites/{site}",
			body:   `{"name": "集团总部大楼", "name_en": "HQ Tower", "address": "上海市浦东新区世纪大道 1 号", "unit_id": {group}}`,
			status: 200, contains: []string{`"address":"上海市浦东新区世纪大道 1 号"`}},
		{name: "delete", role: "manager", method: "DELETE", url: "/sites/{tmpsite}",
			setup: func(t *testing.T, e *env) {
				var s org.Site
				e.json("manager", "POST", "/sites", `{"name": "临时场所"}`, 201, &s)
				e.ids["tmpsite"] = s.ID
			},
			status: 204,
			check: func(t *testing.T, e *env, _ response) {
				e.json("viewer", "GET", "/sites/{tmpsite}", "", 404, nil)
			}},
	})
}

func TestPeople(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "list as viewer", role: "viewer", method: "GET", url: "/people",
			status: 200, contains: []string{`"total":3`, `"limit":50`, `"offset":0`, `"next_after_id":null`, `"name_en":"Alice"`, `"value":"alice@example.com"`}},
		{name: "search", role: "viewer", method: "GET", url: "/people?q=alice",
			status: 200, contains: []string{`"total":1`, `"name_en":"Alice"`}, excludes: []string{`"name_en":"Bob"`}},
		{name: "filter by unit covers the subtree", role: "viewer", method: "GET", url: "/people?unit_id={east}",
			status: 200, contains: []string{`"total":1`, `"name_en":"Alice"`}},
		{name: "filter by an unknown unit", role: "viewer", method: "GET", url: "/people?unit_id=999999",
			status: 422, contains: []string{`"field":"query.unit_id"`}},
		{name: "filter inactive", role: "viewer", method: "GET", url: "/people?active=false",
			status: 200, contains: []string{`"total":0`, `"items":[]`}},
		{name: "first page", role: "viewer", method: "GET", url: "/people?limit=2",
			status: 200, contains: []string{`"total":3`, `"limit":2`, `"next_after_id":{bob}`, `"name_en":"Alice"`}, excludes: []string{`"name_en":"Carol"`}},
		{name: "next page by after_id", role: "viewer", method: "GET", url: "/people?limit=2&after_id={bob}",
			status: 200, contains: []string{`"name_en":"Carol"`, `"next_after_id":null`}, excludes: []string{`"name_en":"Alice"`}},
		{name: "page by offset", role: "viewer", method: "GET", url: "/people?limit=1&offset=1",
			status: 200, contains: []string{`"offset":1`, `"name_en":"Bob"`}},
		{name: "limit is bounded", role: "viewer", method: "GET", url: "/people?limit=501",
			status: 422, contains: []string{`"field":"query.limit"`}},
		{name: "active must be a boolean", role: "viewer", method: "GET", url: "/people?active=maybe",
			status: 422, contains: []string{`"field":"query.active"`}},
		{name: "create", role: "manager", method: "POST", url: "/people",
			body: `{"employee_no": "E100", "name": "戴夫", "name_en": "Dave", "unit_id": {west}, "site_id": {site},
				"contacts": [{"kind": "mobile", "value": "+86 139 0000 0100"}, {"kind": "wecom", "value": "dave.w"}]}`,
			status: 201, contains: []string{`"employee_no":"E100"`, `"active":true`, `"site_id":{site}`, `{"kind":"wecom","value":"dave.w"}`}},
		{name: "create with a bad email", role: "manager", method: "POST", url: "/people",
			body:   `{"name": "伊娃", "unit_id": {west}, "contacts": [{"kind": "email", "value": "eva-at-example"}]}`,
			status: 422, contains: []string{`{"field":"body.contacts[0].value","message":"is not a valid email address"}`}},
		{name: "create with an unknown contact kind", role: "manager", method: "POST", url: "/people",
			body:   `{"name": "伊娃", "unit_id": {west}, "contacts": [{"kind": "mobile", "value": "+86 139 0000 0101"}, {"kind": "fax", "value": "123"}]}`,
			status: 422, contains: []string{`"field":"body.contacts[1].kind"`}},
		{name: "create with too many contacts", role: "manager", method: "POST", url: "/people",
			body:   `{"name": "伊娃", "unit_id": {west}, "contacts": [` + repeat(`{"kind": "mobile", "value": "+86 139 0000 0101"}`, 21) + `]}`,
			status: 422, contains: []string{`"field":"body.contacts"`}},
		{name: "create with an unknown field in a contact", role: "manager", method: "POST", url: "/people",
			body:   `{"name": "伊娃", "unit_id": {west}, "contacts": [{"kind": "mobile", "value": "+86 139 0000 0101", "primary": true}]}`,
			status: 422, contains: []string{`"field":"body.contacts[0].primary"`}},
		{name: "create without a unit", role: "manager", method: "POST", url: "/people",
			body: `{"name": "伊娃"}`, status: 422, contains: []string{`{"field":"body.unit_id","message":"is required"}`}},
		{name: "create with a duplicate employee number", role: "manager", method: "POST", url: "/people",
			body:   `{"employee_no": "E001", "name": "另一个艾丽斯", "unit_id": {west}}`,
			status: 409, contains: []string{`"code":"conflict"`, `"field":"body.employee_no"`, "艾丽斯"}},
		{name: "create as viewer is forbidden", role: "viewer", method: "POST", url: "/people",
			body: `{"name": "伊娃", "unit_id": {west}}`, status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "department lead adds a person in their subtree", role: "lead", method: "POST", url: "/people",
			body: `{"name": "弗兰克", "name_en": "Frank", "unit_id": {eastops}}`, status: 201, contains: []string{`"name_en":"Frank"`}},
		{name: "department lead cannot add a person in a sibling unit", role: "lead", method: "POST", url: "/people",
			body: `{"name": "格蕾丝", "unit_id": {west}}`, status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "department lead edits a person in their subtree", role: "lead", method: "PUT", url: "/people/{alice}",
			body: `{"employee_no": "E001", "name": "艾丽斯", "name_en": "Alice", "title_en": "Head of Operations", "unit_id": {eastops},
				"contacts": [{"kind": "mobile", "value": "+86 138 0000 0001"}, {"kind": "email", "value": "alice@example.com"}]}`,
			status: 200, contains: []string{`"title_en":"Head of Operations"`}},
		{name: "department lead cannot edit a person in a sibling unit", role: "lead", method: "PUT", url: "/people/{bob}",
			body: `{"employee_no": "E002", "name": "鲍勃", "title": "改", "unit_id": {west}}`, status: 403, contains: []string{`"code":"forbidden"`},
			check: func(t *testing.T, e *env, _ response) {
				var p org.Person
				e.json("viewer", "GET", "/people/{bob}", "", 200, &p)
				if p.Title != "" {
					t.Errorf("a refused edit changed the person: title %q", p.Title)
				}
			}},
		{name: "department lead cannot move a person out of their subtree", role: "lead", method: "PUT", url: "/people/{alice}",
			body: `{"employee_no": "E001", "name": "艾丽斯", "unit_id": {west}}`, status: 403},
		{name: "get", role: "viewer", method: "GET", url: "/people/{carol}",
			status: 200, contains: []string{`"name":"卡罗尔"`, `"title_en":"General Manager"`, `"unit_id":{group}`}},
		{name: "get unknown", role: "viewer", method: "GET", url: "/people/999999", status: 404},
		{name: "delete a person who holds a team seat", role: "manager", method: "DELETE", url: "/people/{carol}",
			status: 409, contains: []string{`"code":"conflict"`, "危机管理委员会"}},
		{name: "delete", role: "manager", method: "DELETE", url: "/people/{leaver}", setup: newPerson("leaver", "west", "离职者"),
			status: 204,
			check: func(t *testing.T, e *env, _ response) {
				e.json("viewer", "GET", "/people/{leaver}", "", 404, nil)
			}},
	})
}

func TestTeams(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "list", role: "viewer", method: "GET", url: "/teams",
			status: 200, contains: []string{`"kind":"committee"`, `"person_id":{carol}`, `"deputies":[{alice}]`}},
		{name: "get", role: "viewer", method: "GET", url: "/teams/{team}",
			status: 200, contains: []string{`"name_en":"Crisis management committee"`, `"duty_en":"Overall command"`}},
		{name: "create with members", role: "manager", method: "POST", url: "/teams",
			body: `{"kind": "special_team", "name": "信息系统应急小组", "name_en": "IT incident team", "unit_id": {group},
				"members": [{"person_id": {bob}, "role": "leader", "deputies": [{carol}]}, {"person_id": {alice}, "role": "liaison", "duty": "联络各部门"}]}`,
			status: 201, contains: []string{`"kind":"special_team"`, `"person_id":{bob}`, `"deputies":[{carol}]`, `"role":"liaison"`}},
		{name: "create with an unknown kind", role: "manager", method: "POST", url: "/teams",
			body:   `{"kind": "task_force", "name": "专班", "unit_id": {group}}`,
			status: 422, contains: []string{`"field":"body.kind"`, "special_team"}},
		{name: "create with a member who is their own deputy", role: "manager", method: "POST", url: "/teams",
			body:   `{"kind": "special_team", "name": "专项小组", "unit_id": {group}, "members": [{"person_id": {bob}, "role": "leader", "deputies": [{bob}]}]}`,
			status: 422, contains: []string{`{"field":"body.members[0].deputies[0]","message":"a member cannot be their own deputy"}`}},
		{name: "create with an unknown deputy", role: "manager", method: "POST", url: "/teams",
			body:   `{"kind": "special_team", "name": "专项小组", "unit_id": {group}, "members": [{"person_id": {bob}, "role": "leader", "deputies": [999999]}]}`,
			status: 422, contains: []string{`{"field":"body.members[0].deputies[0]","message":"no person with id 999999"}`}},
		{name: "create as department lead is forbidden", role: "lead", method: "POST", url: "/teams",
			body: `{"kind": "onsite_command", "name": "现场指挥组", "unit_id": {east}}`, status: 403},
		{name: "update keeps members when none are given", role: "manager", method: "PUT", url: "/teams/{team}",
			body:   `{"kind": "committee", "name": "危机管理委员会", "name_en": "Crisis Management Committee", "unit_id": {group}, "duties": "决策"}`,
			status: 200, contains: []string{`"name_en":"Crisis Management Committee"`, `"duties":"决策"`, `"person_id":{carol}`}},
		{name: "update replaces members when given", role: "manager", method: "PUT", url: "/teams/{tmpteam}",
			setup: func(t *testing.T, e *env) {
				var tm org.Team
				e.json("manager", "POST", "/teams", `{"kind": "onsite_command", "name": "现场指挥组", "unit_id": {group},
					"members": [{"person_id": {alice}, "role": "leader"}]}`, 201, &tm)
				e.ids["tmpteam"] = tm.ID
			},
			body:   `{"kind": "onsite_command", "name": "现场指挥组", "unit_id": {group}, "members": [{"person_id": {bob}, "role": "leader"}]}`,
			status: 200, contains: []string{`"person_id":{bob}`}, excludes: []string{`"person_id":{alice}`}},
		{name: "seat a member", role: "manager", method: "PUT", url: "/teams/{team}/members/{bob}",
			body:   `{"role": "secretary", "duty": "会议记录", "duty_en": "Minutes", "deputies": [{alice}]}`,
			status: 200, contains: []string{`{"person_id":{bob},"role":"secretary","duty":"会议记录","duty_en":"Minutes","deputies":[{alice}]`}},
		{name: "seat a member who is their own deputy", role: "manager", method: "PUT", url: "/teams/{team}/members/{bob}",
			body:   `{"role": "member", "deputies": [{bob}]}`,
			status: 422, contains: []string{`{"field":"body.deputies[0]","message":"a member cannot be their own deputy"}`}},
		{name: "seat a member with an unknown deputy", role: "manager", method: "PUT", url: "/teams/{team}/members/{carol}",
			body:   `{"role": "leader", "deputies": [{alice}, 999999]}`,
			status: 422, contains: []string{`{"field":"body.deputies[1]","message":"no person with id 999999"}`},
			check: func(t *testing.T, e *env, _ response) {
				var tm org.Team
				e.json("viewer", "GET", "/teams/{team}", "", 200, &tm)
				for _, m := range tm.Members {
					if m.PersonID == e.ids["carol"] && len(m.Deputies) != 1 {
						t.Errorf("a refused seat change was stored: %+v", m)
					}
				}
			}},
		{name: "seat an unknown person", role: "manager", method: "PUT", url: "/teams/{team}/members/999999",
			body: `{"role": "member"}`, status: 422, contains: []string{`"field":"path.person_id"`}},
		{name: "seat with an unknown role", role: "manager", method: "PUT", url: "/teams/{team}/members/{bob}",
			body: `{"role": "boss"}`, status: 422, contains: []string{`"field":"body.role"`}},
		{name: "seat in an unknown team", role: "manager", method: "PUT", url: "/teams/999999/members/{bob}",
			body: `{"role": "member"}`, status: 404},
		{name: "take a member off", role: "manager", method: "DELETE", url: "/teams/{team}/members/{alice}",
			status: 200, contains: []string{`"person_id":{carol}`}, excludes: []string{`"person_id":{alice},`}},
		{name: "take off someone who is not a member", role: "manager", method: "DELETE", url: "/teams/{team}/members/{bob}",
			setup: func(t *testing.T, e *env) {
				e.json("manager", "PUT", "/teams/{team}/members/{bob}", `{"role": "member"}`, 200, nil)
				e.json("manager", "DELETE", "/teams/{team}/members/{bob}", "", 200, nil)
			},
			status: 404, contains: []string{`"code":"not_found"`}},
		{name: "delete", role: "manager", method: "DELETE", url: "/teams/{tmpteam}", status: 204,
			check: func(t *testing.T, e *env, _ response) {
				e.json("viewer", "GET", "/teams/{tmpteam}", "", 404, nil)
			}},
	})
}
