package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/server"
)

// prefsPage is the signed-in user's own notification preference: the
// channels in order, quiet hours, language.
type prefsPage struct {
	Page
	formState
	Linked     bool // the account is linked to a person of the directory
	Channels   []rankInput
	Ranks      []int
	QuietStart string
	QuietEnd   string
	TimeZone   string
	MsgLangs   []option
}

// rankInput is one channel of the preference with its position: 1 is
// tried first; 0 is not used.
type rankInput struct {
	Kind  string
	Label string
	Rank  int
}

func (h *handler) prefsPage(w http.ResponseWriter, r *http.Request, pref notify.Preference) prefsPage {
	p := prefsPage{Page: h.base(w, r, "warnweb.preferences"), QuietStart: pref.QuietStart, QuietEnd: pref.QuietEnd, TimeZone: pref.TimeZone}
	for _, k := range notify.Kinds {
		p.Channels = append(p.Channels, rankInput{Kind: string(k), Label: p.Tr.T("warnweb.kind." + string(k)), Rank: slices.Index(pref.Channels, k) + 1})
	}
	for i := range notify.Kinds {
		p.Ranks = append(p.Ranks, i+1)
	}
	p.MsgLangs = []option{{Value: "", Label: p.Tr.T("warnweb.lang_default")}, {Value: notify.LangZh, Label: "简体中文", Selected: pref.Lang == notify.LangZh},
		{Value: notify.LangEn, Label: "English", Selected: pref.Lang == notify.LangEn}}
	return p
}

// personOf returns the directory person of the signed-in user.
func personOf(ctx context.Context) (int64, bool) {
	u, ok := server.UserFrom(ctx)
	if !ok || u.PersonID == nil {
		return 0, false
	}
	return *u.PersonID, true
}

// showPreferences shows the user's notification preference.
func (h *handler) showPreferences(w http.ResponseWriter, r *http.Request) {
	person, ok := personOf(r.Context())
	if !ok {
		h.render(w, r, http.StatusOK, "warning_prefs", h.prefsPage(w, r, notify.Preference{}))
		return
	}
	pref, err := h.d.Notify.Preference(r.Context(), person)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.prefsPage(w, r, pref)
	p.Linked = true
	h.render(w, r, http.StatusOK, "warning_prefs", p)
}

// savePreferences stores the user's notification preference.
func (h *handler) savePreferences(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	person, ok := personOf(ctx)
	if !ok {
		h.errorStatus(w, r, http.StatusConflict, h.trOf(r).T("warnweb.not_linked"))
		return
	}
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pref := notify.Preference{PersonID: person, QuietStart: strings.TrimSpace(r.PostFormValue("quiet_start")),
		QuietEnd: strings.TrimSpace(r.PostFormValue("quiet_end")), TimeZone: strings.TrimSpace(r.PostFormValue("time_zone")),
		Lang: r.PostFormValue("lang")}
	// Each channel has a position select; the chosen ones are used in
	// the order of their positions.
	type ranked struct {
		kind notify.Kind
		rank int
	}
	var chosen []ranked
	taken := map[int]bool{}
	var dup bool
	for _, k := range notify.Kinds {
		n, err := strconv.Atoi(r.PostFormValue("rank." + string(k)))
		if err != nil || n <= 0 {
			continue
		}
		dup = dup || taken[n]
		taken[n] = true
		chosen = append(chosen, ranked{k, n})
	}
	slices.SortStableFunc(chosen, func(a, b ranked) int { return a.rank - b.rank })
	for _, c := range chosen {
		pref.Channels = append(pref.Channels, c.kind)
	}
	if dup {
		p := h.prefsPage(w, r, pref)
		p.Linked = true
		p.add("channels", p.Tr.T("warnweb.rank_twice"))
		h.render(w, r, http.StatusUnprocessableEntity, "warning_prefs", p)
		return
	}
	if _, err := h.d.Notify.SavePreference(ctx, pref); err != nil {
		p := h.prefsPage(w, r, pref)
		p.Linked = true
		if !fileWarnErrors(p.Page, &p.formState, err, "channels", "quiet_start", "quiet_end", "time_zone", "lang") {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "warning_prefs", p)
		return
	}
	h.flash(w, "ok", "common.saved")
	http.Redirect(w, r, "/profile/notifications", http.StatusSeeOther)
}
