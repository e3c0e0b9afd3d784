package notify

import (
	"strconv"
	"time"
)

// quietUntil returns when the person's quiet hours containing t end, or
// the zero time when t is not in quiet hours. The hours are read in the
// person's own time zone, or in loc when they have none.
func (p *Preference) quietUntil(t time.Time, loc *time.Location) time.Time {
	start, ok1 := minutesOf(p.QuietStart)
	end, ok2 := minutesOf(p.QuietEnd)
	if !ok1 || !ok2 || start == end {
		return time.Time{}
	}
	if p.TimeZone != "" {
		if l, err := time.LoadLocation(p.TimeZone); err == nil {
			loc = l
		}
	}
	lt := t.In(loc)
	now := lt.Hour()*60 + lt.Minute()
	midnight := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	at := func(day, minutes int) time.Time {
		return midnight.AddDate(0, 0, day).Add(time.Duration(minutes) * time.Minute).UTC()
	}
	if start < end { // same day: 12:00–14:00
		if now >= start && now < end {
			return at(0, end)
		}
		return time.Time{}
	}
	// crosses midnight: 22:00–07:00
	switch {
	case now >= start:
		return at(1, end)
	case now < end:
		return at(0, end)
	}
	return time.Time{}
}

func minutesOf(hhmm string) (int, bool) {
	if !hhmmRe.MatchString(hhmm) {
		return 0, false
	}
	h, _ := strconv.Atoi(hhmm[:2])
	m, _ := strconv.Atoi(hhmm[3:])
	return h*60 + m, true
}
