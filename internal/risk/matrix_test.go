package risk_test

import (
	"testing"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/risk"
)

func builtin(t *testing.T, id string) risk.Matrix {
	t.Helper()
	for _, m := range risk.BuiltinMatrices() {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no built-in matrix %s", id)
	return risk.Matrix{}
}

func TestBuiltinMatricesRateAsTheSeedsDo(t *testing.T) {
	for _, m := range risk.BuiltinMatrices() {
		if err := m.Validate(); err != nil {
			t.Errorf("built-in matrix %s: %v", m.ID, err)
		}
	}
	cases := []struct {
		matrix       string
		l, i, score  int
		level        risk.Level
		zhGrade, col string
	}{
		// Seed 001, finance example: cyber attack 4×5 = 20, earthquake 2×4 = 8, operator error 5×3 = 15.
		{"5x5", 4, 5, 20, risk.Critical, "重大", risk.ColorCritical},
		{"5x5", 2, 4, 8, risk.Medium, "一般", risk.ColorMedium},
		{"5x5", 5, 3, 15, risk.Critical, "重大", risk.ColorCritical},
		{"5x5", 2, 2, 4, risk.Low, "低", risk.ColorLow},
		{"5x5", 2, 5, 10, risk.High, "较大", risk.ColorHigh},
		// Seed 001, e-commerce example: data leak high × high is the first priority,
		// logistics delay medium × medium the next.
		{"3x3", 3, 3, 9, risk.Critical, "重大", risk.ColorCritical},
		{"3x3", 2, 2, 4, risk.Medium, "一般", risk.ColorMedium},
		{"3x3", 1, 1, 1, risk.Low, "低", risk.ColorLow},
		{"4x4", 3, 3, 9, risk.High, "较大", risk.ColorHigh},
		{"4x4", 4, 4, 16, risk.Critical, "重大", risk.ColorCritical},
	}
	for _, c := range cases {
		m := builtin(t, c.matrix)
		score, level, err := m.Rate(c.l, c.i)
		if err != nil || score != c.score || level != c.level {
			t.Errorf("%s %d×%d = %d %s (%v), want %d %s", c.matrix, c.l, c.i, score, level, err, c.score, c.level)
		}
		b, _ := m.BandOf(score)
		if b.Label != c.zhGrade || b.Color != c.col {
			t.Errorf("%s score %d: band %s %s, want %s %s", c.matrix, score, b.Label, b.Color, c.zhGrade, c.col)
		}
	}
}

func TestRateOutsideTheMatrixNamesTheField(t *testing.T) {
	m := builtin(t, "3x3")
	_, _, err := m.Rate(4, 0)
	fields := errs.FieldsOf(err)
	if errs.CodeOf(err) != errs.Invalid || len(fields) != 2 || fields[0].Field != "likelihood" || fields[1].Field != "impact" {
		t.Fatalf("rating 4×0 on 3x3: %v", err)
	}
}

func TestMatrixValidateFindsGapsAndOverlaps(t *testing.T) {
	m := builtin(t, "5x5")
	m.Bands[1].Min = 6 // 5 falls between low and medium
	if err := m.Validate(); !hasField(err, "bands[1].min") {
		t.Errorf("gap not found: %v", err)
	}
	m = builtin(t, "5x5")
	m.Bands[3].Max = 24
	if err := m.Validate(); !hasField(err, "bands") {
		t.Errorf("missing top score not found: %v", err)
	}
	m = builtin(t, "5x5")
	m.Bands[2].Level = risk.Low
	if err := m.Validate(); !hasField(err, "bands[2].level") {
		t.Errorf("falling level not found: %v", err)
	}
	m = builtin(t, "4x4")
	m.Impact[1].LabelEn = ""
	if err := m.Validate(); !hasField(err, "impact[1].label_en") {
		t.Errorf("missing English label not found: %v", err)
	}
}

func TestRiskValidate(t *testing.T) {
	r := risk.Risk{Title: "  台风 ", Category: "weather", UnitID: 1, ReviewDate: "2026-13-01", Treatment: "ignore",
		ProcessIDs: []int64{3, 3}, Actions: []risk.Action{{Description: "", Due: "tomorrow"}}}
	err := r.Validate()
	for _, f := range []string{"category", "review_date", "treatment", "process_ids[1]", "actions[0].description", "actions[0].due"} {
		if !hasField(err, f) {
			t.Errorf("no error on %s: %v", f, err)
		}
	}
	if r.Title != "台风" || r.Status != risk.StatusOpen {
		t.Errorf("title %q status %q: want trimmed title and status open by default", r.Title, r.Status)
	}
	ok := risk.Risk{Title: "台风", Category: risk.NaturalDisaster, UnitID: 1, Treatment: risk.Reduce, ReviewDate: "2026-06-30"}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid risk refused: %v", err)
	}
	acc := risk.Risk{Title: "燃油价格", Category: risk.Financial, UnitID: 1, Treatment: risk.Transfer, Status: risk.StatusAccepted}
	if err := acc.Validate(); !hasField(err, "status") {
		t.Errorf("accepted with treatment transfer: %v", err)
	}
}

func hasField(err error, field string) bool {
	for _, f := range errs.FieldsOf(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}
