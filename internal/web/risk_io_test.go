package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/risk"
)

func TestRiskImportExport(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		e.seedUser("viewer", authz.Viewer)
		ops := e.seedUnit(e.root, "运营部", "Operations")
		flood := e.seedRisk(ops, "仓库内涝", "Warehouse flooding", risk.NaturalDisaster)
		e.rate(flood, risk.Inherent, "5x5", 4, 5)
		c := e.client()
		c.login("admin")

		r := c.get("/risks", "Accept-Language", "en")
		mustContain(t, r.body, `href="/risks/import"`, `href="/risks/export?format=xlsx"`, `href="/risks/export?format=csv"`)
		r = c.get("/risks/import", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Import risks", `/risks/import/template?format=xlsx`)
		r = c.get("/risks/import/template?format=csv", "Accept-Language", "zh-CN")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "风险名称") || !strings.Contains(r.header.Get("Content-Disposition"), "risks-template.csv") {
			t.Fatalf("template: %q %v", r.body, r.header)
		}

		// A file with a bad row stores nothing and names the row.
		bad := "Code,Title,Category,Org unit,Matrix,Inherent likelihood,Inherent impact\n" +
			"R-101,叉车伤人,safety_accident,运营部,5x5,2,4\n" +
			"R-102,陨石撞击,meteor,运营部,5x5,9,1\n"
		r = c.upload("/risks/import", "risks.csv", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "import-problems", "<td class=\"num\">3</td>")
		if n := e.countRisks(); n != 1 {
			t.Fatalf("%d risks after a rejected import", n)
		}
		good := strings.Replace(bad, "R-102,陨石撞击,meteor,运营部,5x5,9,1", "R-102,主干网中断,it_failure,运营部,5x5,3,3", 1)
		r = c.upload("/risks/import", "risks.csv", good)
		wantStatus(t, r, http.StatusOK)
		if n := e.countRisks(); n != 3 {
			t.Fatalf("%d risks after the import", n)
		}

		// The export follows the register's filters.
		r = c.get("/risks/export?format=csv&category=natural_disaster")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "仓库内涝") || strings.Contains(r.body, "叉车伤人") {
			t.Fatalf("filtered export:\n%s", r.body)
		}
		r = c.get("/risks/export?format=xlsx")
		wantStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.body, "PK") {
			t.Fatalf("xlsx export is not a zip file")
		}

		// A viewer may export but not import.
		v := e.client()
		v.login("viewer")
		r = v.get("/risks")
		mustNotContain(t, r.body, `href="/risks/import"`)
		wantStatus(t, v.get("/risks/export?format=csv"), http.StatusOK)
		wantStatus(t, v.get("/risks/import"), http.StatusForbidden)
		wantStatus(t, v.upload("/risks/import", "risks.csv", good), http.StatusForbidden)
	})
}
