package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// thresholdCell is one level's threshold of an indicator, and whether the
// latest value is at or past it.
type thresholdCell struct {
	Badge   warnBadge
	Value   *float64
	Reached bool
}

// indicatorRow is one indicator in the list.
type indicatorRow struct {
	I          warning.Indicator
	Name       string
	Owner      string
	Badge      warnBadge
	Thresholds []thresholdCell
}

type indicatorsPage struct {
	Page
	Rows     []indicatorRow
	CanWrite bool
}

// thresholdCells lists an indicator's thresholds from blue to red,
// marking those its latest value reaches.
func thresholdCells(p Page, ind warning.Indicator) []thresholdCell {
	var out []thresholdCell
	for _, l := range warning.Levels {
		c := thresholdCell{Badge: p.WarnLevel(l), Value: ind.Thresholds.Of(l)}
		if c.Value != nil && ind.Value != nil {
			if ind.Direction == warning.LowerIsWorse {
				c.Reached = *ind.Value <= *c.Value
			} else {
				c.Reached = *ind.Value >= *c.Value
			}
		}
		out = append(out, c)
	}
	return out
}

// listIndicators lists the warning indicators with their latest value
// against the thresholds.
func (h *handler) listIndicators(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := indicatorsPage{Page: h.base(w, r, "warnweb.indicators")}
	p.CanWrite = p.Can(string(authz.WarningWrite))
	inds, err := h.d.Warning.Indicators(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := unitNames(p.Page, units)
	for _, ind := range inds {
		p.Rows = append(p.Rows, indicatorRow{I: ind, Name: p.L(ind.Name, ind.NameEn), Owner: nameOr(names, ind.OwnerUnitID),
			Badge: p.WarnLevel(ind.Level), Thresholds: thresholdCells(p.Page, ind)})
	}
	h.render(w, r, http.StatusOK, "warning_indicators", p)
}
