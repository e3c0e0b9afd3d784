package riskio

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// Directory names the units and people risks refer to, for the export.
type Directory struct {
	units  orgio.UnitIndex
	people map[int64]org.Person
}

// LoadDirectory reads the org units and people through the risk service.
func LoadDirectory(ctx context.Context, svc *risk.Service) (*Directory, error) {
	units, people, err := svc.Directory(ctx)
	if err != nil {
		return nil, err
	}
	d := &Directory{units: orgio.NewUnitIndex(units), people: make(map[int64]org.Person, len(people))}
	for _, p := range people {
		d.people[p.ID] = p
	}
	return d, nil
}

// unit names a unit by its code when it has one (short and unique, and
// what the import reads first), else by its path of names.
func (d *Directory) unit(id int64) string {
	if u, ok := d.units.Unit(id); ok && u.Code != "" {
		return u.Code
	}
	return d.units.Display(id)
}

// person names a person as "employee-number name", which the import reads
// back, or by name alone when they have no number.
func (d *Directory) person(id *int64) string {
	if id == nil {
		return ""
	}
	p, ok := d.people[*id]
	if !ok {
		return strconv.FormatInt(*id, 10)
	}
	if p.EmployeeNo == "" {
		return p.Name
	}
	return p.EmployeeNo + " " + p.Name
}

// exportColumns are the columns of an exported register, in order.
var exportColumns = []string{"code", "title", "title_en", "category", "unit", "owner", "cause", "consequence", "controls", "treatment", "actions",
	"status", "review_date", "matrix", "inherent_likelihood", "inherent_impact", "inherent_score", "inherent_level",
	"residual_likelihood", "residual_impact", "residual_score", "residual_level", "level"}

func columnByKey(key string) orgio.Column {
	for _, c := range readColumns {
		if c.Key == key {
			return c
		}
	}
	panic("riskio: no column " + key)
}

// record is one risk as the cells of an exported row.
func record(r *risk.Risk, d *Directory, lang i18n.Lang) []string {
	matrix := ""
	if r.Inherent != nil {
		matrix = r.Inherent.MatrixID
	}
	rating := func(rt *risk.Rating) []string {
		if rt == nil {
			return []string{"", "", "", ""}
		}
		return []string{strconv.Itoa(rt.Likelihood), strconv.Itoa(rt.Impact), strconv.Itoa(rt.Score), levelLabel(lang, rt.Level)}
	}
	out := []string{r.Code, r.Title, r.TitleEn, label(lang, "category", string(r.Category)), d.unit(r.UnitID), d.person(r.OwnerID),
		r.Cause, r.Consequence, r.Controls, label(lang, "treatment", string(r.Treatment)), actionsText(r.Actions, d, lang),
		label(lang, "status", string(r.Status)), r.ReviewDate, matrix}
	out = append(out, rating(r.Inherent)...)
	out = append(out, rating(r.Residual)...)
	return append(out, levelLabel(lang, r.Level))
}

// actionsText writes the treatment actions one a line:
// "description (owner, due 2026-04-15, done)".
func actionsText(as []risk.Action, d *Directory, lang i18n.Lang) string {
	lines := make([]string, 0, len(as))
	for _, a := range as {
		var notes []string
		if a.OwnerID != nil {
			if p, ok := d.people[*a.OwnerID]; ok {
				notes = append(notes, p.Name)
			}
		}
		if a.Due != "" {
			notes = append(notes, i18n.T(lang, "riskio.action.due", a.Due))
		}
		if a.Done {
			notes = append(notes, i18n.T(lang, "riskio.action.done"))
		}
		s := a.Description
		if len(notes) > 0 {
			s += " (" + strings.Join(notes, ", ") + ")"
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}

// Export writes the risks, in the order given, as a spreadsheet with the
// headers and labels in lang. The file can be imported again: the import
// recognises every column and applies those it can.
func Export(w io.Writer, f orgio.Format, risks []risk.Risk, d *Directory, lang i18n.Lang) error {
	header := make([]string, len(exportColumns))
	for i, k := range exportColumns {
		header[i] = columnByKey(k).Header(lang)
	}
	switch f {
	case orgio.FormatCSV:
		rows := make([][]string, 0, len(risks)+1)
		rows = append(rows, header)
		for i := range risks {
			rows = append(rows, record(&risks[i], d, lang))
		}
		return orgio.WriteCSV(w, rows)
	case orgio.FormatXLSX:
	default:
		return fmt.Errorf("riskio: unsupported format %q", f)
	}
	x := excelize.NewFile()
	defer x.Close()
	name := i18n.T(lang, "riskio.sheet.register")
	if err := x.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(name)
	if err != nil {
		return err
	}
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	// The level cells take the colour of their level, as on the heatmap.
	levelStyle := map[string]int{}
	for _, l := range risk.Levels {
		color := map[risk.Level]string{risk.Low: risk.ColorLow, risk.Medium: risk.ColorMedium, risk.High: risk.ColorHigh, risk.Critical: risk.ColorCritical}[l]
		font := "#FFFFFF"
		if l == risk.Medium {
			font = "#000000"
		}
		id, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: font},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}})
		if err != nil {
			return err
		}
		levelStyle[levelLabel(lang, l)] = id
	}
	for i, k := range exportColumns {
		if err := sw.SetColWidth(i+1, i+1, columnByKey(k).Width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	isLevel := map[int]bool{}
	isNumber := map[int]bool{}
	for i, k := range exportColumns {
		isLevel[i] = strings.HasSuffix(k, "level")
		isNumber[i] = strings.HasSuffix(k, "_likelihood") || strings.HasSuffix(k, "_impact") || strings.HasSuffix(k, "_score")
	}
	for n := range risks {
		rec := record(&risks[n], d, lang)
		row := make([]any, len(rec))
		for i, v := range rec {
			switch {
			case isLevel[i] && v != "":
				row[i] = excelize.Cell{StyleID: levelStyle[v], Value: v}
			case isNumber[i] && v != "":
				num, _ := strconv.Atoi(v)
				row[i] = num
			default:
				row[i] = excelize.Cell{StyleID: wrap, Value: v}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

// WriteTemplate writes an empty import file: the header row in lang, with
// drop-down lists of categories, treatments, statuses and matrices in
// XLSX, and a second sheet explaining each column.
func WriteTemplate(w io.Writer, f orgio.Format, lang i18n.Lang) error {
	list := func(group string, values ...string) []string {
		out := make([]string, len(values))
		for i, v := range values {
			out[i] = label(lang, group, v)
		}
		return out
	}
	return orgio.WriteTemplate(w, f, lang, importColumns, i18n.T(i18n.ZH, "riskio.sheet.register"), i18n.T(i18n.EN, "riskio.sheet.register"),
		map[string][]string{
			"category":  list("category", strs(risk.Categories)...),
			"treatment": list("treatment", strs(risk.Strategies)...),
			"status":    list("status", strs(risk.Statuses)...),
			"matrix":    {"3x3", "4x4", "5x5"},
		})
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
