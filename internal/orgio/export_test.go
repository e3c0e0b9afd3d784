package orgio_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// contactRows stores a committee and a special team with deputies and
// returns the contact list the org service builds from them.
func contactRows(t *testing.T, e *env) []org.ContactRow {
	t.Helper()
	person := func(no, name, nameEn, mobile string) int64 {
		p, err := e.svc.SavePerson(e.ctx, org.Person{EmployeeNo: no, Name: name, NameEn: nameEn, Title: "经理", TitleEn: "Manager",
			UnitID: e.units["XL-IT"].ID, Active: true, Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: mobile},
				{Kind: org.ContactEmail, Value: strings.ToLower(strings.ReplaceAll(nameEn, " ", ".")) + "@xinglian.example"},
				{Kind: org.ContactWeCom, Value: strings.ReplaceAll(nameEn, " ", "")}}})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	chair := person("X1", "陈国栋", "Chen Guodong", "+86 138 0000 0001")
	gm := person("X2", "林志远", "Lin Zhiyuan", "+86 138 0000 0002")
	vp := person("X3", "王海燕", "Wang Haiyan", "+86 138 0000 0003")
	it := person("X4", "曹磊", "Cao Lei", "+86 138 0000 0004")
	sec := person("X5", "彭志刚", "Peng Zhigang", "+86 138 0000 0005")
	for _, tm := range []org.Team{
		{Kind: org.TeamSpecial, Name: "信息安全专项小组", NameEn: "Information Security Team", UnitID: e.units["XL-IT"].ID, Members: []org.Member{
			{PersonID: it, Role: org.RoleLeader, Deputies: []int64{sec, vp}},
			{PersonID: sec, Role: org.RoleMember, Deputies: []int64{}},
		}},
		{Kind: org.TeamCommittee, Name: "危机管理委员会", NameEn: "Crisis Management Committee", UnitID: e.units["XL"].ID, Members: []org.Member{
			{PersonID: vp, Role: org.RoleMember, SortOrder: 3},
			{PersonID: chair, Role: org.RoleLeader, Deputies: []int64{gm}, SortOrder: 1},
			{PersonID: gm, Role: org.RoleDeputyLeader, Deputies: []int64{vp}, SortOrder: 2},
		}},
	} {
		if _, err := e.svc.SaveTeam(e.ctx, tm); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := e.svc.ContactList(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestContactListXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		rows := contactRows(t, e)
		var b bytes.Buffer
		if err := orgio.WriteContactList(&b, orgio.FormatXLSX, rows, i18n.ZH); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheet := x.GetSheetList()[0]
		if v, _ := x.GetCellValue(sheet, "A1"); v != "应急联络一览表" {
			t.Errorf("title %q, want 应急联络一览表", v)
		}
		got, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if h := strings.Join(got[2], "|"); h != "应急组织|组内职务|姓名|职务|部门|手机|办公电话|电子邮箱|即时通讯|代理人（按顺序）" {
			t.Errorf("header row %q", h)
		}
		// Committee first (order of authority), leader first, then the
		// special team; the team name is written once per team.
		type seat struct{ team, role, name, deputies string }
		var seats []seat
		for _, r := range got[3:] {
			r = append(r, make([]string, 10)...)
			seats = append(seats, seat{r[0], r[1], r[2], r[9]})
		}
		want := []seat{
			{"危机管理委员会", "组长", "陈国栋", "1. 林志远 +86 138 0000 0002"},
			{"", "副组长", "林志远", "1. 王海燕 +86 138 0000 0003"},
			{"", "组员", "王海燕", ""},
			{"信息安全专项小组", "组长", "曹磊", "1. 彭志刚 +86 138 0000 0005\n2. 王海燕 +86 138 0000 0003"},
			{"", "组员", "彭志刚", ""},
		}
		if len(seats) != len(want) {
			t.Fatalf("rows %+v, want %+v", seats, want)
		}
		for i := range want {
			if seats[i] != want[i] {
				t.Errorf("row %d: %+v, want %+v", i+4, seats[i], want[i])
			}
		}
		if v, _ := x.GetCellValue(sheet, "I4"); v != "wecom: ChenGuodong" {
			t.Errorf("IM cell %q", v)
		}
		merged, err := x.GetMergeCells(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, m := range merged {
			refs = append(refs, m.GetStartAxis()+":"+m.GetEndAxis())
		}
		if r := strings.Join(refs, " "); !strings.Contains(r, "A4:A6") || !strings.Contains(r, "A7:A8") || !strings.Contains(r, "A1:J1") {
			t.Errorf("merged cells %s: want the title and one team cell per team", r)
		}
		layout, err := x.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
			t.Errorf("page layout %+v, want A4 (9) landscape, one page wide", layout)
		}
		panes, err := x.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 3 || panes.TopLeftCell != "A4" {
			t.Errorf("panes %+v, want the rows down to the header frozen", panes)
		}
		style, err := x.GetCellStyle(sheet, "C3")
		if err != nil {
			t.Fatal(err)
		}
		st, err := x.GetStyle(style)
		if err != nil {
			t.Fatal(err)
		}
		if st.Font == nil || !st.Font.Bold {
			t.Errorf("header cell is not bold")
		}
		if w, _ := x.GetColWidth(sheet, "J"); w < 30 {
			t.Errorf("deputies column width %v, want room for names and numbers", w)
		}
	})
}

func TestContactListEnglishAndCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		rows := contactRows(t, e)
		var b bytes.Buffer
		if err := orgio.WriteContactList(&b, orgio.FormatCSV, rows, i18n.EN); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte{0xEF, 0xBB, 0xBF}) {
			t.Fatal("CSV does not start with a UTF-8 BOM")
		}
		recs, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if recs[0][0] != "Team" || recs[0][9] != "Deputies (in order)" {
			t.Errorf("header %q", recs[0])
		}
		first := recs[1]
		if first[0] != "Crisis Management Committee" || first[1] != "Leader" || first[2] != "Chen Guodong (陈国栋)" || first[3] != "Manager" ||
			first[4] != "IT" || first[5] != "+86 138 0000 0001" || first[7] != "chen.guodong@xinglian.example" || first[9] != "1. Lin Zhiyuan (林志远) +86 138 0000 0002" {
			t.Errorf("first row %q", first)
		}
		if last := recs[len(recs)-1]; last[0] != "Information Security Team" {
			t.Errorf("CSV rows carry the team name on every row; last row %q", last)
		}
		if got := recs[4][9]; got != "1. Peng Zhigang (彭志刚) +86 138 0000 0005; 2. Wang Haiyan (王海燕) +86 138 0000 0003" {
			t.Errorf("deputies %q", got)
		}
	})
}

func TestTemplates(t *testing.T) {
	for _, tc := range []struct {
		write func(*bytes.Buffer, orgio.Format, i18n.Lang) error
		lang  i18n.Lang
		first string
	}{
		{func(b *bytes.Buffer, f orgio.Format, l i18n.Lang) error { return orgio.WritePeopleTemplate(b, f, l) }, i18n.ZH, "工号,姓名,英文名"},
		{func(b *bytes.Buffer, f orgio.Format, l i18n.Lang) error { return orgio.WritePeopleTemplate(b, f, l) }, i18n.EN, "employee_no,name,name_en"},
		{func(b *bytes.Buffer, f orgio.Format, l i18n.Lang) error { return orgio.WriteUnitsTemplate(b, f, l) }, i18n.ZH, "编码,名称,英文名称,类型,上级"},
		{func(b *bytes.Buffer, f orgio.Format, l i18n.Lang) error { return orgio.WriteUnitsTemplate(b, f, l) }, i18n.EN, "code,name,name_en,kind,parent"},
	} {
		var c bytes.Buffer
		if err := tc.write(&c, orgio.FormatCSV, tc.lang); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(c.Bytes(), []byte("\xEF\xBB\xBF"+tc.first)) {
			t.Errorf("%s CSV template starts %q, want BOM + %q", tc.lang, c.String(), tc.first)
		}
		var x bytes.Buffer
		if err := tc.write(&x, orgio.FormatXLSX, tc.lang); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&x)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || !strings.HasPrefix(strings.Join(rows[0], ","), tc.first) {
			t.Errorf("%s XLSX template rows %q, want only the header %q…", tc.lang, rows, tc.first)
		}
		if len(f.GetSheetList()) != 2 {
			t.Errorf("%s XLSX template sheets %q, want data and instructions", tc.lang, f.GetSheetList())
		}
		f.Close()
	}
}
