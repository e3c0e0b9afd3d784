package riskio

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Result says what an import stored.
type Result struct {
	Imported int `json:"imported"` // rows stored: Created + Updated
	Created  int `json:"created"`
	Updated  int `json:"updated"`
	Assessed int `json:"assessed"` // ratings recorded (inherent and residual)
}

// rating is a checked rating of a row, to record after the risk is stored.
type rating struct {
	kind       risk.Kind
	matrix     string
	likelihood int
	impact     int
}

// riskRow is a checked row, ready to store.
type riskRow struct {
	line     int
	risk     risk.Risk
	existing bool
	unit     string // the unit as displayed, for messages
	ratings  []rating
}

// Import creates and updates risks from a spreadsheet. A row whose code is
// already stored updates that risk: the columns present in the file
// replace the stored values (an empty cell clears an optional field),
// columns absent from the file keep them. Ratings in the row that differ
// from the risk's current ones are recorded as new assessments, so that
// importing the same file twice adds nothing to the history. Every row is
// checked before anything is stored; any problem rolls everything back and
// is reported as "row N.column".
func Import(ctx context.Context, svc *risk.Service, t tx.Runner, r io.Reader, f orgio.Format) (Result, error) {
	principal, err := orgio.Importer(ctx, authz.RiskWrite)
	if err != nil {
		return Result{}, err
	}
	var pr orgio.Problems
	sheet, err := orgio.ReadSheet(r, f, readColumns, &pr)
	if err != nil {
		return Result{}, err
	}
	for _, c := range importColumns {
		if c.Required && !sheet.Has(c.Key) {
			return Result{}, pr.Err()
		}
	}
	var res Result
	err = t.InTx(ctx, func(ctx context.Context) error {
		rows, err := check(ctx, svc, principal, sheet, &pr)
		if err != nil {
			return err
		}
		if !pr.Empty() {
			return pr.Err()
		}
		items := make([]risk.ImportItem, len(rows))
		for i, row := range rows {
			items[i] = risk.ImportItem{Risk: row.risk}
			for _, rt := range row.ratings {
				items[i].Ratings = append(items[i].Ratings, risk.Assessment{MatrixID: rt.matrix, Kind: rt.kind, Likelihood: rt.likelihood,
					Impact: rt.impact, Note: "import"})
			}
		}
		if err := svc.ImportRisks(ctx, items); err != nil {
			return itemProblems(err, rows, &pr)
		}
		res = Result{}
		for i, row := range rows {
			if row.existing {
				res.Updated++
			} else {
				res.Created++
			}
			res.Assessed += len(items[i].Ratings)
		}
		res.Imported = res.Created + res.Updated
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

var itemFieldRe = regexp.MustCompile(`^items\[(\d+)\]\.(.*)$`)

// itemProblems turns the item fields of an error of the risk service
// ("items[3].owner_id") into row problems ("row 5.owner"); an error that
// names no item is returned as it is.
func itemProblems(err error, rows []riskRow, pr *orgio.Problems) error {
	fields := errs.FieldsOf(err)
	if len(fields) == 0 {
		return err
	}
	for _, fe := range fields {
		m := itemFieldRe.FindStringSubmatch(fe.Field)
		if m == nil {
			return err
		}
		i, _ := strconv.Atoi(m[1])
		if i >= len(rows) {
			return err
		}
		prefix := "inherent_"
		if rs := rows[i].ratings; len(rs) > 0 {
			prefix = string(rs[len(rs)-1].kind) + "_"
		}
		pr.Add(rows[i].line, fieldOf(prefix)(m[2]), "%s", fe.Message)
	}
	return pr.Err()
}

// fieldOf maps the fields of risk and assessment errors to the columns of
// the file; prefix is "inherent_" or "residual_" for assessment errors.
func fieldOf(prefix string) func(string) string {
	return func(f string) string {
		switch f {
		case "unit_id":
			return "unit"
		case "owner_id":
			return "owner"
		case "likelihood", "impact":
			return prefix + f
		case "matrix_id":
			return "matrix"
		case "kind":
			return prefix + "likelihood"
		}
		if strings.HasPrefix(f, "actions[") {
			return "actions"
		}
		return f
	}
}

// check turns the rows into risks and ratings, resolving units, people,
// matrices and stored risks, and records every problem.
func check(ctx context.Context, svc *risk.Service, principal authz.Principal, s *orgio.Sheet, pr *orgio.Problems) ([]riskRow, error) {
	units, people, err := svc.Directory(ctx)
	if err != nil {
		return nil, err
	}
	ux := orgio.NewUnitIndex(units)
	px := newPersonIndex(people)
	matrices, err := svc.Matrices(ctx)
	if err != nil {
		return nil, err
	}
	var codes []string
	for i := range s.Len() {
		if code := s.Cell(i, "code"); code != "" {
			codes = append(codes, code)
		}
	}
	stored, err := svc.RisksByCode(ctx, codes)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	rows := make([]riskRow, 0, s.Len())
	for i := range s.Len() {
		line := s.Line(i)
		row := riskRow{line: line}
		rk := &row.risk
		if code := s.Cell(i, "code"); code != "" {
			if first, dup := seen[orgio.NameKey(code)]; dup {
				pr.Add(line, "code", "code “%s” is also on row %d", code, first)
			} else {
				seen[orgio.NameKey(code)] = line
			}
			if old, ok := stored[code]; ok {
				row.existing = true
				*rk = old
			}
			rk.Code = code
		}
		rk.Title = s.Cell(i, "title")
		if rk.Title == "" {
			pr.Add(line, "title", "is required")
		}
		for _, t := range []struct {
			key string
			dst *string
		}{{"title_en", &rk.TitleEn}, {"cause", &rk.Cause}, {"consequence", &rk.Consequence}, {"controls", &rk.Controls}} {
			if s.Has(t.key) {
				*t.dst = s.Cell(i, t.key)
			}
		}
		if v := s.Cell(i, "category"); v == "" {
			pr.Add(line, "category", "is required")
		} else if c, ok := categoryLabels.parse(v); ok {
			rk.Category = c
		} else {
			pr.Add(line, "category", "unknown category “%s”; use one of %s", v, categoryList())
			rk.Category = risk.Other // reported; keeps Validate from repeating it
		}

		if v := s.Cell(i, "unit"); v == "" {
			pr.Add(line, "unit", "is required")
		} else if u, why := ux.Resolve(v); why != "" {
			pr.Add(line, "unit", "%s", why)
		} else {
			row.unit = ux.Display(u.ID)
			if !principal.On(authz.RiskWrite, u.Path) {
				pr.Add(line, "unit", "you may not add or change risks of “%s”", row.unit)
			} else if row.existing && rk.UnitID != u.ID {
				if old, ok := ux.Unit(rk.UnitID); ok && !principal.On(authz.RiskWrite, old.Path) {
					pr.Add(line, "unit", "you may not move risks out of “%s”", ux.Display(old.ID))
				}
			}
			rk.UnitID = u.ID
		}

		if s.Has("owner") {
			if v := s.Cell(i, "owner"); v == "" {
				rk.OwnerID = nil
			} else if p, why := px.resolve(v); why != "" {
				pr.Add(line, "owner", "%s", why)
			} else {
				id := p.ID
				rk.OwnerID = &id
			}
		}
		if s.Has("treatment") {
			if v := s.Cell(i, "treatment"); v == "" {
				rk.Treatment = ""
			} else if t, ok := treatmentLabels.parse(v); ok {
				rk.Treatment = t
			} else {
				pr.Add(line, "treatment", "“%s” is not avoid, reduce, transfer or accept (规避/降低/转移/接受)", v)
			}
		}
		if v := s.Cell(i, "status"); v != "" {
			if st, ok := statusLabels.parse(v); ok {
				rk.Status = st
			} else {
				pr.Add(line, "status", "“%s” is not open, treated, accepted or closed (待处置/已处置/已接受/已关闭)", v)
				rk.Status = risk.StatusOpen
			}
		}
		if s.Has("review_date") {
			if v := s.Cell(i, "review_date"); v == "" {
				rk.ReviewDate = ""
			} else if d, ok := parseDate(v); ok {
				rk.ReviewDate = d
			} else {
				pr.Add(line, "review_date", "“%s” is not a date; write it as YYYY-MM-DD", v)
			}
		}
		row.ratings = checkRatings(s, i, line, rk, matrices, pr)

		if err := rk.Validate(); err != nil {
			for _, fe := range errs.FieldsOf(err) {
				field := fieldOf("")(fe.Field)
				if (field == "title" && rk.Title == "") || (field == "unit" && rk.UnitID == 0) {
					continue // already reported above
				}
				pr.Add(line, field, "%s", fe.Message)
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// checkRatings reads the matrix and the inherent and residual ratings of
// a row and returns those that differ from the risk's current ones.
func checkRatings(s *orgio.Sheet, i, line int, rk *risk.Risk, matrices []risk.Matrix, pr *orgio.Problems) []rating {
	cells := map[string]string{}
	filled := false
	for _, k := range []string{"inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact"} {
		cells[k] = s.Cell(i, k)
		filled = filled || cells[k] != ""
	}
	if !filled {
		return nil
	}
	var m *risk.Matrix
	if v := s.Cell(i, "matrix"); v != "" {
		for j := range matrices {
			x := &matrices[j]
			if k := orgio.NormHeader(v); k == orgio.NormHeader(x.ID) || k == orgio.NormHeader(x.Name) || k == orgio.NormHeader(x.NameEn) ||
				k == orgio.NormHeader(strings.ReplaceAll(x.ID, "x", "×")) {
				m = x
			}
		}
		if m == nil {
			ids := make([]string, len(matrices))
			for j, x := range matrices {
				ids[j] = x.ID
			}
			pr.Add(line, "matrix", "no matrix “%s”; use one of %s", v, strings.Join(ids, ", "))
			return nil
		}
	} else if rk.Inherent != nil {
		for j := range matrices {
			if matrices[j].ID == rk.Inherent.MatrixID {
				m = &matrices[j]
			}
		}
	}
	if m == nil {
		pr.Add(line, "matrix", "is required with ratings (3x3, 4x4 or 5x5)")
		return nil
	}
	var out []rating
	inherentOK := rk.Inherent != nil && rk.Inherent.MatrixID == m.ID
	for _, kind := range []risk.Kind{risk.Inherent, risk.Residual} {
		lk, ik := string(kind)+"_likelihood", string(kind)+"_impact"
		lv, iv := cells[lk], cells[ik]
		if lv == "" && iv == "" {
			continue
		}
		if lv == "" || iv == "" {
			missing := lk
			if iv == "" {
				missing = ik
			}
			pr.Add(line, missing, "is required with %s", map[bool]string{true: ik, false: lk}[iv != ""])
			continue
		}
		l, lok := scaleValue(lv, m.Likelihood)
		im, iok := scaleValue(iv, m.Impact)
		if !lok {
			pr.Add(line, lk, "“%s” is not a value of the likelihood scale of matrix %s", lv, m.ID)
		}
		if !iok {
			pr.Add(line, ik, "“%s” is not a value of the impact scale of matrix %s", iv, m.ID)
		}
		if !lok || !iok {
			continue
		}
		if _, _, err := m.Rate(l, im); err != nil {
			for _, fe := range errs.FieldsOf(err) {
				pr.Add(line, string(kind)+"_"+fe.Field, "%s", fe.Message)
			}
			continue
		}
		cur := rk.Inherent
		if kind == risk.Residual {
			cur = rk.Residual
			if !inherentOK {
				pr.Add(line, lk, "a residual rating needs an inherent rating on matrix %s", m.ID)
				continue
			}
		}
		if kind == risk.Inherent {
			inherentOK = true
		}
		if cur != nil && cur.MatrixID == m.ID && cur.Likelihood == l && cur.Impact == im {
			continue
		}
		out = append(out, rating{kind: kind, matrix: m.ID, likelihood: l, impact: im})
	}
	return out
}

func categoryList() string {
	parts := make([]string, len(risk.Categories))
	for i, c := range risk.Categories {
		parts[i] = string(c) + "/" + label(i18n.ZH, "category", string(c))
	}
	return strings.Join(parts, ", ")
}

var (
	dateRe   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
	serialRe = regexp.MustCompile(`^\d{5}(\.0+)?$`)
)

// parseDate reads the dates spreadsheets hold: 2026-06-30, 2026/6/30,
// 2026.6.30, 2026年6月30日, and the serial numbers of date cells.
func parseDate(s string) (string, bool) {
	if m := dateRe.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
			return "", false
		}
		return t.Format(risk.DateLayout), true
	}
	if serialRe.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return "", false
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return "", false
		}
		return t.Format(risk.DateLayout), true
	}
	return "", false
}

// personIndex finds people by employee number or name.
type personIndex struct {
	byNo   map[string]org.Person
	byName map[string][]org.Person
}

func newPersonIndex(people []org.Person) *personIndex {
	x := &personIndex{byNo: map[string]org.Person{}, byName: map[string][]org.Person{}}
	for _, p := range people {
		if p.EmployeeNo != "" {
			x.byNo[orgio.NameKey(p.EmployeeNo)] = p
		}
		for _, n := range []string{p.Name, p.NameEn} {
			if k := orgio.NameKey(n); k != "" {
				if l := x.byName[k]; len(l) == 0 || l[len(l)-1].ID != p.ID {
					x.byName[k] = append(l, p)
				}
			}
		}
	}
	return x
}

// resolve finds the person named by v: an employee number, a unique name,
// or "number name" as the export writes it.
func (x *personIndex) resolve(v string) (org.Person, string) {
	v = orgio.CleanNumber(v)
	if p, ok := x.byNo[orgio.NameKey(v)]; ok {
		return p, ""
	}
	switch ps := x.byName[orgio.NameKey(v)]; len(ps) {
	case 1:
		return ps[0], ""
	case 0:
	default:
		nos := make([]string, 0, len(ps))
		for _, p := range ps {
			nos = append(nos, p.EmployeeNo)
		}
		return org.Person{}, fmt.Sprintf("“%s” matches %d people (employee numbers %s); use the employee number", v, len(ps), strings.Join(nos, ", "))
	}
	if no, _, ok := strings.Cut(v, " "); ok {
		if p, ok := x.byNo[orgio.NameKey(no)]; ok {
			return p, ""
		}
	}
	return org.Person{}, fmt.Sprintf("no person with employee number or name “%s”", v)
}
