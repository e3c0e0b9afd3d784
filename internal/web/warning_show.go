package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// ackRow is one recipient department's acknowledgement state.
type ackRow struct {
	UnitID  int64
	Unit    string
	Acked   bool
	Ack     *warning.Ack
	Overdue bool
	Earlier *warning.Ack // the latest acknowledgement of an earlier revision
	CanAck  bool
}

// historyRow is one change of the warning.
type historyRow struct {
	E    warning.Event
	From warnBadge
	To   warnBadge
	Unit string
}

// warningPage is one warning: its content, the acknowledgement progress
// of every recipient department, the history, and the forms to change,
// lift and acknowledge it.
type warningPage struct {
	Page
	W          warning.Warning
	Badge      warnBadge
	Units      []string
	Recipients []string
	Others     []string
	Acks       []ackRow
	Acked      int
	Overdue    int
	History    []historyRow
	Indicator  *warning.Indicator
	InForce    bool
	CanWrite   bool
	CanAck     bool
	AckUnits   []option // the recipient departments the viewer may acknowledge for
	Levels     []option
	// The forms on the page and their errors.
	LevelForm formState
	LiftForm  formState
	AckForm   formState
	Level     string
	LevelNote string
	LiftNote  string
	AckUnit   string
	Measures  string
}

// Percent is the share of departments that acknowledged.
func (p warningPage) Percent() int {
	if len(p.Acks) == 0 {
		return 100
	}
	return p.Acked * 100 / len(p.Acks)
}

func (h *handler) warningPage(ctx context.Context, w http.ResponseWriter, r *http.Request, id int64) (warningPage, error) {
	wn, err := h.d.Warning.Warning(ctx, id)
	if err != nil {
		return warningPage{}, err
	}
	p := warningPage{Page: h.base(w, r, ""), W: wn, InForce: wn.Status.InForce()}
	p.Title = p.L(wn.Title, wn.TitleEn)
	p.Badge = p.WarnLevel(wn.Level)
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	names := unitNames(p.Page, units)
	paths := map[int64]string{}
	for _, u := range units {
		paths[u.ID] = u.Path
	}
	for _, uid := range wn.UnitIDs {
		p.Units = append(p.Units, nameOr(names, uid))
	}
	for _, uid := range wn.Audience.UnitIDs {
		p.Recipients = append(p.Recipients, nameOr(names, uid))
	}
	teams, err := h.d.Org.Teams(ctx)
	if err != nil {
		return p, err
	}
	teamNames := map[int64]string{}
	for _, t := range teams {
		teamNames[t.ID] = p.L(t.Name, t.NameEn)
	}
	p.Others = audienceOthers(p.Page, wn.Audience, teamNames)
	p.CanWrite = p.InForce && writableAll(p.Page, units, wn.UnitIDs)

	state, err := h.d.Warning.Acknowledgements(ctx, id)
	if err != nil {
		return p, err
	}
	all, err := h.d.Warning.AllAcks(ctx, id)
	if err != nil {
		return p, err
	}
	earlier := map[int64]warning.Ack{}
	for _, a := range all {
		if a.Revision < wn.Revision {
			earlier[a.UnitID] = a
		}
	}
	for _, s := range state {
		row := ackRow{UnitID: s.UnitID, Unit: p.L(s.UnitName, s.UnitNameEn), Acked: s.Acked, Ack: s.Ack, Overdue: s.Overdue}
		if row.Unit == "" {
			row.Unit = nameOr(names, s.UnitID)
		}
		if e, ok := earlier[s.UnitID]; ok && !s.Acked {
			row.Earlier = &e
		}
		path, known := paths[s.UnitID]
		row.CanAck = p.InForce && known && p.principal.On(authz.WarningAck, path)
		if row.Acked {
			p.Acked++
		}
		if row.Overdue {
			p.Overdue++
		}
		if row.CanAck {
			p.CanAck = true
			p.AckUnits = append(p.AckUnits, option{Value: idString(s.UnitID), Label: row.Unit})
		}
		p.Acks = append(p.Acks, row)
	}
	events, err := h.d.Warning.History(ctx, id)
	if err != nil {
		return p, err
	}
	for i := len(events) - 1; i >= 0; i-- { // newest first
		e := events[i]
		hr := historyRow{E: e, From: p.WarnLevel(e.FromLevel), To: p.WarnLevel(e.ToLevel)}
		if e.UnitID != nil {
			hr.Unit = nameOr(names, *e.UnitID)
		}
		p.History = append(p.History, hr)
	}
	if wn.IndicatorID != nil {
		if ind, err := h.d.Warning.Indicator(ctx, *wn.IndicatorID); err == nil {
			p.Indicator = &ind
		}
	}
	p.Levels = warnLevelOptions(p.Page, "", true)
	for i := range p.Levels {
		if p.Levels[i].Value == strconv.Itoa(int(wn.Level)) {
			p.Levels[i].Disabled = true
		}
	}
	return p, nil
}

// writableAll reports whether the viewer holds warning.write on every
// affected unit (anywhere, when there is none), as the service requires.
func writableAll(p Page, units []org.Unit, ids []int64) bool {
	if len(ids) == 0 {
		return p.Can(string(authz.WarningWrite))
	}
	for _, id := range ids {
		i := slices.IndexFunc(units, func(u org.Unit) bool { return u.ID == id })
		if i < 0 || !p.principal.On(authz.WarningWrite, units[i].Path) {
			return false
		}
	}
	return true
}

// showWarning shows one warning.
func (h *handler) showWarning(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p, err := h.warningPage(r.Context(), w, r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "warning", p)
}
