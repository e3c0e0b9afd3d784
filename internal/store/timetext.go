package store

import (
	"fmt"
	"time"
)

// storedTimeLayouts are the layouts SQLite rows hold timestamps in: what
// the driver writes (_time_format=sqlite) first, then what it also reads.
var storedTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01-02 15:04:05.999999999 -0700 MST",
}

// parseStoredTime parses a SQLite timestamp read as text. The driver's own
// conversion of TIMESTAMP columns tries several layouts and builds an error
// for each miss, which on a hot list query costs more than the query; the
// layout the driver writes ("2006-01-02 15:04:05.999999999-07:00", or
// with Z) is parsed here by hand, anything else by the same layouts as the
// driver.
func parseStoredTime(s string) (time.Time, error) {
	if t, ok := parseWrittenTime(s); ok {
		return t, nil
	}
	for _, l := range storedTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	if len(s) > 1 && s[len(s)-1] == 'Z' {
		for _, l := range storedTimeLayouts[:4] {
			if t, err := time.Parse(l, s[:len(s)-1]); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("store: bad timestamp %q", s)
}

// parseWrittenTime parses "YYYY-MM-DD HH:MM:SS[.fraction](Z|±HH:MM)",
// returning the time in UTC.
func parseWrittenTime(s string) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if s[i] == '.' {
		i++
		digits := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if digits < 9 {
				nsec = nsec*10 + int(s[i]-'0')
				digits++
			}
			i++
		}
		if digits == 0 {
			return time.Time{}, false
		}
		for ; digits < 9; digits++ {
			nsec *= 10
		}
	}
	var offset int
	switch rest := s[i:]; {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, okh := num(i+1, i+3)
		m, okm := num(i+4, i+6)
		if !okh || !okm || h > 23 || m > 59 {
			return time.Time{}, false
		}
		offset = (h*60 + m) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // 31 February and the like
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}
