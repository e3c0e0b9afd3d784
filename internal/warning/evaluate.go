package warning

import "time"

// Aggregate makes the value of an indicator from the observations of its
// window (oldest first). It reports false when there is none.
func (ind *Indicator) Aggregate(obs []Observation) (float64, bool) {
	if len(obs) == 0 {
		return 0, false
	}
	switch ind.Aggregation {
	case AggMax:
		m := obs[0].Value
		for _, o := range obs[1:] {
			m = max(m, o.Value)
		}
		return m, true
	case AggMin:
		m := obs[0].Value
		for _, o := range obs[1:] {
			m = min(m, o.Value)
		}
		return m, true
	case AggSum, AggAvg:
		s := 0.0
		for _, o := range obs {
			s += o.Value
		}
		if ind.Aggregation == AggAvg {
			s /= float64(len(obs))
		}
		return s, true
	}
	latest := obs[0]
	for _, o := range obs[1:] {
		if !o.ObservedAt.Before(latest.ObservedAt) {
			latest = o
		}
	}
	return latest.Value, true
}

// reaches reports whether value has reached threshold t in the indicator's
// direction, with the threshold moved back by slack (the hysteresis).
func (ind *Indicator) reaches(value, t, slack float64) bool {
	if ind.Direction == LowerIsWorse {
		return value <= t+slack
	}
	return value >= t-slack
}

// LevelOf returns the highest level whose threshold value reaches, or None.
// A threshold is reached when the value is equal to it or worse.
func (ind *Indicator) LevelOf(value float64) Level {
	for _, l := range []Level{Red, Orange, Yellow, Blue} {
		if t := ind.Thresholds.Of(l); t != nil && ind.reaches(value, *t, 0) {
			return l
		}
	}
	return None
}

// Next returns the level the indicator moves to from current when the
// value is v. Reaching a higher threshold raises the level at once; the
// level comes down only when v has fallen back past the threshold of the
// lower levels by more than the hysteresis, so that a value hovering at a
// threshold does not raise and lift a warning with every observation.
func (ind *Indicator) Next(current Level, v float64) Level {
	plain := ind.LevelOf(v)
	if plain.Above(current) || plain == current {
		return plain
	}
	// Going down: keep the highest level, not above current, that v still
	// reaches with the hysteresis slack.
	for _, l := range []Level{Red, Orange, Yellow, Blue} {
		if current.Valid() && l.Above(current) {
			continue
		}
		if t := ind.Thresholds.Of(l); t != nil && ind.reaches(v, *t, ind.Hysteresis) {
			return l
		}
	}
	return None
}

// windowStart is the exclusive start of the window that ends at end.
func (ind *Indicator) windowStart(end time.Time) time.Time {
	if ind.WindowMinutes == 0 {
		return end.Add(-time.Nanosecond)
	}
	return end.Add(-ind.Window())
}
