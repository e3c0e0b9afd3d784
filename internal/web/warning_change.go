package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// changeWarningLevel upgrades or downgrades a warning in force by hand,
// with a note saying why. An upgrade is a new revision: every recipient
// department acknowledges again.
func (h *handler) changeWarningLevel(hub *boardHub) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r, "id")
		if !ok {
			h.errorStatus(w, r, http.StatusNotFound, "")
			return
		}
		ctx := r.Context()
		level, note := r.PostFormValue("level"), r.PostFormValue("note")
		var err error
		n, convErr := strconv.Atoi(level)
		switch {
		case level == "":
			err = errs.Field("level", "is required")
		case convErr != nil || !warning.Level(n).Valid():
			err = errs.Field("level", "must be one of 1, 2, 3, 4")
		case strings.TrimSpace(note) == "":
			err = errs.Field("note", "is required")
		default:
			_, err = h.d.Warning.ChangeLevel(ctx, id, warning.Level(n), note)
		}
		if err != nil {
			p, perr := h.warningPage(ctx, w, r, id)
			if perr != nil {
				h.fail(w, r, perr)
				return
			}
			if !fileWarnErrors(p.Page, &p.LevelForm, err, "level", "note") {
				h.fail(w, r, err)
				return
			}
			p.Level, p.LevelNote = level, note
			h.render(w, r, http.StatusUnprocessableEntity, "warning", p)
			return
		}
		hub.changed()
		h.flash(w, "ok", "warnweb.level_changed")
		http.Redirect(w, r, "/warnings/"+idString(id), http.StatusSeeOther)
	}
}

// liftWarning ends a warning in force by hand; the reason is required.
func (h *handler) liftWarning(hub *boardHub) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r, "id")
		if !ok {
			h.errorStatus(w, r, http.StatusNotFound, "")
			return
		}
		ctx := r.Context()
		note := r.PostFormValue("note")
		var err error
		if strings.TrimSpace(note) == "" {
			err = errs.Field("note", "is required")
		} else {
			_, err = h.d.Warning.Lift(ctx, id, note)
		}
		if err != nil {
			p, perr := h.warningPage(ctx, w, r, id)
			if perr != nil {
				h.fail(w, r, perr)
				return
			}
			if !fileWarnErrors(p.Page, &p.LiftForm, err, "note") {
				h.fail(w, r, err)
				return
			}
			p.LiftNote = note
			h.render(w, r, http.StatusUnprocessableEntity, "warning", p)
			return
		}
		hub.changed()
		h.flash(w, "ok", "warnweb.lifted")
		http.Redirect(w, r, "/warnings/"+idString(id), http.StatusSeeOther)
	}
}

// acknowledgeWarning records a recipient department's acknowledgement
// with the measures it took.
func (h *handler) acknowledgeWarning(hub *boardHub) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r, "id")
		if !ok {
			h.errorStatus(w, r, http.StatusNotFound, "")
			return
		}
		ctx := r.Context()
		unit, measures := r.PostFormValue("unit_id"), r.PostFormValue("measures")
		uid, okID := parseID(unit)
		var err error
		if !okID {
			err = errs.Field("unit_id", "no org unit with this id")
		} else {
			_, err = h.d.Warning.Acknowledge(ctx, id, uid, measures)
		}
		if err != nil {
			p, perr := h.warningPage(ctx, w, r, id)
			if perr != nil {
				h.fail(w, r, perr)
				return
			}
			if !fileWarnErrors(p.Page, &p.AckForm, err, "unit_id", "measures") {
				h.fail(w, r, err)
				return
			}
			p.AckUnit, p.Measures = unit, measures
			for i := range p.AckUnits {
				p.AckUnits[i].Selected = p.AckUnits[i].Value == unit
			}
			h.render(w, r, http.StatusUnprocessableEntity, "warning", p)
			return
		}
		hub.changed()
		h.flash(w, "ok", "warnweb.acknowledged")
		http.Redirect(w, r, "/warnings/"+idString(id)+"#acks", http.StatusSeeOther)
	}
}
