package store

import (
	"testing"
	"time"
)

func TestParseStoredTime(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, want := range []time.Time{
		time.Date(2026, 11, 30, 9, 5, 7, 0, time.UTC),
		time.Date(2026, 2, 28, 23, 59, 59, 123456789, time.UTC),
		time.Date(2026, 1, 1, 0, 30, 0, 500_000_000, cst),
		time.Date(1999, 12, 31, 23, 0, 0, 1000, time.FixedZone("NST", -(3*3600+30*60))),
	} {
		for _, layout := range storedTimeLayouts[:2] {
			s := want.Format(layout)
			got, err := parseStoredTime(s)
			if err != nil || !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("%q: %v %v, want %v in UTC", s, got, err, want)
			}
		}
		if got, err := parseStoredTime(want.UTC().Format("2006-01-02 15:04:05.999999999") + "Z"); err != nil || !got.Equal(want) {
			t.Errorf("with Z: %v %v", got, err)
		}
		if got, err := parseStoredTime(want.String()); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v", want.String(), got, err)
		}
	}
	if got, err := parseStoredTime("2026-03-01"); err != nil || !got.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date only: %v %v", got, err)
	}
	for _, bad := range []string{"", "yesterday", "2026-02-31 10:00:00+00:00", "2026-13-01 10:00:00Z", "2026-01-01 25:00:00Z", "2026-01-01 10:00:00.+08:00"} {
		if got, err := parseStoredTime(bad); err == nil {
			t.Errorf("%q parsed as %v", bad, got)
		}
	}
}
