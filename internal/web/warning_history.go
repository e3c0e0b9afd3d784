package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/warning"
)

const warningHistoryPageSize = 25

// warningHistoryRow is one ended warning.
type warningHistoryRow struct {
	W     warning.Warning
	Badge warnBadge
	Title string
}

// warningHistoryPage lists the warnings that were lifted or expired.
type warningHistoryPage struct {
	Page
	Rows     []warningHistoryRow
	Statuses []option
	Levels   []option
	Total    int
	PageNo   int
	Pages    int
	PrevURL  string
	NextURL  string
}

// showWarningHistory lists ended warnings, newest first, by status
// (lifted or expired) and level.
func (h *handler) showWarningHistory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := warningHistoryPage{Page: h.base(w, r, "warnweb.history")}
	status := warning.Status(q.Get("status"))
	if status != warning.StatusExpired {
		status = warning.StatusLifted
	}
	level, _ := strconv.Atoi(q.Get("level"))
	if !warning.Level(level).Valid() {
		level = 0
	}
	p.PageNo, _ = strconv.Atoi(q.Get("page"))
	p.PageNo = max(p.PageNo, 1)
	for _, s := range []warning.Status{warning.StatusLifted, warning.StatusExpired} {
		p.Statuses = append(p.Statuses, option{Value: string(s), Label: p.WarnStatus(s), Selected: s == status})
	}
	lv := ""
	if level != 0 {
		lv = strconv.Itoa(level)
	}
	p.Levels = append([]option{{Value: "", Label: p.Tr.T("warnweb.all_levels")}}, warnLevelOptions(p.Page, lv, false)...)
	ws, total, err := h.d.Warning.Warnings(r.Context(), warning.Filter{Status: status, Level: warning.Level(level),
		Limit: warningHistoryPageSize, Offset: (p.PageNo - 1) * warningHistoryPageSize})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, x := range ws {
		p.Rows = append(p.Rows, warningHistoryRow{W: x, Badge: p.WarnLevel(x.Level), Title: p.L(x.Title, x.TitleEn)})
	}
	p.Total = total
	p.Pages = (total + warningHistoryPageSize - 1) / warningHistoryPageSize
	link := func(n int) string {
		v := url.Values{"status": {string(status)}, "page": {strconv.Itoa(n)}}
		if lv != "" {
			v.Set("level", lv)
		}
		return "/warnings/history?" + v.Encode()
	}
	p.PrevURL, p.NextURL = link(p.PageNo-1), link(p.PageNo+1)
	h.render(w, r, http.StatusOK, "warning_history", p)
}
