package bia_test

import (
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
)

func ptr[T any](v T) *T { return &v }

// fieldErr returns the message of the error on field, "" if none.
func fieldErr(err error, field string) string {
	for _, f := range errs.FieldsOf(err) {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

func TestDeriveMTPD(t *testing.T) {
	st := bia.DefaultSettings()
	x := bia.Values{Impacts: []bia.ImpactPoint{
		{Category: bia.Customer, AfterMinutes: 1440, Level: 4},
		{Category: bia.Financial, AfterMinutes: 60, Level: 1, Amount: ptr(20000.0)},
		{Category: bia.Financial, AfterMinutes: 240, Level: 3, Amount: ptr(150000.0)},
		{Category: bia.Financial, AfterMinutes: 1440, Level: 5, Amount: ptr(2e6)},
		{Category: bia.Customer, AfterMinutes: 240, Level: 2},
	}, RTOMinutes: ptr(240)}
	if err := x.Normalize(st); err != nil {
		t.Fatal(err)
	}
	if x.MTPDMinutes == nil || *x.MTPDMinutes != 1440 || !x.MTPDDerived {
		t.Fatalf("MTPD %v derived %v, want 1440 derived", x.MTPDMinutes, x.MTPDDerived)
	}
	if x.Impacts[0].Category != bia.Financial || x.Impacts[0].AfterMinutes != 60 {
		t.Errorf("impacts not sorted by category then time: %+v", x.Impacts)
	}
	thr := x.Thresholds()
	if len(thr) != 3 || thr[0].Level != 1 || thr[1].AfterMinutes != 240 || thr[1].Level != 3 || thr[2].Level != 5 ||
		strings.Join(thr[2].Categories, ",") != "financial" {
		t.Errorf("thresholds %+v", thr)
	}

	// A lower intolerable level moves the derived MTPD earlier; a derived
	// value is derived again rather than kept.
	st.Intolerable = 3
	if err := x.Normalize(st); err != nil {
		t.Fatal(err)
	}
	if *x.MTPDMinutes != 240 {
		t.Errorf("MTPD %d after re-derivation, want 240", *x.MTPDMinutes)
	}

	// Given explicitly, the MTPD is kept.
	y := bia.Values{Impacts: x.Impacts, MTPDMinutes: ptr(480), RTOMinutes: ptr(120)}
	if err := y.Normalize(bia.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	if *y.MTPDMinutes != 480 || y.MTPDDerived {
		t.Errorf("given MTPD became %d derived=%v", *y.MTPDMinutes, y.MTPDDerived)
	}

	// No impact intolerable: no MTPD.
	z := bia.Values{Impacts: []bia.ImpactPoint{{Category: bia.Safety, AfterMinutes: 60, Level: 1}}}
	if err := z.Normalize(bia.DefaultSettings()); err != nil || z.MTPDMinutes != nil {
		t.Errorf("MTPD %v err %v, want none", z.MTPDMinutes, err)
	}
}

func TestValuesRefused(t *testing.T) {
	st := bia.DefaultSettings()
	for _, c := range []struct {
		name, field, want string
		x                 bia.Values
	}{
		{"RTO greater than MTPD", "rto_minutes", "must not be greater than the MTPD (4h)",
			bia.Values{MTPDMinutes: ptr(240), RTOMinutes: ptr(480)}},
		{"RTO greater than derived MTPD", "rto_minutes", "the MTPD derived from the impacts (1h)",
			bia.Values{Impacts: []bia.ImpactPoint{{Category: bia.Safety, AfterMinutes: 60, Level: 5}}, RTOMinutes: ptr(90)}},
		{"negative RPO", "rpo_minutes", "must not be negative", bia.Values{RPOMinutes: ptr(-1)}},
		{"zero RTO", "rto_minutes", "at least 1 minute", bia.Values{RTOMinutes: ptr(0)}},
		{"unknown time point", "impacts[0].after_minutes", "must be one of the time points 60 (1h)",
			bia.Values{Impacts: []bia.ImpactPoint{{Category: bia.Safety, AfterMinutes: 90, Level: 2}}}},
		{"level out of scale", "impacts[0].level", "between 1 and 5",
			bia.Values{Impacts: []bia.ImpactPoint{{Category: bia.Safety, AfterMinutes: 60, Level: 6}}}},
		{"amount on a non-financial impact", "impacts[0].amount", "financial impacts only",
			bia.Values{Impacts: []bia.ImpactPoint{{Category: bia.Customer, AfterMinutes: 60, Level: 2, Amount: ptr(5.0)}}}},
		{"unknown category", "impacts[0].category", "must be one of financial",
			bia.Values{Impacts: []bia.ImpactPoint{{Category: "weather", AfterMinutes: 60, Level: 2}}}},
		{"rated twice", "impacts[1]", "rates customer at 1h twice",
			bia.Values{Impacts: []bia.ImpactPoint{{Category: bia.Customer, AfterMinutes: 60, Level: 2}, {Category: bia.Customer, AfterMinutes: 60, Level: 3}}}},
		{"impact falling over time", "impacts", "must not decrease over time",
			bia.Values{Impacts: []bia.ImpactPoint{{Category: bia.Customer, AfterMinutes: 60, Level: 3}, {Category: bia.Customer, AfterMinutes: 240, Level: 2}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.x.Normalize(st)
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("err %v, want invalid", err)
			}
			if msg := fieldErr(err, c.field); !strings.Contains(msg, c.want) {
				t.Errorf("%s: %q, want it to say %q; all: %v", c.field, msg, c.want, err)
			}
		})
	}
}

func TestDependencyValidate(t *testing.T) {
	for _, c := range []struct {
		name, field, want string
		d                 bia.Dependency
	}{
		{"on itself", "to", "cannot depend on itself", bia.Dependency{From: "p3", To: "p3"}},
		{"resource on process", "to", "a resource cannot depend on a process", bia.Dependency{From: "r3", To: "p1"}},
		{"bad reference", "from", "must be a process (p12) or resource (r7) reference", bia.Dependency{From: "x3", To: "r1"}},
		{"leading zero", "to", "reference", bia.Dependency{From: "p1", To: "r01"}},
		{"alternative equal to target", "alternative", "must differ", bia.Dependency{From: "p1", To: "r1", Alternative: "r1"}},
		{"alternative of another family", "alternative", "must be a resource", bia.Dependency{From: "p1", To: "r1", Alternative: "p2"}},
		{"alternative is the dependent", "alternative", "cannot stand in for itself", bia.Dependency{From: "r2", To: "r1", Alternative: "r2"}},
		{"unknown type", "type", "must be one of uses", bia.Dependency{From: "p1", To: "r1", Type: "likes"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.d.Validate()
			if msg := fieldErr(err, c.field); !strings.Contains(msg, c.want) {
				t.Errorf("%s: %q, want %q; all: %v", c.field, msg, c.want, err)
			}
		})
	}
	ok := bia.Dependency{From: "p1", To: "r1", Alternative: "r2"}
	if err := ok.Validate(); err != nil || ok.Type != bia.Uses {
		t.Errorf("valid dependency: %v, type %q", err, ok.Type)
	}
}

func TestFormatMinutes(t *testing.T) {
	for m, want := range map[int]string{30: "30m", 60: "1h", 240: "4h", 1440: "1d", 4320: "3d", 10080: "1w", 1800: "1d 6h", 0: "0m"} {
		if got := bia.FormatMinutes(m); got != want {
			t.Errorf("FormatMinutes(%d) = %q, want %q", m, got, want)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	s := bia.Settings{TimePoints: []int{60, 60, -5}, Intolerable: 6, Currency: "yuan"}
	err := s.Validate()
	for _, f := range []string{"time_points_minutes[1]", "time_points_minutes[2]", "intolerable_level", "currency"} {
		if fieldErr(err, f) == "" {
			t.Errorf("no error on %s: %v", f, err)
		}
	}
	d := bia.DefaultSettings()
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
}
