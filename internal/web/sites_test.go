package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
)

func TestSitesCreateEditFilterDelete(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		e.seedUser("viewer", authz.Viewer)
		dept := e.seedUnit(e.root, "仓储部", "Warehousing")
		c := e.client()
		c.login("admin")
		mustContain(t, c.get("/sites").body, "No sites yet", `href="/sites/new"`)

		// A blank name and an unknown unit are both reported; nothing is stored.
		r := c.post("/sites", url.Values{"name": {" "}, "unit_id": {"x"}, "address": {"上海市浦东新区"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "This field is required.", `value="上海市浦东新区"`)
		if sites, _ := e.app.Org.Sites(sys()); len(sites) != 0 {
			t.Fatalf("%d sites after a rejected form", len(sites))
		}

		r = c.post("/sites", url.Values{"name": {"浦东仓"}, "name_en": {"Pudong warehouse"}, "unit_id": {idStr(dept.ID)}, "address": {"上海市浦东新区"}})
		wantStatus(t, r, http.StatusSeeOther)
		sites, _ := e.app.Org.Sites(sys())
		if len(sites) != 1 || sites[0].UnitID == nil || *sites[0].UnitID != dept.ID {
			t.Fatalf("stored: %+v", sites)
		}
		site := sites[0]
		p := e.seedPerson(dept, "赵磊", "Zhao Lei", "+86 138 0000 0011")
		e.seedPerson(dept, "钱敏", "Qian Min", "+86 138 0000 0012")
		p.SiteID = &site.ID
		if _, err := e.app.Org.SavePerson(sys(), p); err != nil {
			t.Fatal(err)
		}
		r = c.get("/sites")
		mustContain(t, r.body, "Pudong warehouse", "Warehousing", "上海市浦东新区", `<a href="/people?site=`+idStr(site.ID)+`">1</a>`)

		// The people list filters by site.
		r = c.get("/people?site=" + idStr(site.ID))
		mustContain(t, r.body, "Zhao Lei")
		mustNotContain(t, r.body, "Qian Min")

		r = c.post("/sites/"+idStr(site.ID), url.Values{"name": {"浦东一号仓"}, "name_en": {"Pudong DC 1"}, "unit_id": {""}, "address": {"上海市浦东新区航头镇"}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, c.get("/sites").body, "Pudong DC 1", "No unit")

		// Readers see the list without edit controls and cannot post.
		v := e.client()
		v.login("viewer")
		r = v.get("/sites")
		mustContain(t, r.body, "Pudong DC 1")
		mustNotContain(t, r.body, `href="/sites/new"`)
		wantStatus(t, v.post("/sites/"+idStr(site.ID)+"/delete", nil), http.StatusForbidden)

		r = c.post("/sites/"+idStr(site.ID)+"/delete", nil)
		wantStatus(t, r, http.StatusSeeOther)
		if sites, _ := e.app.Org.Sites(sys()); len(sites) != 0 {
			t.Fatalf("%d sites after delete", len(sites))
		}
		got, err := e.app.Org.Person(sys(), p.ID)
		if err != nil || got.SiteID != nil {
			t.Fatalf("person after site delete: %+v %v", got, err)
		}
	})
}
