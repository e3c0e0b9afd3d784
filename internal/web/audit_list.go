package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/i18n"
)

const auditPageSize = 50

// auditEntities are the kinds of object the log records, for the filter.
var auditEntities = []string{"unit", "site", "person", "team", "user", "token"}

// auditRow is an entry as the log page shows it.
type auditRow struct {
	audit.Entry
	ActionLabel string
	EntityLabel string
	BeforeJSON  string
	AfterJSON   string
}

// auditPage is the audit log, newest first, with its filters and the
// chain verification.
type auditPage struct {
	Page
	Entries   []auditRow
	Entity    string
	Actor     string
	Entities  []option
	Actors    []option
	OlderURL  string
	NewestURL string
	Report    *audit.Report
}

// listAudit shows the audit log a page at a time ("older" continues
// below the last entry shown).
func (h *handler) listAudit(w http.ResponseWriter, r *http.Request) {
	p, err := h.auditPage(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "audit", p)
}

func (h *handler) auditPage(w http.ResponseWriter, r *http.Request) (auditPage, error) {
	ctx := r.Context()
	q := r.URL.Query()
	p := auditPage{Page: h.base(w, r, "audit.title"), Entity: q.Get("entity"), Actor: q.Get("actor")}
	f := audit.Filter{Limit: auditPageSize}
	if p.Entity != "" {
		f.Entity = p.Entity
	}
	if id, ok := parseID(p.Actor); ok {
		f.ActorID = id
	} else {
		p.Actor = ""
	}
	if id, ok := parseID(q.Get("before_id")); ok {
		f.BeforeID = id
	}
	entries, err := h.d.Audit.List(ctx, f)
	if err != nil {
		return p, err
	}
	actors := map[string]string{}
	for _, e := range entries {
		p.Entries = append(p.Entries, auditRow{Entry: e, ActionLabel: auditAction(p.Tr, e.Action), EntityLabel: auditEntity(p.Tr, e.Entity),
			BeforeJSON: prettyJSON(e.Before), AfterJSON: prettyJSON(e.After)})
		if e.ActorID > 0 {
			actors[strconv.FormatInt(e.ActorID, 10)] = e.Actor
		}
	}
	filter := url.Values{}
	if p.Entity != "" {
		filter.Set("entity", p.Entity)
	}
	if p.Actor != "" {
		filter.Set("actor", p.Actor)
	}
	if len(entries) == auditPageSize {
		older := url.Values{}
		for k, v := range filter {
			older[k] = v
		}
		older.Set("before_id", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		p.OlderURL = "/audit?" + older.Encode()
	}
	if f.BeforeID > 0 {
		p.NewestURL = "/audit"
		if len(filter) > 0 {
			p.NewestURL += "?" + filter.Encode()
		}
	}
	p.Entities = []option{{Value: "", Label: p.Tr.T("common.all")}}
	for _, e := range auditEntities {
		p.Entities = append(p.Entities, option{Value: e, Label: auditEntity(p.Tr, e), Selected: e == p.Entity})
	}
	// Every account when the viewer may list them, else the actors seen.
	if p.principal.Any(authz.UsersManage) {
		if users, err := h.d.Identity.ListUsers(ctx); err == nil {
			for _, u := range users {
				name := u.DisplayName
				if name == "" {
					name = u.Username
				}
				actors[strconv.FormatInt(u.ID, 10)] = name
			}
		}
	}
	if p.Actor != "" {
		if _, ok := actors[p.Actor]; !ok {
			actors[p.Actor] = "#" + p.Actor
		}
	}
	p.Actors = []option{{Value: "", Label: p.Tr.T("common.all")}}
	for id, name := range actors {
		p.Actors = append(p.Actors, option{Value: id, Label: name, Selected: id == p.Actor})
	}
	sort.Slice(p.Actors[1:], func(i, j int) bool { return p.Actors[i+1].Label < p.Actors[j+1].Label })
	return p, nil
}

// auditAction names an action such as "person.update" in the page language.
func auditAction(tr i18n.Translator, action string) string {
	verb := action
	if i := strings.LastIndexByte(action, '.'); i >= 0 {
		verb = action[i+1:]
	}
	if key := "audit.action." + verb; i18n.Has(key) {
		return tr.T(key)
	}
	return action
}

// auditEntity names a kind of object in the page language.
func auditEntity(tr i18n.Translator, entity string) string {
	if key := "audit.entity." + entity; i18n.Has(key) {
		return tr.T(key)
	}
	return entity
}

// prettyJSON indents a recorded object for reading; html/template escapes
// it on the page.
func prettyJSON(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

// verifyAudit checks the hash chain and shows the report: in place for
// htmx, else on the log page.
func (h *handler) verifyAudit(w http.ResponseWriter, r *http.Request) {
	report, err := h.d.Audit.Verify(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if isPartial(r) {
		p := auditPage{Page: h.base(w, r, "audit.title"), Report: &report}
		h.renderPartial(w, r, http.StatusOK, "audit", "verify_result", p)
		return
	}
	p, err := h.auditPage(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Report = &report
	h.render(w, r, http.StatusOK, "audit", p)
}

var missingEntries = regexp.MustCompile(`^entries (\d+) to (\d+) are missing$`)

// ProblemText translates a problem found by the chain verification.
func (p auditPage) ProblemText(reason string) string {
	switch {
	case reason == "link to the previous entry is broken":
		return p.Tr.T("audit.problem.link")
	case strings.HasPrefix(reason, "content does not match its hash"):
		return p.Tr.T("audit.problem.hash")
	}
	if m := missingEntries.FindStringSubmatch(reason); m != nil {
		from, _ := strconv.Atoi(m[1])
		to, _ := strconv.Atoi(m[2])
		return p.Tr.T("audit.problem.missing", from, to)
	}
	return reason
}
