package web

import (
	"bytes"
	"context"
	"net/http"
	"slices"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// boardWarning is one warning in force on the board.
type boardWarning struct {
	W          warning.Warning
	Badge      warnBadge
	Title      string
	Units      []string // affected units
	Recipients []string // recipient departments
	Others     []string // teams, seats, people, partners in words
	Acked      int
	Total      int
	Overdue    int
}

// Percent is the share of recipient departments that acknowledged.
func (b boardWarning) Percent() int {
	if b.Total == 0 {
		return 100
	}
	return b.Acked * 100 / b.Total
}

// levelCount is the number of warnings in force at one level.
type levelCount struct {
	Badge warnBadge
	N     int
}

// warningBoardPage is the warning board: the warnings in force, most
// severe first, with their acknowledgement progress.
type warningBoardPage struct {
	Page
	Warnings []boardWarning
	Counts   []levelCount
	CanWrite bool
	// Live is set on the boards the event stream sends: the page shows
	// that it is being kept up to date.
	Live bool
}

// boardLimit bounds the warnings in force the board shows.
const boardLimit = 200

func (h *handler) warningBoard(ctx context.Context, p Page) (warningBoardPage, error) {
	bp := warningBoardPage{Page: p, CanWrite: p.Can(string(authz.WarningWrite))}
	ws, _, err := h.d.Warning.Warnings(ctx, warning.Filter{InForce: true, Limit: boardLimit})
	if err != nil {
		return bp, err
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return bp, err
	}
	names := unitNames(p, units)
	teams, err := h.d.Org.Teams(ctx)
	if err != nil {
		return bp, err
	}
	teamNames := map[int64]string{}
	for _, t := range teams {
		teamNames[t.ID] = p.L(t.Name, t.NameEn)
	}
	counts := map[warning.Level]int{}
	for _, w := range ws {
		acks, err := h.d.Warning.Acknowledgements(ctx, w.ID)
		if err != nil {
			return bp, err
		}
		bw := boardWarning{W: w, Badge: p.WarnLevel(w.Level), Title: p.L(w.Title, w.TitleEn), Total: len(acks)}
		for _, a := range acks {
			if a.Acked {
				bw.Acked++
			}
			if a.Overdue {
				bw.Overdue++
			}
		}
		for _, id := range w.UnitIDs {
			bw.Units = append(bw.Units, nameOr(names, id))
		}
		for _, id := range w.Audience.UnitIDs {
			bw.Recipients = append(bw.Recipients, nameOr(names, id))
		}
		bw.Others = audienceOthers(p, w.Audience, teamNames)
		counts[w.Level]++
		bp.Warnings = append(bp.Warnings, bw)
	}
	// Most severe first, then the newest (the list comes newest first).
	slices.SortStableFunc(bp.Warnings, func(a, b boardWarning) int { return int(a.W.Level) - int(b.W.Level) })
	for _, l := range []warning.Level{warning.Red, warning.Orange, warning.Yellow, warning.Blue} {
		bp.Counts = append(bp.Counts, levelCount{Badge: p.WarnLevel(l), N: counts[l]})
	}
	return bp, nil
}

func nameOr(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n
	}
	return "#" + idString(id)
}

// audienceOthers describes the audience beyond the departments.
func audienceOthers(p Page, a warning.Audience, teamNames map[int64]string) []string {
	var out []string
	for _, id := range a.TeamIDs {
		out = append(out, nameOr(teamNames, id))
	}
	for _, r := range a.Roles {
		out = append(out, p.Tr.T("team_role."+string(r)))
	}
	if n := len(a.PersonIDs); n > 0 {
		out = append(out, p.Tr.T("warnweb.n_people", n))
	}
	if n := len(a.Partners); n > 0 {
		out = append(out, p.Tr.T("warnweb.n_partners", n))
	}
	return out
}

// showWarningBoard shows the warnings in force; the page keeps itself up
// to date through the event stream.
func (h *handler) showWarningBoard(w http.ResponseWriter, r *http.Request) {
	p := h.base(w, r, "warnweb.board")
	p.Scripts = []string{"htmx-ext-sse.js"}
	bp, err := h.warningBoard(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "warning_board", bp)
}

// renderBoard renders the live part of the board for the event stream.
func (h *handler) renderBoard(ctx context.Context, p Page) ([]byte, error) {
	bp, err := h.warningBoard(ctx, p)
	if err != nil {
		return nil, err
	}
	bp.Live = true
	set, err := h.tpl.page("warning_board")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "board", bp); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
