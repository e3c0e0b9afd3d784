package orgio

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
)

// utf8BOM makes Excel open a CSV file as UTF-8; without it, Excel on a
// Chinese Windows reads the file as GBK and shows mojibake.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// bilingual is a label in both languages, for what the shared catalog does
// not hold (it covers UI words; these are document words).
type bilingual struct{ zh, en string }

func (b bilingual) in(lang i18n.Lang) string {
	if lang == i18n.ZH {
		return b.zh
	}
	return b.en
}

// WritePeopleTemplate writes an empty people import file: the header row in
// the chosen language and, in XLSX, a second sheet explaining each column.
func WritePeopleTemplate(w io.Writer, f Format, lang i18n.Lang) error {
	return writeTemplate(w, f, lang, peopleColumns, bilingual{"人员", "People"}, map[string][]string{
		"active": {bilingual{"是", "yes"}.in(lang), bilingual{"否", "no"}.in(lang)},
	})
}

// WriteUnitsTemplate writes an empty org unit import file, like
// WritePeopleTemplate.
func WriteUnitsTemplate(w io.Writer, f Format, lang i18n.Lang) error {
	kinds := make([]string, len(org.UnitKinds))
	for i, k := range org.UnitKinds {
		kinds[i] = string(k)
		if lang == i18n.ZH {
			kinds[i] = i18n.T(lang, "org_kind."+string(k))
		}
	}
	return writeTemplate(w, f, lang, unitColumns, bilingual{"组织", "Org units"}, map[string][]string{"kind": kinds})
}

func writeTemplate(w io.Writer, f Format, lang i18n.Lang, cols []column, sheet bilingual, lists map[string][]string) error {
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Header(lang)
	}
	switch f {
	case FormatCSV:
		return writeCSV(w, [][]string{header})
	case FormatXLSX:
	default:
		return fmt.Errorf("orgio: unsupported format %q", f)
	}
	x := excelize.NewFile()
	defer x.Close()
	name := sheet.in(lang)
	if err := x.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	headStyle, err := x.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
		Border:    borders("#9BC2E6"),
	})
	if err != nil {
		return err
	}
	reqStyle, err := x.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "#C00000"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
		Border:    borders("#9BC2E6"),
	})
	if err != nil {
		return err
	}
	// "@" keeps long digit strings (phone numbers, employee numbers) as
	// text instead of 1.38E+10.
	textStyle, err := x.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	const lastRow = 10001
	for i, c := range cols {
		col := colName(i)
		cell := col + "1"
		if err := x.SetCellStr(name, cell, c.Header(lang)); err != nil {
			return err
		}
		style := headStyle
		if c.Required {
			style = reqStyle
		}
		if err := x.SetCellStyle(name, cell, cell, style); err != nil {
			return err
		}
		if err := x.SetColWidth(name, col, col, c.Width); err != nil {
			return err
		}
		if c.Text {
			if err := x.SetCellStyle(name, col+"2", col+strconv.Itoa(lastRow), textStyle); err != nil {
				return err
			}
		}
		if items, ok := lists[c.Key]; ok {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, lastRow)
			if err := dv.SetDropList(items); err != nil {
				return err
			}
			if err := x.AddDataValidation(name, dv); err != nil {
				return err
			}
		}
	}
	if err := x.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := writeInstructions(x, lang, cols); err != nil {
		return err
	}
	x.SetActiveSheet(0)
	return x.Write(w)
}

// writeInstructions adds the sheet that explains the columns; imports read
// only the first sheet, so it can stay in the file.
func writeInstructions(x *excelize.File, lang i18n.Lang, cols []column) error {
	name := bilingual{"填写说明", "Instructions"}.in(lang)
	if _, err := x.NewSheet(name); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	notes := []bilingual{
		{"导入规则：只读取第一个工作表；第 1 行为列标题，列标题可用中文或英文，不区分大小写和空格，列的顺序不限。",
			"Only the first sheet is read. Row 1 holds the column headers, in Chinese or English, in any order; case and spaces do not matter."},
		{"整批导入：先检查全部行，任何一行有误则全部不保存，并按行号列出所有问题；改正后重新导入即可。",
			"All or nothing: every row is checked first. If any row has a problem nothing is stored, and every problem is listed with its row number; fix them and import again."},
		{"完全空白的行会被跳过。每次最多 100,000 行。",
			"Entirely blank rows are skipped. At most 100,000 rows per file."},
	}
	row := 1
	for _, n := range notes {
		cell := "A" + strconv.Itoa(row)
		if err := x.SetCellStr(name, cell, n.in(lang)); err != nil {
			return err
		}
		if err := x.MergeCell(name, cell, "E"+strconv.Itoa(row)); err != nil {
			return err
		}
		if err := x.SetCellStyle(name, cell, cell, wrap); err != nil {
			return err
		}
		if err := x.SetRowHeight(name, row, 32); err != nil {
			return err
		}
		row++
	}
	row++
	head := []bilingual{{"列标题", "Column"}, {"另一语言的列标题", "Also accepted"}, {"必填", "Required"}, {"说明", "Description"}, {"示例", "Example"}}
	for i, hd := range head {
		cell := colName(i) + strconv.Itoa(row)
		if err := x.SetCellStr(name, cell, hd.in(lang)); err != nil {
			return err
		}
		if err := x.SetCellStyle(name, cell, cell, bold); err != nil {
			return err
		}
	}
	for _, c := range cols {
		row++
		other, help := c.ZH, c.Help
		if lang == i18n.ZH {
			other, help = c.Key, c.HelpZH
		}
		req := ""
		if c.Required {
			req = bilingual{"是", "yes"}.in(lang)
		}
		vals := []string{c.Header(lang), other, req, help, c.Example}
		for i, v := range vals {
			cell := colName(i) + strconv.Itoa(row)
			if err := x.SetCellStr(name, cell, v); err != nil {
				return err
			}
			if err := x.SetCellStyle(name, cell, cell, wrap); err != nil {
				return err
			}
		}
	}
	for i, wd := range []float64{16, 16, 8, 70, 28} {
		if err := x.SetColWidth(name, colName(i), colName(i), wd); err != nil {
			return err
		}
	}
	return nil
}

func borders(color string) []excelize.Border {
	return []excelize.Border{
		{Type: "left", Color: color, Style: 1}, {Type: "right", Color: color, Style: 1},
		{Type: "top", Color: color, Style: 1}, {Type: "bottom", Color: color, Style: 1},
	}
}

func writeCSV(w io.Writer, rows [][]string) error {
	if _, err := w.Write(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	// CRLF is what Excel writes and expects.
	cw.UseCRLF = true
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// contactListColumns are the columns of the emergency contact list.
var contactListColumns = []struct {
	label bilingual
	width float64
}{
	{bilingual{"应急组织", "Team"}, 20},
	{bilingual{"组内职务", "Role"}, 10},
	{bilingual{"姓名", "Name"}, 14},
	{bilingual{"职务", "Title"}, 18},
	{bilingual{"部门", "Unit"}, 16},
	{bilingual{"手机", "Mobile"}, 18},
	{bilingual{"办公电话", "Phone"}, 17},
	{bilingual{"电子邮箱", "Email"}, 30},
	{bilingual{"即时通讯", "IM"}, 22},
	{bilingual{"代理人（按顺序）", "Deputies (in order)"}, 36},
}

// contactCells returns the cells of one contact-list row; deputies are one
// per line, numbered in the order they are called.
func contactCells(r org.ContactRow, lang i18n.Lang, deputySep string) []string {
	en := lang != i18n.ZH
	h := r.Holder
	deputies := make([]string, len(r.Deputies))
	for i, d := range r.Deputies {
		s := fmt.Sprintf("%d. %s", i+1, personName(d, lang))
		if reach := firstOf(d.Mobile, d.Phone); reach != "" {
			s += " " + reach
		}
		deputies[i] = s
	}
	return []string{
		pick(en, r.Team, r.TeamEn),
		i18n.T(lang, "team_role."+string(r.Role)),
		personName(h, lang),
		pick(en, h.Title, h.TitleEn),
		pick(en, h.Unit, h.UnitEn),
		h.Mobile,
		h.Phone,
		h.Email,
		h.IM,
		strings.Join(deputies, deputySep),
	}
}

// personName shows the English name with the Chinese one beside it in an
// English list: in a crisis, colleagues know each other by either.
func personName(e org.ContactEntry, lang i18n.Lang) string {
	if lang == i18n.ZH || e.NameEn == "" || e.NameEn == e.Name {
		return e.Name
	}
	if e.Name == "" {
		return e.NameEn
	}
	return e.NameEn + " (" + e.Name + ")"
}

func pick(en bool, zh, english string) string {
	if en && english != "" {
		return english
	}
	return zh
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// WriteContactList writes the emergency contact list (应急联络一览表): one
// row per seat, grouped by team in order of authority, with the ways to
// reach the holder and their deputies in order. The XLSX version is laid
// out for printing on A4 landscape; the CSV version is UTF-8 with a BOM.
func WriteContactList(w io.Writer, f Format, rows []org.ContactRow, lang i18n.Lang) error {
	header := make([]string, len(contactListColumns))
	for i, c := range contactListColumns {
		header[i] = c.label.in(lang)
	}
	switch f {
	case FormatCSV:
		out := make([][]string, 0, len(rows)+1)
		out = append(out, header)
		for _, r := range rows {
			out = append(out, contactCells(r, lang, "; "))
		}
		return writeCSV(w, out)
	case FormatXLSX:
		return writeContactListXLSX(w, rows, lang, header)
	default:
		return fmt.Errorf("orgio: unsupported format %q", f)
	}
}

func writeContactListXLSX(w io.Writer, rows []org.ContactRow, lang i18n.Lang, header []string) error {
	x := excelize.NewFile()
	defer x.Close()
	title := i18n.T(lang, "contacts.title")
	sheet := title
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	last := colName(len(header) - 1)
	const border = "#808080"
	titleStyle, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	noteStyle, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Size: 9, Color: "#595959"}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return err
	}
	headStyle, err := x.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#D9D9D9"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    borders(border),
	})
	if err != nil {
		return err
	}
	cellStyle, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: borders(border), NumFmt: 49})
	if err != nil {
		return err
	}
	teamStyle, err := x.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#F2F2F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    borders(border),
	})
	if err != nil {
		return err
	}

	if err := x.SetCellStr(sheet, "A1", title); err != nil {
		return err
	}
	if err := x.MergeCell(sheet, "A1", last+"1"); err != nil {
		return err
	}
	if err := x.SetCellStyle(sheet, "A1", last+"1", titleStyle); err != nil {
		return err
	}
	if err := x.SetRowHeight(sheet, 1, 28); err != nil {
		return err
	}
	if err := x.SetCellStr(sheet, "A2", i18n.T(lang, "contacts.confidential")); err != nil {
		return err
	}
	if err := x.MergeCell(sheet, "A2", last+"2"); err != nil {
		return err
	}
	if err := x.SetCellStyle(sheet, "A2", last+"2", noteStyle); err != nil {
		return err
	}
	const headRow = 3
	if err := x.SetSheetRow(sheet, "A3", &header); err != nil {
		return err
	}
	if err := x.SetCellStyle(sheet, "A3", last+"3", headStyle); err != nil {
		return err
	}
	if err := x.SetRowHeight(sheet, headRow, 22); err != nil {
		return err
	}
	for i, c := range contactListColumns {
		if err := x.SetColWidth(sheet, colName(i), colName(i), c.width); err != nil {
			return err
		}
	}

	line := headRow
	groupStart := 0
	flush := func(end int) error {
		// One merged team cell per team: the list reads as groups on paper.
		if groupStart == 0 {
			return nil
		}
		if end > groupStart {
			if err := x.MergeCell(sheet, "A"+strconv.Itoa(groupStart), "A"+strconv.Itoa(end)); err != nil {
				return err
			}
		}
		return x.SetCellStyle(sheet, "A"+strconv.Itoa(groupStart), "A"+strconv.Itoa(end), teamStyle)
	}
	for i, r := range rows {
		line++
		cells := contactCells(r, lang, "\n")
		newTeam := i == 0 || rows[i-1].TeamID != r.TeamID
		if newTeam {
			if err := flush(line - 1); err != nil {
				return err
			}
			groupStart = line
		} else {
			cells[0] = ""
		}
		for j, v := range cells {
			if err := x.SetCellStr(sheet, colName(j)+strconv.Itoa(line), v); err != nil {
				return err
			}
		}
		if err := x.SetCellStyle(sheet, "B"+strconv.Itoa(line), last+strconv.Itoa(line), cellStyle); err != nil {
			return err
		}
		// Excel does not grow rows for wrapped text in a generated file.
		lines := max(1, len(r.Deputies))
		if err := x.SetRowHeight(sheet, line, float64(15*lines+4)); err != nil {
			return err
		}
	}
	if err := flush(line); err != nil {
		return err
	}

	if err := x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: "A" + strconv.Itoa(headRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	// Print: A4 landscape, all columns on one page width, the header row
	// repeated on every page, page numbers in the footer.
	a4, landscape, one, auto := 9, "landscape", 1, 0
	if err := x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &auto}); err != nil {
		return err
	}
	fit := true
	if err := x.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	margin, edge := 0.5, 0.3
	if err := x.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &margin, Right: &margin, Top: &margin, Bottom: &margin, Header: &edge, Footer: &edge, Horizontally: &fit}); err != nil {
		return err
	}
	if err := x.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&L" + escapeHF(title) + "&R&P / &N"}); err != nil {
		return err
	}
	if err := x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sheet, headRow, headRow), Scope: sheet}); err != nil {
		return err
	}
	if err := x.SetDocProps(&excelize.DocProperties{Title: title, Creator: "Continuo"}); err != nil {
		return err
	}
	return x.Write(w)
}

// escapeHF escapes the control character of Excel header/footer codes.
func escapeHF(s string) string { return strings.ReplaceAll(s, "&", "&&") }
