package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
)

// biaImpactCell is one rating of the impact grid: a category at a time
// point.
type biaImpactCell struct {
	After      int
	Name       string // form field of the level
	Level      string
	LevelN     int    // the level as a number, 0 when not rated
	AmountName string // form field of the amount (financial only)
	Amount     string
}

// biaImpactRow is one category of the impact grid.
type biaImpactRow struct {
	Category bia.Category
	Cells    []biaImpactCell
}

// biaValuesForm is the part of the process form and of the questionnaire
// that holds the BIA values, as typed.
type biaValuesForm struct {
	TimePoints   []int
	Rows         []biaImpactRow
	Currency     string
	Intolerable  int
	MTPD         string
	DerivedMTPD  *int // the MTPD the current impacts give, shown as a hint
	RTO          string
	RPO          string
	MBCO         string
	PeakPeriods  string
	MinStaff     string
	MinResources string
}

// biaValueFields are the fields of the values part, for placing errors.
var biaValueFields = []string{"impacts", "mtpd_minutes", "rto_minutes", "rpo_minutes", "mbco", "peak_periods", "min_staff", "min_resources"}

func impactField(c bia.Category, t int) string { return "impact_" + string(c) + "_" + strconv.Itoa(t) }

// valuesForm lays out values on the settings' grid.
func valuesForm(st bia.Settings, x bia.Values) biaValuesForm {
	f := biaValuesForm{TimePoints: st.TimePoints, Currency: st.Currency, Intolerable: st.Intolerable,
		RTO: durationInput(x.RTOMinutes), RPO: durationInput(x.RPOMinutes), MBCO: x.MBCO, PeakPeriods: x.PeakPeriods,
		MinResources: x.MinResources}
	if x.RPOMinutes != nil && *x.RPOMinutes == 0 {
		f.RPO = "0"
	}
	if !x.MTPDDerived {
		f.MTPD = durationInput(x.MTPDMinutes)
	} else {
		f.DerivedMTPD = x.MTPDMinutes
	}
	if x.MinStaff != nil {
		f.MinStaff = strconv.Itoa(*x.MinStaff)
	}
	at := map[string]bia.ImpactPoint{}
	for _, p := range x.Impacts {
		at[impactField(p.Category, p.AfterMinutes)] = p
	}
	for _, c := range bia.Categories {
		row := biaImpactRow{Category: c}
		for _, t := range st.TimePoints {
			name := impactField(c, t)
			cell := biaImpactCell{After: t, Name: name}
			if p, ok := at[name]; ok {
				cell.Level, cell.LevelN = strconv.Itoa(p.Level), p.Level
				if p.Amount != nil {
					cell.Amount = strconv.FormatFloat(*p.Amount, 'f', -1, 64)
				}
			}
			if c == bia.Financial {
				cell.AmountName = name + "_amount"
			}
			row.Cells = append(row.Cells, cell)
		}
		f.Rows = append(f.Rows, row)
	}
	return f
}

// readValues reads the values part of a posted form: the form as typed,
// the values, and the mistakes found before the service sees them.
func readValues(r *http.Request, st bia.Settings) (biaValuesForm, bia.Values, *errs.Validation) {
	pf := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := biaValuesForm{TimePoints: st.TimePoints, Currency: st.Currency, Intolerable: st.Intolerable,
		MTPD: pf("mtpd_minutes"), RTO: pf("rto_minutes"), RPO: pf("rpo_minutes"), MBCO: pf("mbco"),
		PeakPeriods: pf("peak_periods"), MinStaff: pf("min_staff"), MinResources: pf("min_resources")}
	var v errs.Validation
	x := bia.Values{MBCO: f.MBCO, PeakPeriods: f.PeakPeriods, MinResources: f.MinResources, Impacts: []bia.ImpactPoint{}}
	dur := func(field, s string) *int {
		m, ok := parseDuration(s)
		if !ok {
			v.Add(field, "must be a duration")
		}
		return m
	}
	x.MTPDMinutes = dur("mtpd_minutes", f.MTPD)
	x.RTOMinutes = dur("rto_minutes", f.RTO)
	x.RPOMinutes = dur("rpo_minutes", f.RPO)
	if f.MinStaff != "" {
		if n, err := strconv.Atoi(f.MinStaff); err != nil {
			v.Add("min_staff", "must be a whole number")
		} else {
			x.MinStaff = &n
		}
	}
	for _, c := range bia.Categories {
		row := biaImpactRow{Category: c}
		for _, t := range st.TimePoints {
			name := impactField(c, t)
			cell := biaImpactCell{After: t, Name: name, Level: pf(name)}
			if c == bia.Financial {
				cell.AmountName, cell.Amount = name+"_amount", pf(name+"_amount")
			}
			row.Cells = append(row.Cells, cell)
			if cell.Level == "" {
				if cell.Amount != "" {
					v.Add("impacts", "%s", "rate the level where an amount is given")
				}
				continue
			}
			lvl, err := strconv.Atoi(cell.Level)
			if err != nil || lvl < 1 || lvl > bia.MaxLevel {
				v.Add("impacts", "must be between 1 and 5")
				continue
			}
			p := bia.ImpactPoint{Category: c, AfterMinutes: t, Level: lvl}
			if cell.Amount != "" {
				a, err := strconv.ParseFloat(strings.ReplaceAll(cell.Amount, ",", ""), 64)
				if err != nil {
					v.Add("impacts", "must be a number")
				} else {
					p.Amount = &a
				}
			}
			x.Impacts = append(x.Impacts, p)
		}
		f.Rows = append(f.Rows, row)
	}
	if x.MTPDMinutes == nil {
		f.DerivedMTPD = bia.DeriveMTPD(x.Impacts, st.Intolerable)
	}
	return f, x, &v
}

// valueErrors files the impacts' indexed errors (impacts[3].level) under
// the grid as one field, impacts.
func valueErrors(tr i18n.Translator, err error) error {
	err = localizeBIA(tr, err)
	fields := errs.FieldsOf(err)
	if len(fields) == 0 {
		return err
	}
	out := make([]errs.FieldError, 0, len(fields))
	var grid []string
	for _, fe := range fields {
		if strings.HasPrefix(fe.Field, "impacts") {
			grid = append(grid, localizeField(tr, fe.Field, fe.Message))
			continue
		}
		out = append(out, fe)
	}
	if len(grid) > 0 {
		out = append(out, errs.FieldError{Field: "impacts", Message: strings.Join(grid, tr.T("bia.sentence_sep"))})
	}
	return withFields(err, out)
}
