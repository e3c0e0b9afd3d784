package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// indicatorChart is the data of the observations chart, read by
// warning.js: the observations and one line per threshold.
type indicatorChart struct {
	Measure    string   `json:"measure"`
	ValueLabel string   `json:"value_label"`
	Points     [][2]any `json:"points"` // [RFC 3339 time, value] as observed
	// Values is the value compared with the thresholds at each
	// observation (the window's sum, maximum… ending there), when the
	// indicator aggregates; empty when it takes the latest value.
	Values     [][2]any         `json:"values"`
	AggLabel   string           `json:"agg_label"`
	Thresholds []chartThreshold `json:"thresholds"`
	Empty      string           `json:"empty"`
}

type chartThreshold struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Color string  `json:"color"`
}

// levelColors are the CSS colours of the warning levels, for charts.
var levelColors = map[warning.Level]string{warning.Red: "#c62828", warning.Orange: "#ef6c00", warning.Yellow: "#f9a825", warning.Blue: "#1565c0"}

type indicatorPage struct {
	Page
	I            warning.Indicator
	Name         string
	Owner        string
	Badge        warnBadge
	Thresholds   []thresholdCell
	Chart        indicatorChart
	Hours        int
	HourOptions  []option
	Observations []warning.Observation // the latest, newest first
	Warnings     []warningHistoryRow
	CanWrite     bool
}

// chartHours are the spans the chart offers.
var chartHours = []int{6, 24, 72, 168}

// showIndicator shows an indicator: thresholds, latest value, a chart of
// recent observations with the threshold lines, and its warnings.
func (h *handler) showIndicator(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	ind, err := h.d.Warning.Indicator(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := indicatorPage{Page: h.base(w, r, ""), I: ind, Hours: 24}
	p.Scripts = []string{"echarts.min.js", "warning.js"}
	p.Name = p.L(ind.Name, ind.NameEn)
	p.Title = p.Name
	p.Badge = p.WarnLevel(ind.Level)
	p.Thresholds = thresholdCells(p.Page, ind)
	if hs, err := strconv.Atoi(r.URL.Query().Get("hours")); err == nil && contains(intStrings(chartHours), strconv.Itoa(hs)) {
		p.Hours = hs
	}
	for _, hs := range chartHours {
		p.HourOptions = append(p.HourOptions, option{Value: strconv.Itoa(hs), Label: p.Tr.T("warnweb.last_hours", hs), Selected: hs == p.Hours})
	}
	if u, err := h.d.Org.Unit(ctx, ind.OwnerUnitID); err == nil {
		p.Owner = p.L(u.Name, u.NameEn)
	}
	p.CanWrite = p.Can(string(authz.WarningWrite))
	// Read a window more than the span shown, so that the first points
	// shown have their whole window.
	start := h.d.Clock.Now().Add(-time.Duration(p.Hours) * time.Hour)
	all, err := h.d.Warning.Observations(ctx, id, start.Add(-ind.Window()), 10000)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Chart = indicatorChart{Measure: ind.Measure, ValueLabel: p.Tr.T("warnweb.observed"), Points: [][2]any{}, Values: [][2]any{},
		Empty: p.Tr.T("warnweb.no_observations"), AggLabel: p.Tr.T("warnweb.aggregation." + string(ind.Aggregation))}
	var obs []warning.Observation
	from := 0 // the first observation inside the window of the current one
	for i, o := range all {
		if o.ObservedAt.Before(start) {
			continue
		}
		obs = append(obs, o)
		at := o.ObservedAt.UTC().Format(time.RFC3339)
		p.Chart.Points = append(p.Chart.Points, [2]any{at, o.Value})
		if ind.Aggregation == warning.AggLast || ind.WindowMinutes == 0 {
			continue
		}
		// The window ends at this observation: from < observed_at <= end,
		// as the service evaluates it.
		for from < i && !all[from].ObservedAt.After(o.ObservedAt.Add(-ind.Window())) {
			from++
		}
		end := i + 1
		for end < len(all) && all[end].ObservedAt.Equal(o.ObservedAt) {
			end++
		}
		if v, ok := ind.Aggregate(all[from:end]); ok {
			p.Chart.Values = append(p.Chart.Values, [2]any{at, v})
		}
	}
	for _, l := range warning.Levels {
		if t := ind.Thresholds.Of(l); t != nil {
			p.Chart.Thresholds = append(p.Chart.Thresholds, chartThreshold{Label: l.Roman() + " " + p.Tr.T("warnweb.level."+l.Color()), Value: *t, Color: levelColors[l]})
		}
	}
	for i := len(obs) - 1; i >= 0 && len(p.Observations) < 20; i-- {
		p.Observations = append(p.Observations, obs[i])
	}
	ws, _, err := h.d.Warning.Warnings(ctx, warning.Filter{IndicatorID: id, Limit: 20})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, x := range ws {
		p.Warnings = append(p.Warnings, warningHistoryRow{W: x, Badge: p.WarnLevel(x.Level), Title: p.L(x.Title, x.TitleEn)})
	}
	h.render(w, r, http.StatusOK, "warning_indicator", p)
}

func intStrings(xs []int) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.Itoa(x)
	}
	return out
}
