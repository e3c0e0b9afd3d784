package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
)

// upload posts a file as a browser's multipart form does.
func (c *client) upload(path, filename, content string) response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.base+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestPeopleImport(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		e.seedUnit(e.root, "运营部", "Operations")
		c := e.client()
		c.login("admin")
		r := c.get("/people/import")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `enctype="multipart/form-data"`, `/people/import/template?format=xlsx`)

		// Every problem of a bad file is listed by row; nothing is stored.
		bad := "name,unit,mobile\n王芳,运营部,+86 138 0000 0001\n,运营部,+86 138 0000 0002\n李四,运营部,call me\n"
		r = c.upload("/people/import", "people.csv", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Import failed; nothing was stored.", `<td class="num">3</td>`, `<td class="num">4</td>`, "Mobile")
		if n := e.countPeople(); n != 0 {
			t.Fatalf("%d people stored from a bad file", n)
		}
		// Not a spreadsheet at all.
		r = c.upload("/people/import", "people.pdf", "%PDF-1.4")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "people.pdf")

		good := strings.Replace(bad, ",运营部,+86 138 0000 0002", "张伟,运营部,+86 138 0000 0002", 1)
		good = strings.Replace(good, "call me", "+86 138 0000 0003", 1)
		r = c.upload("/people/import", "people.csv", good)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Imported 3 rows.", "3 created, 0 updated.")
		if n := e.countPeople(); n != 3 {
			t.Fatalf("%d people after the import, want 3", n)
		}

		// The template downloads in the page language.
		r = c.get("/people/import/template?format=csv", "Accept-Language", "zh-CN")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "姓名")
		r = c.get("/org/import/template?format=xlsx")
		wantStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.body, "PK") {
			t.Error("the unit template is not an XLSX file")
		}
	})
}

func TestUnitImport(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		c := e.client()
		c.login("admin")
		r := c.upload("/org/import", "units.csv", "code,name,name_en,kind,parent\nHZ,杭州分公司,Hangzhou Branch,branch,XL\nHZ-OPS,运营部,Operations,department,HZ\n")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Imported 2 rows.")
		r = c.get("/org")
		mustContain(t, r.body, "Hangzhou Branch", "Operations")
	})
}
