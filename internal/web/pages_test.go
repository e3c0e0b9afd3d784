package web_test

import (
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
)

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func TestPersonFormValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		dept := e.seedUnit(e.root, "信息技术部", "IT")
		c := e.client()
		c.login("admin")
		form := url.Values{
			"name": {""}, "name_en": {"Wang Fang"}, "title": {"运维工程师"}, "unit_id": {idStr(dept.ID)}, "active": {"1"},
			"contact_kind":  {"mobile", "email", "phone"},
			"contact_value": {"not-a-phone", "wang.fang@example.com", ""},
		}
		r := c.post("/people", form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		// Each error sits under its own field…
		if !regexp.MustCompile(`(?s)id="f-name".*?<p class="field-error" id="f-name-err">This field is required.</p>`).MatchString(r.body) {
			t.Errorf("no error under the name field:\n%s", r.body)
		}
		if !regexp.MustCompile(`(?s)value="not-a-phone" aria-label="[^"]*" aria-invalid="true">\s*<p class="field-error">Enter a valid mobile number.</p>`).MatchString(r.body) {
			t.Errorf("no error under the mobile row:\n%s", r.body)
		}
		// …the input is kept…
		mustContain(t, r.body, `value="Wang Fang"`, `value="运维工程师"`, `value="wang.fang@example.com"`, "Please correct the highlighted fields.")
		if !regexp.MustCompile(`<option value="` + idStr(dept.ID) + `" selected>`).MatchString(r.body) {
			t.Errorf("the chosen unit is not kept")
		}
		// …and nothing is stored.
		if n := e.countPeople(); n != 0 {
			t.Fatalf("%d people stored after a rejected form", n)
		}

		// Corrected, it is stored, with the blank contact row left out.
		form.Set("name", "王芳")
		form["contact_value"] = []string{"+86 138 0000 0001", "wang.fang@example.com", ""}
		r = c.post("/people", form)
		wantStatus(t, r, http.StatusSeeOther)
		people, _, _ := e.app.Org.People(sys(), org.PeopleFilter{})
		if len(people) != 1 || people[0].Name != "王芳" || len(people[0].Contacts) != 2 || people[0].Contacts[0].Value != "+86 138 0000 0001" {
			t.Fatalf("stored: %+v", people)
		}
		if r.location() != "/people/"+idStr(people[0].ID) {
			t.Errorf("redirect to %q", r.location())
		}
		mustContain(t, c.get(r.location()).body, "王芳", "Wang Fang", "+86 138 0000 0001", "Group / IT")
	})
}

func TestUnitFormValidationAndDeleteInUse(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		c := e.client()
		c.header.Set("Accept-Language", "zh-CN")
		c.login("admin")
		r := c.post("/org", url.Values{"parent_id": {idStr(e.root.ID)}, "kind": {"department"}, "name": {"  "}, "name_en": {"Finance"}, "code": {"FIN"}, "sort_order": {"x"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "此项为必填项。", "请输入整数。", `value="Finance"`, `value="FIN"`)
		if units, _ := e.app.Org.Units(sys()); len(units) != 1 {
			t.Fatalf("%d units after a rejected form", len(units))
		}
		r = c.post("/org", url.Values{"parent_id": {idStr(e.root.ID)}, "kind": {"department"}, "name": {"财务部"}, "name_en": {"Finance"}, "code": {"FIN"}, "sort_order": {"2"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = c.get("/org")
		mustContain(t, r.body, `<ul class="tree">`, "财务部", "星联物流集团", `<span class="badge info">部门</span>`, `<span class="badge info">集团</span>`, "已创建。")

		// The root still has a sub-unit: deleting it is refused with a flash.
		r = c.post("/org/"+idStr(e.root.ID)+"/delete", nil)
		if r.status != http.StatusSeeOther || r.location() != "/org" {
			t.Fatalf("delete in use: %d %q", r.status, r.location())
		}
		mustContain(t, c.get("/org").body, `<div class="flash error">无法删除“星联物流集团”`)
		if units, _ := e.app.Org.Units(sys()); len(units) != 2 {
			t.Fatalf("%d units after a refused delete", len(units))
		}
	})
}

func TestOutputEscaped(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		evil := `<script>alert(1)</script>`
		dept := e.seedUnit(e.root, `"><img src=x onerror=alert(2)>`, "")
		p := e.seedPerson(dept, evil, "", "+86 138 0000 0009")
		team, err := e.app.Org.SaveTeam(sys(), org.Team{Kind: org.TeamSpecial, Name: evil, UnitID: e.root.ID,
			Members: []org.Member{{PersonID: p.ID, Role: org.RoleLeader, Duty: evil}}})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("admin")
		for _, path := range []string{"/people", "/people/" + idStr(p.ID), "/people/" + idStr(p.ID) + "/edit", "/teams", "/teams/" + idStr(team.ID),
			"/contacts", "/org", "/audit", "/people?q=" + url.QueryEscape(evil)} {
			r := c.get(path)
			wantStatus(t, r, http.StatusOK)
			mustNotContain(t, r.body, evil, `<img src=x`)
			if path != "/org" && path != "/audit" && !strings.HasPrefix(path, "/people?q") {
				mustContain(t, r.body, "&lt;script&gt;alert(1)&lt;/script&gt;")
			}
		}
	})
}

func TestLanguageSwitch(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		u := e.seedUser("admin", authz.Admin)
		// Anonymous: the browser's language, then the switch's cookie.
		c := e.client()
		c.header.Set("Accept-Language", "en-GB,en;q=0.9")
		mustContain(t, c.get("/login").body, `<html lang="en">`, "Sign in")
		r := c.post("/lang", url.Values{"lang": {"zh-CN"}, "next": {"/login"}})
		if r.status != http.StatusSeeOther || r.location() != "/login" {
			t.Fatalf("switch: %d %q", r.status, r.location())
		}
		mustContain(t, c.get("/login").body, `<html lang="zh-CN">`, "用户名", "登录")
		if r := c.post("/lang", url.Values{"lang": {"fr"}}); r.status != http.StatusBadRequest {
			t.Errorf("unknown language: %d", r.status)
		}

		// Signed in: the switch saves the user's language.
		c = e.client()
		c.login("admin")
		mustContain(t, c.get("/contacts").body, "Emergency contact list")
		r = c.post("/lang", url.Values{"lang": {"zh-CN"}, "next": {"/contacts"}})
		if r.location() != "/contacts" {
			t.Fatalf("switch: %d %q", r.status, r.location())
		}
		body := c.get("/contacts").body
		mustContain(t, body, `<html lang="zh-CN">`, "应急联络一览表", "界面语言已保存。", "危机管理")
		saved, _ := e.app.Identity.User(sys(), u.ID)
		if saved.Lang != "zh-CN" {
			t.Fatalf("user language %q", saved.Lang)
		}
		// The account's language wins over the browser's, in a new browser.
		c2 := e.client()
		c2.header.Set("Accept-Language", "en")
		c2.login("admin")
		mustContain(t, c2.get("/teams").body, "应急组织")
		// An open redirect through the switch is refused.
		if r := c2.post("/lang", url.Values{"lang": {"en"}, "next": {"https://evil.example"}}); r.location() != "/" {
			t.Errorf("switch next: %q", r.location())
		}
	})
}

func TestTeamsMembersDeputiesAndContactList(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		ops := e.seedUnit(e.root, "运营部", "Operations")
		leader := e.seedPerson(ops, "彭志刚", "Peng Zhigang", "+86 138 0000 0011")
		dep1 := e.seedPerson(ops, "李娜", "Li Na", "+86 138 0000 0012")
		dep2 := e.seedPerson(ops, "赵强", "Zhao Qiang", "+86 138 0000 0013")
		c := e.client()
		c.login("admin")

		// Team form: a missing name comes back with the input kept.
		r := c.post("/teams", url.Values{"kind": {"crisis_office"}, "name": {""}, "name_en": {"Crisis office"}, "unit_id": {idStr(e.root.ID)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This field is required.", `value="Crisis office"`)
		r = c.post("/teams", url.Values{"kind": {"crisis_office"}, "name": {"危机管理办公室"}, "name_en": {"Crisis office"},
			"unit_id": {idStr(e.root.ID)}, "duties": {"统筹协调"}})
		wantStatus(t, r, http.StatusSeeOther)
		teamURL := r.location()
		teams, _ := e.app.Org.Teams(sys())
		if len(teams) != 1 || teamURL != "/teams/"+idStr(teams[0].ID) {
			t.Fatalf("teams %+v, redirect %q", teams, teamURL)
		}
		team := teams[0]

		// A member cannot be their own deputy: refused, nothing stored.
		r = c.post(teamURL+"/members", url.Values{"person_id": {idStr(leader.ID)}, "role": {"leader"}, "deputy": {idStr(leader.ID)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "A member cannot be their own deputy.")
		if got, _ := e.app.Org.Team(sys(), team.ID); len(got.Members) != 0 {
			t.Fatalf("members after a refused add: %+v", got.Members)
		}

		// Two deputies in order (the blank row is ignored).
		r = c.post(teamURL+"/members", url.Values{"person_id": {idStr(leader.ID)}, "role": {"leader"}, "duty": {"总协调"},
			"deputy": {idStr(dep2.ID), "", idStr(dep1.ID)}})
		wantStatus(t, r, http.StatusSeeOther)
		got, _ := e.app.Org.Team(sys(), team.ID)
		if len(got.Members) != 1 || got.Members[0].Role != org.RoleLeader || len(got.Members[0].Deputies) != 2 ||
			got.Members[0].Deputies[0] != dep2.ID || got.Members[0].Deputies[1] != dep1.ID {
			t.Fatalf("stored members: %+v", got.Members)
		}
		r = c.get(teamURL)
		mustContain(t, r.body, "Peng Zhigang", "Leader", "Zhao Qiang", "Li Na")
		if strings.Index(r.body, "Zhao Qiang") > strings.Index(r.body, "Li Na") {
			t.Error("deputies not in their order")
		}

		// The contact list shows the seat with its deputies and mobiles.
		r = c.get("/contacts")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Emergency contact list", "Crisis office", "Crisis management office", "Peng Zhigang",
			"+86 138 0000 0011", "Zhao Qiang", "+86 138 0000 0013", "Li Na", "Operations", "Generated 1 Mar 2025",
			"Internal — for emergency use only.", `data-print`)
		r = c.get("/contacts/export?format=csv")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.header.Get("Content-Disposition"), "contact-list-20250301.csv") {
			t.Errorf("Content-Disposition %q", r.header.Get("Content-Disposition"))
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff"))).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("CSV: %v\n%s", err, r.body)
		}
		if row := strings.Join(recs[1], "|"); !strings.Contains(row, "Peng Zhigang") || !strings.Contains(row, "Zhao Qiang") {
			t.Errorf("CSV row %q", row)
		}
		r = c.get("/contacts/export?format=xlsx")
		wantStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.body, "PK") || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("XLSX export: %q", r.header.Get("Content-Type"))
		}

		// Removing the member empties the list again.
		r = c.post(teamURL+"/members/"+idStr(leader.ID)+"/delete", nil)
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get("/contacts").body, "The contact list is empty")
		// A person still on a team cannot be deleted; one who is not can.
		if _, err := e.app.Org.AddMember(sys(), team.ID, org.Member{PersonID: dep1.ID, Role: org.RoleMember}); err != nil {
			t.Fatal(err)
		}
		r = c.post("/people/"+idStr(dep1.ID)+"/delete", nil)
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "is a member of the team “危机管理办公室”")
		wantStatus(t, c.post("/people/"+idStr(dep2.ID)+"/delete", nil), http.StatusSeeOther)
		if n := e.countPeople(); n != 2 {
			t.Fatalf("%d people, want 2", n)
		}
	})
}

func TestPermissionsAndNavigation(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("viewer", authz.Viewer)
		c := e.client()
		c.login("viewer")
		r := c.get("/")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `href="/people"`, `href="/contacts"`, `href="/risks"`)
		mustNotContain(t, r.body, `href="/admin/users"`, `href="/audit"`, `href="/people/new"`)
		for _, path := range []string{"/admin/users", "/audit", "/people/new", "/org/new", "/teams/new", "/people/import"} {
			r := c.get(path, "Accept-Language", "zh-CN")
			if r.status != http.StatusForbidden {
				t.Errorf("viewer GET %s: %d", path, r.status)
			}
			// The refusal is a page of the UI, in the viewer's language.
			mustContain(t, r.body, "无权访问", "您没有执行此操作的权限。", `class="sidenav"`)
		}
		if r := c.post("/org", url.Values{"name": {"x"}, "kind": {"department"}}); r.status != http.StatusForbidden {
			t.Errorf("viewer POST /org: %d", r.status)
		}
		// Pages on the roadmap say what they will do; unknown ones are 404.
		r = c.get("/soon/incidents")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Coming soon", "live timeline")
		// The plan generator is offered from the plan library to those who may write plans only.
		mustNotContain(t, c.get("/plans").body, `href="/plans/generate"`)
		e.seedUser("office", authz.BCMManager)
		o := e.client()
		o.login("office")
		mustContain(t, o.get("/plans").body, `href="/plans/generate"`, "Generate a plan")
		r = c.get("/soon/nothing")
		wantStatus(t, r, http.StatusNotFound)
		mustContain(t, r.body, "Page not found")
		r = c.get("/no/such/page", "Accept-Language", "zh-CN")
		wantStatus(t, r, http.StatusNotFound)
		r = c.get("/people/999999")
		wantStatus(t, r, http.StatusNotFound)
		mustContain(t, r.body, "Page not found")
	})
}

func TestPeopleSearchAndPaging(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		it := e.seedUnit(e.root, "信息技术部", "IT")
		hr := e.seedUnit(e.root, "人力资源部", "HR")
		for i := 0; i < 30; i++ {
			e.seedPerson(it, "技术员"+strconv.Itoa(i), "", "+86 139 0000 "+strconv.Itoa(1000+i))
		}
		e.seedPerson(hr, "周敏", "Zhou Min", "+86 137 0000 0001")
		c := e.client()
		c.login("admin")
		r := c.get("/people")
		mustContain(t, r.body, "Page 1 of 2", "31 in total", `id="people-results"`, `hx-trigger="keyup changed delay:300ms, search"`)
		r = c.get("/people?page=2")
		mustContain(t, r.body, "Page 2 of 2")
		// The live search gets only the results block.
		r = c.get("/people?q=zhou", "HX-Request", "true", "HX-Target", "people-results")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Zhou Min", "1 in total")
		mustNotContain(t, r.body, "<html", "技术员")
		// The unit filter covers the unit's subtree.
		r = c.get("/people?unit=" + idStr(hr.ID))
		mustContain(t, r.body, "Zhou Min")
		mustNotContain(t, r.body, "技术员")
		// The person picker's search answers with options.
		r = c.get("/people/options?q=zhou")
		mustContain(t, r.body, "<option value=\"", "Zhou Min · HR")
	})
}

func TestAuditLogAndVerify(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		e.seedUser("auditor", authz.Auditor)
		c := e.client()
		c.login("admin")
		wantStatus(t, c.post("/org", url.Values{"parent_id": {idStr(e.root.ID)}, "kind": {"department"}, "name": {"法务部"}, "name_en": {"Legal <dept>"}}), http.StatusSeeOther)

		a := e.client()
		a.login("auditor")
		r := a.get("/audit")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Audit log", "Org unit", "Created", "unit.create", "Admin", "&#34;name&#34;: &#34;法务部&#34;", "Legal \\u003cdept\\u003e")
		// Newest first.
		if strings.Index(r.body, "法务部") > strings.Index(r.body, "星联物流集团") {
			t.Error("entries are not newest first")
		}
		r = a.get("/audit?entity=user")
		mustContain(t, r.body, "user.create")
		mustNotContain(t, r.body, "unit.create")
		r = a.post("/audit/verify", nil, "HX-Request", "true")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "The audit chain is intact")
		mustNotContain(t, r.body, "<html")
		r = a.post("/audit/verify", nil)
		mustContain(t, r.body, "The audit chain is intact", "<html")

		// 50 entries a page; "older" continues below the last one shown.
		for i := 0; i < 50; i++ {
			e.seedPerson(e.root, "员工"+strconv.Itoa(i), "", "+86 139 0000 "+strconv.Itoa(1000+i))
		}
		r = a.get("/audit")
		m := regexp.MustCompile(`href="(/audit\?before_id=(\d+))"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no link to older entries:\n%s", r.body)
		}
		r = a.get(html.UnescapeString(m[1]))
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "unit.create", "Newest")
		if strings.Contains(r.body, ">#"+m[2]+"<") {
			t.Errorf("the older page repeats entry #%s", m[2])
		}
	})
}

func TestProfilePasswordAndTokens(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("li.ming", authz.Responder)
		c := e.client()
		c.login("li.ming")
		r := c.post("/profile/password", url.Values{"current_password": {"wrong one!!"}, "new_password": {"a new long password"}, "new_password2": {"a new long password"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "The current password is incorrect.")
		r = c.post("/profile/password", url.Values{"current_password": {adminPassword}, "new_password": {"a new long password"}, "new_password2": {"another"}})
		mustContain(t, r.body, "The new passwords do not match.")
		r = c.post("/profile/password", url.Values{"current_password": {adminPassword}, "new_password": {"a new long password"}, "new_password2": {"a new long password"}})
		wantStatus(t, r, http.StatusSeeOther)
		// This browser stays signed in with a fresh session.
		mustContain(t, c.get("/profile").body, "Your password has been changed.")

		r = c.post("/profile/tokens", url.Values{"name": {"monitoring"}, "days": {"30"}})
		wantStatus(t, r, http.StatusOK)
		m := regexp.MustCompile(`<code id="token-secret" class="secret">(cto_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no secret shown:\n%s", r.body)
		}
		if _, err := e.app.Identity.Authenticate(sys(), m[1]); err != nil {
			t.Fatalf("the shown secret does not work: %v", err)
		}
		r = c.get("/profile")
		mustContain(t, r.body, "monitoring", "31 Mar 2025")
		mustNotContain(t, r.body, m[1])
		tokens, _ := e.app.Identity.ListTokens(sys(), 0)
		_ = tokens
		id := regexp.MustCompile(`/profile/tokens/(\d+)/revoke`).FindStringSubmatch(r.body)
		if id == nil {
			t.Fatal("no revoke form")
		}
		wantStatus(t, c.post("/profile/tokens/"+id[1]+"/revoke", nil), http.StatusSeeOther)
		if _, err := e.app.Identity.Authenticate(sys(), m[1]); err == nil {
			t.Fatal("a revoked token still works")
		}
	})
}

func TestUsersAdmin(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		ops := e.seedUnit(e.root, "运营部", "Operations")
		c := e.client()
		c.login("admin")
		r := c.post("/admin/users", url.Values{"username": {"x"}, "display_name": {"李雷"}, "password": {"short"}, "password2": {"short"},
			"grant_role": {"department_lead"}, "grant_unit": {idStr(ops.ID)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Use 2–64 letters", "The password must be at least 10 characters long.", `value="李雷"`)
		r = c.post("/admin/users", url.Values{"username": {"li.lei"}, "display_name": {"李雷"}, "email": {"li.lei@example.com"},
			"password": {adminPassword}, "password2": {adminPassword},
			"grant_role": {"department_lead", "viewer"}, "grant_unit": {idStr(ops.ID), ""}})
		wantStatus(t, r, http.StatusSeeOther)
		r = c.get("/admin/users")
		mustContain(t, r.body, "li.lei", "Department lead · Operations")
		users, _ := e.app.Identity.ListUsers(sys())
		var li int64
		for _, u := range users {
			if u.Username == "li.lei" {
				li = u.ID
				if len(u.Grants) != 1 || u.Grants[0].Role != authz.DepartmentLead || u.Grants[0].UnitID != ops.ID {
					t.Fatalf("grants %+v", u.Grants)
				}
			}
		}
		// Disable the account: it can no longer sign in.
		r = c.post("/admin/users/"+idStr(li), url.Values{"display_name": {"李雷"}, "email": {"li.lei@example.com"}, "disabled": {"1"},
			"grant_role": {"viewer"}, "grant_unit": {idStr(e.root.ID)}})
		wantStatus(t, r, http.StatusSeeOther)
		if r := e.client().post("/login", url.Values{"username": {"li.lei"}, "password": {adminPassword}}); r.status != http.StatusForbidden ||
			!strings.Contains(r.body, i18n.T(i18n.EN, "login.account_disabled")) {
			t.Errorf("disabled account signing in: %d %s", r.status, r.body)
		}
		// An administrator cannot disable themselves.
		admin, _ := e.app.Identity.ListUsers(sys())
		var adminID int64
		for _, u := range admin {
			if u.Username == "admin" {
				adminID = u.ID
			}
		}
		r = c.post("/admin/users/"+idStr(adminID), url.Values{"display_name": {"Admin"}, "disabled": {"1"}, "grant_role": {"admin"}, "grant_unit": {idStr(e.root.ID)}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "You cannot disable your own account.")
		// Reset another user's password.
		r = c.post("/admin/users/"+idStr(li)+"/password", url.Values{"new_password": {"brand new password"}, "new_password2": {"brand new password"}})
		wantStatus(t, r, http.StatusSeeOther)
	})
}
