package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// The inputs that create and change warnings: polled CAP feeds, which are
// stored and managed here, and the Alertmanager and CAP endpoints of the
// API, which are not stored: the list page says how to point a sender at
// them.

// apiPrefix is where the REST API is served (api.Prefix; the web package
// does not import the API).
const apiPrefix = "/api/v1"

// feedRow is one polled feed in the list, with the outcome of its last
// poll.
type feedRow struct {
	F warning.Feed
	// State is "paused", "pending" (not polled yet), "failed" or "ok".
	State   string
	Minutes string // the interval
	NextDue *time.Time
}

// inputIndicator is an indicator fed by Alertmanager, listed so that the
// codes to put in the continuo_indicator label are at hand.
type inputIndicator struct {
	I     warning.Indicator
	Name  string
	Badge warnBadge
}

type feedsPage struct {
	Page
	Rows     []feedRow
	CanWrite bool
	// AlertmanagerURL and CAPURL are the API endpoints senders post to.
	AlertmanagerURL string
	CAPURL          string
	Indicators      []inputIndicator
}

// feedForm is the feed editor as typed.
type feedForm struct {
	ID       int64
	Name     string
	URL      string
	Interval string // minutes
	Active   bool
	// Stored is the feed being edited, for its last poll.
	Stored *warning.Feed
}

type feedFormPage struct {
	Page
	formState
	Form    feedForm
	Editing bool
}

func feedState(f warning.Feed) string {
	switch {
	case !f.Active:
		return "paused"
	case f.LastPolledAt == nil:
		return "pending"
	case f.LastError != "":
		return "failed"
	}
	return "ok"
}

// listFeeds lists the polled CAP feeds with their last poll, and explains
// how Alertmanager and other CAP senders reach the API.
func (h *handler) listFeeds(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := feedsPage{Page: h.base(w, r, "warnweb.feeds")}
	p.CanWrite = p.Can(string(authz.WarningWrite))
	feeds, err := h.d.Warning.Feeds(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, f := range feeds {
		row := feedRow{F: f, State: feedState(f), Minutes: minutesOf(f.IntervalSeconds)}
		if f.Active && f.LastPolledAt != nil {
			next := f.LastPolledAt.Add(time.Duration(f.IntervalSeconds) * time.Second)
			row.NextDue = &next
		}
		p.Rows = append(p.Rows, row)
	}
	inds, err := h.d.Warning.Indicators(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, ind := range inds {
		if ind.Source == warning.SourceAlertmanager {
			p.Indicators = append(p.Indicators, inputIndicator{I: ind, Name: p.L(ind.Name, ind.NameEn), Badge: p.WarnLevel(ind.Level)})
		}
	}
	base := strings.TrimRight(h.d.BaseURL, "/")
	p.AlertmanagerURL = base + apiPrefix + "/alertmanager"
	p.CAPURL = base + apiPrefix + "/cap"
	h.render(w, r, http.StatusOK, "warning_feeds", p)
}

func (h *handler) feedFormPage(w http.ResponseWriter, r *http.Request, f feedForm) feedFormPage {
	title := "warnweb.feed_new"
	if f.ID != 0 {
		title = "warnweb.feed_edit"
	}
	return feedFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
}

// feedByID finds a stored feed; the service lists feeds but has no
// lookup of one.
func (h *handler) feedByID(ctx context.Context, id int64) (warning.Feed, error) {
	feeds, err := h.d.Warning.Feeds(ctx)
	if err != nil {
		return warning.Feed{}, err
	}
	for _, f := range feeds {
		if f.ID == id {
			return f, nil
		}
	}
	return warning.Feed{}, errs.New(errs.NotFound, "no feed with id %d", id)
}

// newFeed shows an empty feed editor.
func (h *handler) newFeed(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "warning_feed_form", h.feedFormPage(w, r, feedForm{Interval: "5", Active: true}))
}

// editFeed shows the editor of a feed.
func (h *handler) editFeed(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	f, err := h.feedByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	form := feedForm{ID: f.ID, Name: f.Name, URL: f.URL, Interval: minutesOf(f.IntervalSeconds), Active: f.Active, Stored: &f}
	h.render(w, r, http.StatusOK, "warning_feed_form", h.feedFormPage(w, r, form))
}

// minutesOf writes an interval in seconds as minutes, with a fraction
// only when the API stored one that is not whole.
func minutesOf(seconds int) string {
	return strconv.FormatFloat(float64(seconds)/60, 'f', -1, 64)
}

// createFeed stores a new feed.
func (h *handler) createFeed(w http.ResponseWriter, r *http.Request) { h.saveFeed(w, r, 0) }

// updateFeed stores changes to a feed; its last poll stays.
func (h *handler) updateFeed(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveFeed(w, r, id)
}

func (h *handler) saveFeed(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	form := feedForm{ID: id, Name: pf("name"), URL: pf("url"), Interval: strings.TrimSpace(pf("interval_minutes")), Active: pf("active") == "1"}
	if id != 0 {
		stored, err := h.feedByID(ctx, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		form.Stored = &stored
	}
	f := warning.Feed{ID: id, Name: form.Name, URL: form.URL, Active: form.Active}
	var v errs.Validation
	if form.Interval != "" {
		m, err := strconv.ParseFloat(form.Interval, 64)
		if err != nil {
			v.Add("interval_minutes", "is not a number")
		} else {
			f.IntervalSeconds = int(m * 60)
			if f.IntervalSeconds == 0 {
				f.IntervalSeconds = -1 // not the service's "default": refused below
			}
		}
	}
	err := saveOrReport(&v, f.Validate, func() (err error) {
		f, err = h.d.Warning.SaveFeed(ctx, f)
		return err
	})
	if err != nil {
		p := h.feedFormPage(w, r, form)
		if !fileFeedErrors(p.Page, &p.formState, err) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "warning_feed_form", p)
		return
	}
	h.flash(w, "ok", "common.saved")
	http.Redirect(w, r, "/warning-feeds", http.StatusSeeOther)
}

// fileFeedErrors files the feed service's field errors under the inputs:
// the interval is typed in minutes but checked in seconds.
func fileFeedErrors(p Page, fs *formState, err error) bool {
	code := errs.CodeOf(err)
	if code != errs.Invalid && !(code == errs.Conflict && len(errs.FieldsOf(err)) > 0) {
		return false
	}
	for _, fe := range errs.FieldsOf(err) {
		field, msg := fe.Field, localizeField(p.Tr, fe.Field, fe.Message)
		switch {
		case field == "interval_seconds":
			field, msg = "interval_minutes", p.Tr.T("warnweb.feed_interval_range")
		case field == "interval_minutes":
			msg = p.Tr.T("warnweb.not_a_number")
		case field == "url" && strings.HasPrefix(fe.Message, "must be an http"):
			msg = p.Tr.T("warnweb.feed_url_http")
		}
		switch field {
		case "name", "url", "interval_minutes":
			fs.add(field, msg)
		default:
			fs.Other = append(fs.Other, field+": "+msg)
		}
	}
	if len(errs.FieldsOf(err)) == 0 {
		fs.Other = append(fs.Other, localizeMessage(p.Tr, err))
	}
	return true
}

// deleteFeed stops polling a feed; the warnings it raised stay.
func (h *handler) deleteFeed(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := h.d.Warning.DeleteFeed(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/warning-feeds", http.StatusSeeOther)
}
